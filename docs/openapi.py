#!/usr/bin/env python3
"""Writes Sources/Server/Resources/openapi.json (OpenAPI 3.1) from the tables below.
Run from the repository root after changing a route; ServerTests checks that the document lists
exactly the routes the server's router has."""
import json

def nullable_optional(t):
    """The server reads an optional field sent as null as if it were absent; say so."""
    if "type" in t:
        types = t["type"] if isinstance(t["type"], list) else [t["type"]]
        if "null" in types: return t
        t = {**t, "type": types + ["null"]}
        if "enum" in t and None not in t["enum"]: t["enum"] = t["enum"] + [None]
        return t
    if "enum" in t: return t if None in t["enum"] else {**t, "enum": t["enum"] + [None]}
    if t == {}: return t
    if any(option.get("type") == "null" for option in t.get("oneOf", [])): return t
    return {"oneOf": [t, {"type": "null"}]}
def obj(props, required=(), extra=False):
    props = {name: (schema if name in required else nullable_optional(schema)) for name, schema in props.items()}
    return {"type": "object", "properties": props, "required": list(required), "additionalProperties": extra}
def ref(name): return {"$ref": f"#/components/schemas/{name}"}
S, I, N, B = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
# A browser origin: http(s)://host[:port], host labels of letters, digits and inner hyphens, port 1-65535
# (the server's APIKeyBody.origin applies the same rule).
ORIGIN = ("^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
          "(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$")
