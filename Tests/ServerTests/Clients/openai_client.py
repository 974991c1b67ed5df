"""Drives coachrag's /v1 with the official `openai` package and prints what it saw as one JSON
object; the Swift test (OpenAICompatibilityTests) asserts on it. Usage:
    openai_client.py BASE_URL CHAT_KEY SEARCH_ONLY_KEY MEMBER_TOKEN
Every scenario is caught separately, so one failure still reports the others."""
import json
import sys

import openai
from openai import OpenAI

base_url, chat_key, search_key, member_token = sys.argv[1:5]
QUESTION = "How many hours of sleep do adults need?"
report = {"openai_version": openai.__version__}


def client(key):
    return OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=60)


def error(exc):
    body = getattr(exc, "body", None)
    return {"class": type(exc).__name__, "status": getattr(exc, "status_code", None),
            "code": getattr(exc, "code", None), "param": getattr(exc, "param", None),
            "type": getattr(exc, "type", None), "message": str(getattr(exc, "message", exc)),
            "body": body if isinstance(body, (dict, list, str)) else None}


def scenario(name):
    def wrap(function):
        try:
            report[name] = function()
        except openai.APIError as exc:
            report[name] = {"error": error(exc)}
        except Exception as exc:  # a client-side failure is reported, not hidden
            report[name] = {"error": {"class": type(exc).__name__, "message": str(exc)}}
        return function
    return wrap


@scenario("models_key")
def _():
    return sorted(model.id for model in client(chat_key).models.list())


@scenario("models_token")
def _():
    listed = client(member_token).models.list()
    return {"ids": sorted(model.id for model in listed), "owned_by": [model.owned_by for model in listed],
            "one": client(member_token).models.retrieve("coach-demo").id}


@scenario("complete")
def _():
    done = client(chat_key).chat.completions.create(
        model="coach-demo", messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION}],
        temperature=0.1, user="visitor-1")
    choice = done.choices[0]
    return {"object": done.object, "id": done.id, "model": done.model, "content": choice.message.content,
            "role": choice.message.role, "finish_reason": choice.finish_reason,
            "usage": done.usage.model_dump() if done.usage else None, "coachrag": (done.model_extra or {}).get("coachrag")}


@scenario("stream")
def _():
    chunks = list(client(member_token).chat.completions.create(
        model="coach-demo", messages=[{"role": "user", "content": [{"type": "text", "text": QUESTION}]}],
        stream=True, stream_options={"include_usage": True}))
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    usage = [c.usage.model_dump() for c in chunks if c.usage]
    return {"content": content, "chunks": len(chunks), "first_role": chunks[0].choices[0].delta.role,
            "finish_reasons": [c.choices[0].finish_reason for c in finals], "usage": usage,
            "ids": sorted({c.id for c in chunks}), "objects": sorted({c.object for c in chunks}),
            "coachrag": (finals[-1].model_extra or {}).get("coachrag") if finals else None}


@scenario("follow_up")
def _():
    done = client(chat_key).chat.completions.create(model="coach-demo", messages=[
        {"role": "user", "content": "How should I increase my weekly running distance?"},
        {"role": "assistant", "content": "By no more than ten percent a week [1]."},
        {"role": "user", "content": "And what about injury?"}])
    return (done.model_extra or {}).get("coachrag")


@scenario("length")
def _():
    done = client(chat_key).chat.completions.create(model="coach-demo", messages=[{"role": "user", "content": QUESTION}],
                                                    max_completion_tokens=2)
    return {"content": done.choices[0].message.content, "finish_reason": done.choices[0].finish_reason}


@scenario("not_covered_stream")
def _():
    chunks = list(client(chat_key).chat.completions.create(
        model="coach-demo", messages=[{"role": "user", "content": "What is the capital of Mongolia's tax code on imported lumber?"}], stream=True))
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    return {"content": "".join(c.choices[0].delta.content or "" for c in chunks if c.choices),
            "coachrag": (finals[-1].model_extra or {}).get("coachrag") if finals else None}


def expect_error(name, key, **request):
    @scenario(name)
    def _():
        client(key).chat.completions.create(**request)
        return {"unexpected": "no error"}


simple = [{"role": "user", "content": QUESTION}]
expect_error("bad_key", "crk_not-a-key", model="coach-demo", messages=simple)
expect_error("unknown_model", chat_key, model="gpt-4o", messages=simple)
expect_error("other_tenant", chat_key, model="coach-other", messages=simple)
expect_error("bad_temperature", chat_key, model="coach-demo", messages=simple, temperature=5)
expect_error("no_user_last", chat_key, model="coach-demo", messages=[{"role": "system", "content": "hi"}])
expect_error("image_part", chat_key, model="coach-demo",
             messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]}])
expect_error("two_choices", chat_key, model="coach-demo", messages=simple, n=2)
expect_error("unknown_parameter", chat_key, model="coach-demo", messages=simple, extra_body={"temprature": 1})
expect_error("search_scope", search_key, model="coach-demo", messages=simple)

print(json.dumps(report))