# A question: 1-4,000 characters, not only white space.
QUESTION = {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": "\\S"}
def nullable(t): return {"type": [t["type"], "null"]}
def arr(t): return {"type": "array", "items": t}

schemas = {
    "Problem": obj({"type": S, "title": S, "status": I, "detail": S, "instance": S, "request_id": S,
                    "errors": arr(obj({"field": S, "message": S}, ["field", "message"]))}, ["type", "title", "status", "detail"]),
    "RegisterRequest": obj({"email": {"type": "string", "format": "email", "maxLength": 254}, "password": {"type": "string", "minLength": 10, "maxLength": 256}, "creator": S,
                            "invite": {"type": "string", "description": "cri_…; required when the creator's registration is `invite` (the default)"}}, ["email", "password", "creator"]),
    "LoginRequest": obj({"email": {"type": "string", "format": "email", "maxLength": 254}, "password": S}, ["email", "password"]),
    "RefreshRequest": obj({"refresh_token": S}, ["refresh_token"]),
    "LogoutRequest": obj({"refresh_token": S}),
    "TokenResponse": obj({"access_token": S, "refresh_token": S, "token_type": {"const": "Bearer"}, "expires_in": I},
                         ["access_token", "refresh_token", "token_type", "expires_in"]),
    "Accepted": obj({"status": {"const": "accepted"}, "detail": S}, ["status", "detail"]),
    "User": obj({"id": S, "email": S, "role": {"enum": ["admin", "creator", "member"]}, "creator": nullable(S), "created_at": {"type": "string", "format": "date-time"}},
                ["id", "email", "role", "creator", "created_at"]),
    "ApiKeyRequest": obj({"name": {"type": "string", "minLength": 1, "maxLength": 100},
                          "scopes": {"type": "array", "minItems": 1, "items": {"enum": ["search", "chat", "manage"]}},
                          "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 3650},
                          "allowed_origins": {"type": ["array", "null"], "minItems": 1, "maxItems": 20,
                                              "items": {"type": "string", "maxLength": 200, "pattern": ORIGIN,
                                                        "description": "scheme://host[:port]"},
                                              "description": "browser origins the key may be used from; null or absent: any (a server key)"}},
                         ["name", "scopes"]),
    "ApiKeyCreated": obj({"id": S, "name": S, "key": {"type": "string", "description": "crk_…, shown once"}, "scopes": arr(S), "created_at": S,
                          "last_used_at": nullable(S), "expires_at": nullable(S), "allowed_origins": {"type": ["array", "null"], "items": S}},
                         ["id", "name", "key", "scopes", "created_at", "last_used_at", "expires_at", "allowed_origins"]),
    "ApiKey": obj({"id": S, "name": S, "scopes": arr(S), "created_at": S, "last_used_at": nullable(S), "expires_at": nullable(S),
                   "allowed_origins": {"type": ["array", "null"], "items": S}}, ["id", "name", "scopes", "created_at", "last_used_at", "expires_at", "allowed_origins"]),
    "InviteRequest": obj({"expires_in_days": {"type": "integer", "minimum": 1, "maximum": 365, "default": 14},
                          "max_uses": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}}),
    "Invite": obj({"id": S, "creator": S, "code": {"type": "string", "description": "cri_…, only when created"}, "created_at": S, "expires_at": S,
                   "max_uses": I, "uses": I, "revoked": B}, ["id", "creator", "created_at", "expires_at", "max_uses", "uses", "revoked"]),
    "InviteList": obj({"invites": arr(ref("Invite"))}, ["invites"]),
    "DeleteAccountRequest": obj({"password": S}, ["password"]),
    "ApiKeyList": obj({"api_keys": arr(ref("ApiKey"))}, ["api_keys"]),
    "SearchRequest": obj({"query": QUESTION, "k": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
                          "min_score": {"type": "number", "minimum": -1, "maximum": 1, "default": -1,
                                        "description": "drop hits whose fused score is below this"},
                          "method": {"enum": ["hybrid", "dense", "lexical"], "description": "default: the creator's pipeline retrieval.method (hybrid)"},
                          "context": {"type": "array", "maxItems": 100, "description": "earlier turns, oldest first; the last user turns shape a follow-up's query",
                                      "items": obj({"role": {"enum": ["user", "assistant"]}, "content": QUESTION}, ["role", "content"])}},
                         ["query"]),
    "Component": {"oneOf": [obj({"score": N, "rank": nullable(I)}, ["score", "rank"]), {"type": "null"}]},
    "Excerpt": obj({"text": S, "start": I, "end": I, "page_start": nullable(I), "page_end": nullable(I)}, ["text", "start", "end", "page_start", "page_end"]),
    "Hit": obj({"score": N, "chunk": I, "document": S, "page_start": nullable(I), "page_end": nullable(I), "start": I, "end": I, "text": S,
                "dense": ref("Component"), "lexical": ref("Component"), "excerpt": ref("Excerpt")},
               ["score", "chunk", "document", "page_start", "page_end", "start", "end", "text", "dense", "lexical", "excerpt"]),
    "SearchResponse": obj({"hits": arr(ref("Hit")), "confidence": N, "method": {"enum": ["hybrid", "dense", "lexical"]}, "retrieval_query": S,
                           "index_version": S, "timings": obj({"embed_ms": N, "search_ms": N, "total_ms": N})},
                          ["hits", "confidence", "method", "retrieval_query", "index_version", "timings"]),
    "NewConversation": obj({"title": {"type": "string", "maxLength": 200}}),
    "Conversation": obj({"id": S, "creator": S, "title": nullable(S), "created_at": S, "updated_at": S}, ["id", "creator", "created_at", "updated_at"]),
    "ConversationList": obj({"conversations": arr(ref("Conversation")), "next_cursor": nullable(S)}, ["conversations", "next_cursor"]),
    "Citation": obj({"n": I, "chunk": I, "document": S, "page_start": nullable(I), "page_end": nullable(I), "start": I, "end": I, "quote": S, "score": N},
                    ["n", "chunk", "document", "page_start", "page_end", "start", "end", "quote", "score"]),
    "Usage": obj({"prompt_tokens": I, "completion_tokens": I}, ["prompt_tokens", "completion_tokens"]),
    "Timings": obj({"retrieval_ms": N, "embed_ms": N, "search_ms": N, "generation_ms": N, "total_ms": N}),
    "MessageRequest": obj({"content": QUESTION, "stream": {"type": "boolean", "default": False}}, ["content"]),
    "Message": obj({"id": S, "conversation_id": S, "role": {"enum": ["user", "assistant"]}, "content": S, "citations": arr(ref("Citation")),
                    "confidence": nullable(N), "mode": {"enum": ["generated", "extractive", None]}, "notice": nullable(S), "complete": B,
                    "usage": {"oneOf": [ref("Usage"), {"type": "null"}]}, "timings": {"oneOf": [ref("Timings"), {"type": "null"}]},
                    "retrieval_query": {"type": ["string", "null"], "description": "assistant messages only: what retrieval searched"}, "created_at": S},
                   ["id", "conversation_id", "role", "content", "citations", "confidence", "mode", "notice", "complete", "usage", "timings", "created_at"]),
    "MessageList": obj({"messages": arr(ref("Message")), "next_cursor": nullable(S)}, ["messages", "next_cursor"]),
    "LegacyConversationRequest": obj({"query": QUESTION, "creator_id": S, "conversation_id": S}, ["query", "creator_id"]),
    "LegacyConversationResponse": obj({"conversation_id": S, "answer": S, "citations": arr(ref("Citation")), "confidence": nullable(N), "mode": nullable(S)},
                                      ["conversation_id", "answer", "citations", "confidence", "mode"]),
    "Export": obj({"exported_at": S, "user": ref("User"),
                   "conversations": arr(obj({"conversation": ref("Conversation"), "messages": arr(ref("Message"))}, ["conversation", "messages"])),
                   "api_keys": arr(obj({"id": S, "name": S, "created_at": S})), "sessions": arr(obj({"family": S, "created_at": S, "revoked": B}))},
                  ["exported_at", "user", "conversations", "api_keys", "sessions"]),
    "Health": obj({"status": {"const": "ok"}}, ["status"]),
    "ReadyStatus": obj({"status": {"enum": ["ready", "not_ready"]}}, ["status"]),
    "Ready": obj({"status": {"enum": ["ready", "not_ready"]}, "database": S, "indexes": {"type": "object", "additionalProperties": S}, "ollama": S},
                 ["status", "database", "indexes", "ollama"]),
    "OpenAIError": obj({"error": obj({"message": S, "type": {"enum": ["invalid_request_error", "authentication_error", "permission_error", "rate_limit_error", "server_error"]},
                                      "param": nullable(S), "code": nullable(S)}, ["message", "type", "param", "code"])}, ["error"]),
    "Model": obj({"id": {"type": "string", "description": "coach-<creator>"}, "object": {"const": "model"}, "created": I, "owned_by": S}, ["id", "object", "created", "owned_by"]),
    "ModelList": obj({"object": {"const": "list"}, "data": arr(ref("Model"))}, ["object", "data"]),
    "ChatMessage": obj({"role": {"enum": ["system", "developer", "user", "assistant", "tool"]},
                        "content": {"oneOf": [S, {"type": "null"}, arr(obj({"type": {"enum": ["text", "refusal"]}, "text": S, "refusal": S}, ["type"], extra=True))]},
                        "name": S, "tool_call_id": S, "tool_calls": arr({"type": "object"}), "refusal": nullable(S)}, ["role"]),
    "ChatCompletionRequest": obj({
        "model": S, "messages": {"type": "array", "minItems": 1, "items": ref("ChatMessage"), "description": "ends with the user's question; earlier user/assistant turns are the follow-up context"},
        "stream": B, "stream_options": obj({"include_usage": B}, extra=True), "max_tokens": {"type": "integer", "minimum": 1}, "max_completion_tokens": {"type": "integer", "minimum": 1},
        "temperature": {"type": "number", "minimum": 0, "maximum": 2}, "top_p": {"type": "number", "minimum": 0, "maximum": 1},
        "stop": {"oneOf": [S, {"type": "array", "maxItems": 4, "items": S}, {"type": "null"}]}, "user": S, "n": {"const": 1}, "seed": I,
        "frequency_penalty": {"type": "number", "minimum": -2, "maximum": 2}, "presence_penalty": {"type": "number", "minimum": -2, "maximum": 2},
        "store": {"type": "boolean", "default": False, "description": "true: keep the exchange as a conversation of the caller (metadata.conversation_id appends to one; metadata.title names a new one)"},
        "metadata": {"type": "object", "additionalProperties": S}, "logprobs": {"const": False}, "top_logprobs": I, "logit_bias": {"type": "object"},
        "response_format": obj({"type": {"const": "text"}}, ["type"]), "tools": {"type": "array", "maxItems": 0}, "functions": {"type": "array", "maxItems": 0},
        "tool_choice": {}, "parallel_tool_calls": B, "function_call": {}, "service_tier": S, "modalities": arr({"const": "text"}), "audio": {"type": "null"},
        "reasoning_effort": S, "prediction": {}, "web_search_options": {}, "safety_identifier": S, "prompt_cache_key": S, "verbosity": S},
        ["model", "messages"]),
    "CoachragExtension": obj({"citations": arr(ref("Citation")), "confidence": N, "mode": {"enum": ["generated", "extractive"]},
                              "covered": {"type": "boolean", "description": "false: the confidence guard answered that the material does not cover the question"},
                              "notice": nullable(S), "retrieval_query": S, "timings": ref("Timings"), "conversation_id": {"type": "string", "description": "only with store: true"}},
                             ["citations", "confidence", "mode", "covered", "notice", "retrieval_query", "timings"]),
    "ChatCompletion": obj({"id": S, "object": {"const": "chat.completion"}, "created": I, "model": S,
                           "choices": arr(obj({"index": I, "message": obj({"role": {"const": "assistant"}, "content": S, "refusal": {"type": "null"}}, ["role", "content", "refusal"]),
                                               "finish_reason": {"enum": ["stop", "length"]}, "logprobs": {"type": "null"}}, ["index", "message", "finish_reason", "logprobs"])),
                           "usage": obj({"prompt_tokens": I, "completion_tokens": I, "total_tokens": I}, ["prompt_tokens", "completion_tokens", "total_tokens"]),
                           "coachrag": ref("CoachragExtension")}, ["id", "object", "created", "model", "choices", "usage", "coachrag"]),
    "ServerSentEvent": obj({"event": {"enum": ["token", "citations", "done", "error"]}, "data": {"type": "string", "description": "JSON: {text} | {citations} | Message | Problem"},
                            "id": S, "retry": I}, ["event", "data"]),
    "ChatCompletionEvent": obj({"data": {"type": "string", "description": "JSON chat.completion.chunk, {\"error\": ...}, or [DONE]"}, "event": S, "id": S, "retry": I}, ["data"]),
    "JWKS": obj({"keys": arr(obj({"kty": S, "use": S, "alg": S, "kid": S, "n": S, "e": S}, ["kty", "kid", "n", "e"]))}, ["keys"]),
}

def problem(description, retry=False):
    response = {"description": description, "content": {"application/problem+json": {"schema": ref("Problem")}}}
    if retry: response["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": I}}
    return response
def ok(schema, description="OK", status="200"):
    return {status: {"description": description, "content": {"application/json": {"schema": ref(schema)}}}}
COMMON = {"429": problem("rate limited", retry=True)}
BODY = {"400": problem("not a JSON object"), "413": problem("body over 64 KiB"), "415": problem("not application/json"), "422": problem("a field is missing, unknown or invalid")}
AUTH = {"401": problem("missing or invalid credentials")}
def body(schema, required=True):
    return {"required": required, "content": {"application/json": {"schema": ref(schema)}}}
def page(maximum):
    return [{"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": maximum}},
            {"name": "cursor", "in": "query", "required": False, "schema": S, "description": "a previous page's next_cursor (any other: 422)"}]
def op(tag, operation_id, summary, responses, request=None, secured=True, params=(), query=()):
    o = {"tags": [tag], "operationId": operation_id, "summary": summary, "responses": {**responses, **COMMON}}
    if request: o["requestBody"] = request; o["responses"].update(BODY)
    if secured: o["security"] = [{"bearer": []}]; o["responses"].update(AUTH)
    if params or query: o["parameters"] = [{"name": p, "in": "path", "required": True, "schema": S} for p in params] + list(query)
    if query: o["responses"].setdefault("422", problem("a query parameter is invalid (named in errors)"))
    return o
BUSY = {"503": problem("too many password checks in progress", retry=True)}
SCOPE = {"403": problem("an API key without the route's scope")}
NOCONTENT = {"204": {"description": "done"}}
def openai_error(description, retry=False):
    response = {"description": description, "content": {"application/json": {"schema": ref("OpenAIError")}}}
    if retry: response["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": I}}
    return response
def openai_op(operation_id, summary, responses, request=None, params=()):
    o = {"tags": ["openai"], "operationId": operation_id, "summary": summary, "security": [{"bearer": []}],
         "responses": {**responses, "401": openai_error("missing or invalid credentials"), "429": openai_error("rate limited", retry=True)}}
    if request: o["requestBody"] = request; o["responses"].update({"400": openai_error("an invalid, unknown or unsupported parameter (named in param)"), "413": openai_error("body over 64 KiB")})
    if params: o["parameters"] = [{"name": p, "in": "path", "required": True, "schema": S} for p in params]
    return o

paths = {
    "/health/live": {"get": op("operations", "live", "The process is up.", ok("Health"), secured=False)},
    "/health/ready": {"get": op("operations", "ready", "Ready when the database answers (cached 5 s); strangers learn nothing else.",
                                {**ok("ReadyStatus"), "503": {"description": "not ready", "content": {"application/json": {"schema": ref("ReadyStatus")}}}}, secured=False)},
    "/api/v1/admin/readiness": {"get": op("operations", "readinessDetail", "Readiness with every creator's index and Ollama's state (admins).",
                                          {**ok("Ready"), "403": problem("not an admin, or a key without `manage`")})},
    "/metrics": {"get": op("operations", "metrics", "Prometheus text exposition 0.0.4.",
                           {"200": {"description": "metrics", "content": {"text/plain": {"schema": S}}}}, secured=False)},
    "/openapi.json": {"get": op("operations", "openapi", "This document.", {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}, secured=False)},
    "/.well-known/jwks.json": {"get": op("operations", "jwks", "The public key that verifies access tokens.", ok("JWKS"), secured=False)},
    "/api/v1/auth/register": {"post": op("auth", "register", "A member joins a creator's tenant (same answer whether or not the email existed).",
                                         {"202": {"description": "accepted", "content": {"application/json": {"schema": ref("Accepted")}}}, "404": problem("no such creator, or one closed to registration (the same answer)"), **BUSY},
                                         body("RegisterRequest"), secured=False)},
    "/api/v1/auth/login": {"post": op("auth", "login", "Email and password for tokens.", {**ok("TokenResponse"), "401": problem("email or password is wrong"), **BUSY},
                                      body("LoginRequest"), secured=False)},
    "/api/v1/auth/refresh": {"post": op("auth", "refresh", "Rotate a refresh token (reuse revokes its family).", {**ok("TokenResponse"), "401": problem("spent, expired or revoked")},
                                        body("RefreshRequest"), secured=False)},
    "/api/v1/auth/logout": {"post": op("auth", "logout", "End the session.", {**NOCONTENT, "403": problem("an API key, which has no session (delete the key instead)")}, body("LogoutRequest", required=False))},
    "/api/v1/auth/me": {"get": op("auth", "me", "The caller.", ok("User"))},
    "/api/v1/auth/api-keys": {
        "post": op("auth", "createApiKey", "Create an API key (creators and admins; the `manage` scope).", {**ok("ApiKeyCreated", "created", "201"), "403": problem("members have no API keys, or a key without `manage`"), "409": problem("100 keys already")}, body("ApiKeyRequest")),
        "get": op("auth", "listApiKeys", "The caller's API keys (the `manage` scope).", {**ok("ApiKeyList"), "403": problem("members have no API keys, or a key without `manage`")}),
    },
    "/api/v1/auth/api-keys/{id}": {"delete": op("auth", "deleteApiKey", "Delete one of the caller's API keys.", {**NOCONTENT, "403": problem("members have no API keys"), "404": problem("not yours")}, params=["id"])},
    "/api/v1/creators/{creator}/search": {"post": op("retrieval", "search", "The passages of the creator's live index closest to a query.",
                                                     {**ok("SearchResponse"), "403": problem("not your tenant"), "404": problem("no index"), "503": problem("index unreadable or embedder mismatch")},
                                                     body("SearchRequest"), params=["creator"])},
    "/api/v1/creators/{creator}/conversations": {"post": op("conversations", "createConversation", "Start a conversation with the creator's bot.",
                                                            {**ok("Conversation", "created", "201"), "403": problem("not your tenant"), "404": problem("no such creator"), "409": problem("1000 conversations already")},
                                                            body("NewConversation", required=False), params=["creator"])},
    "/api/v1/conversations": {"get": op("conversations", "listConversations", "The caller's conversations, most recently active first (limit ≤ 200, default 50).", {**ok("ConversationList"), **SCOPE}, query=page(200))},
    "/api/v1/creators/{creator}/invites": {
        "post": op("auth", "createInvite", "An invite code into the creator's tenant (its creator or an admin; the `manage` scope).",
                   {**ok("Invite", "created", "201"), "403": problem("not the creator or an admin"), "404": problem("no such creator"), "409": problem("1000 live invites already")},
                   body("InviteRequest", required=False), params=["creator"]),
        "get": op("auth", "listInvites", "The creator's invites (codes are never listed).", {**ok("InviteList"), "403": problem("not the creator or an admin")}, params=["creator"]),
    },
    "/api/v1/creators/{creator}/invites/{id}": {"delete": op("auth", "revokeInvite", "Revoke an invite.", {**NOCONTENT, "403": problem("not the creator or an admin"), "404": problem("no such live invite")}, params=["creator", "id"])},
    "/api/v1/conversations/{id}": {"delete": op("conversations", "deleteConversation", "Delete one of the caller's conversations.", {**NOCONTENT, "404": problem("not yours")}, params=["id"])},
    "/api/v1/conversations/{id}/messages": {
        "get": op("conversations", "listMessages", "The conversation's messages in order (limit ≤ 500, default 100).", {**ok("MessageList"), "404": problem("not yours")}, params=["id"], query=page(500)),
        "post": op("conversations", "postMessage", "Ask; the answer is stored and returned (or streamed).", {
            "200": {"description": "the assistant's message; with stream=true, Server-Sent Events: `token` {text} as generated, `citations` {citations}, `done` Message, or `error` {status, detail}",
                    "content": {"application/json": {"schema": ref("Message")}, "text/event-stream": {"schema": ref("ServerSentEvent")}}},
            "403": problem("not your tenant"), "404": problem("not yours or no index"), "409": problem("1000 messages in the conversation already"),
            "503": problem("index unreadable, embedder mismatch, or too many questions being embedded", retry=True)},
            body("MessageRequest"), params=["id"]),
    },
    "/api/v1/ai/conversations": {"post": op("conversations", "legacyConversation", "Legacy shape: ask in a new or existing conversation.",
                                            {**ok("LegacyConversationResponse"), "403": problem("not your tenant"), "404": problem("no such conversation or creator")},
                                            body("LegacyConversationRequest"))},
    "/api/v1/me/export": {"get": op("privacy", "exportMe", "All of the caller's data, streamed (the `manage` scope).", {**ok("Export"), **SCOPE})},
    "/api/v1/me": {"delete": op("privacy", "deleteMe", "Erase the caller: account, conversations, messages, sessions, keys. A login session and the password; never an API key.",
                                {**NOCONTENT, "401": problem("password is wrong"), "403": problem("an API key"), **BUSY}, body("DeleteAccountRequest"))},
    "/widget.js": {"get": op("widget", "widgetScript", "The embeddable chat widget (cacheable, ETag, embeddable from any site).",
                             {"200": {"description": "the script", "content": {"text/javascript": {"schema": S}}}, "304": {"description": "not modified"}}, secured=False)},
    "/widget.css": {"get": op("widget", "widgetStylesheet", "The widget's stylesheet.",
                              {"200": {"description": "the stylesheet", "content": {"text/css": {"schema": S}}}, "304": {"description": "not modified"}}, secured=False)},
    "/chat/{creator}": {"get": op("widget", "widgetDemoPage", "A demo page embedding the widget (strict Content-Security-Policy); ?key=crk_… a chat key allowed from this origin.",
                                  {"200": {"description": "the page", "content": {"text/html": {"schema": S}}}, "404": problem("no such creator"), "422": problem("key is not an API key")},
                                  secured=False, params=["creator"], query=[{"name": "key", "in": "query", "required": False, "schema": {"type": "string", "pattern": "^crk_[A-Za-z0-9_-]{1,124}$"}}])},
    "/v1/models": {"get": openai_op("listModels", "OpenAI-compatible: one model (coach-<creator>) per creator the caller may use.", ok("ModelList"))},
    "/v1/models/{model}": {"get": openai_op("retrieveModel", "OpenAI-compatible: one model.", {**ok("Model"), "404": openai_error("no such model, or not yours")}, params=["model"])},
    "/v1/chat/completions": {"post": openai_op("createChatCompletion", "OpenAI-compatible chat: the last user message answered from the creator's material (the `chat` scope); stateless unless store: true.", {
        "200": {"description": "a chat.completion; with stream: true, `data:` events of chat.completion.chunk objects, the last with finish_reason and `coachrag`, a usage chunk with stream_options.include_usage, then `data: [DONE]` (an error mid-stream: `data: {\"error\": ...}`)",
                "content": {"application/json": {"schema": ref("ChatCompletion")}, "text/event-stream": {"schema": ref("ChatCompletionEvent")}}},
        "403": openai_error("an API key without `chat`, or from an origin it does not allow"), "404": openai_error("no such model, or not yours; or no index"),
        "409": openai_error("store: true and the conversation is full"), "503": openai_error("index unreadable, embedder mismatch, or too many questions being embedded", retry=True)},
        body("ChatCompletionRequest"))},
}

document = {
    "openapi": "3.1.0",
    "info": {"title": "coachrag", "version": "1.0.0",
             "description": "Read-only RAG over creators' memory-mapped indexes: search, cited answers (generated through Ollama or extractive), auth, conversations. Errors are application/problem+json (under /v1, OpenAI's error object); every response carries X-Request-ID."},
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "tags": [{"name": t} for t in ["operations", "auth", "retrieval", "conversations", "privacy", "openai", "widget"]],
    "paths": paths,
    "components": {"schemas": schemas, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                                                       "description": "An access token (JWT, RS256, 15 minutes) or a creator's API key (crk_…)."}}},
}
with open("Sources/Server/Resources/openapi.json", "w") as f:
    json.dump(document, f, indent=1, sort_keys=True)
    f.write("\n")
