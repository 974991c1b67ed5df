#!/usr/bin/env bash
# The main job on the embedded default, from a fresh machine: build, ingest the demo corpus with
# the built-in all-MiniLM-L6-v2 embedder, start the query server, create a demo member, ask a
# question over HTTP, print the answer with its citations, and stop the server cleanly.
# Called by `make demo` (which runs scripts/setup.sh first). The answer is `generated` when an
# Ollama is reachable at $OLLAMA_HOST, `extractive` (quoting the passages) when not. At the end
# it prints the URL of the web widget's demo page (with a chat key allowed from that origin);
# `make demo SERVE=1` (COACHRAG_DEMO_SERVE=1) leaves the server running for it, on
# COACHRAG_DEMO_PORT (default 8080) until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
QUESTION="${1:-How many hours of sleep do adults need?}"
STATE="${COACHRAG_STATE:-state}"
KEEP="${COACHRAG_DEMO_SERVE:-0}"
LISTEN_PORT=0; [ "$KEEP" = "1" ] && LISTEN_PORT="${COACHRAG_DEMO_PORT:-8080}"

echo "==> building coachrag (release)"
swift build -c release --product coachrag 2>&1 | tail -1
BIN="$(swift build -c release --show-bin-path)/coachrag"

echo "==> ingesting corpora/demo (pipelines/demo.yml: 1000-token chunks, 200 overlap, local embedder)"
"$BIN" ingest --pipeline pipelines/demo.yml

echo "==> creating the demo creator and a demo member in $STATE/ (kept if they exist)"
for user in "coach@demo.example creator Sleep-well-2026" "member@demo.example member Run-far-2026x"; do
  set -- $user
  "$BIN" user create --email "$1" --role "$2" --creator demo --password "$3" --state "$STATE" 2>&1 | sed 's/^error: a user with email.*/  (exists)/' || true
done

echo "==> starting coachrag serve"
LOG="$(mktemp)"
"$BIN" serve --port "$LISTEN_PORT" --state "$STATE" --quiet 2>"$LOG" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$LOG" | head -1)"
  [ -n "$PORT" ] && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "the server did not start:"; cat "$LOG"; exit 1; }
echo "    listening on 127.0.0.1:$PORT"

echo "==> asking over HTTP as member@demo.example: \"$QUESTION\""
python3 - "$PORT" "$QUESTION" <<'PY'
import json, sys, urllib.request
port, question = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/api/v1"
def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.load(response)
token = post("/auth/login", {"email": "member@demo.example", "password": "Run-far-2026x"})["access_token"]
conversation = post("/creators/demo/conversations", {"title": "demo"}, token)["id"]
answer = post(f"/conversations/{conversation}/messages", {"content": question}, token)
print(f"\n[{answer['mode']}, confidence {answer['confidence']:.2f}]")
if answer.get("notice"): print(f"note: {answer['notice']}")
print("\n" + answer["content"] + "\n")
for c in answer["citations"]:
    pages = "" if c["page_start"] is None else (f", p. {c['page_start']}" if c["page_start"] == c["page_end"] else f", pp. {c['page_start']}-{c['page_end']}")
    print(f"  [{c['n']}] {c['document']}{pages} (score {c['score']:.2f}): \"{c['quote'][:160]}\"")

# The web widget: a chat key of the demo creator's allowed from this server's origin (the
# previous demo's is replaced), and the demo page that embeds it.
origin = f"http://127.0.0.1:{port}"
coach = post("/auth/login", {"email": "coach@demo.example", "password": "Sleep-well-2026"})["access_token"]
listing = urllib.request.Request(base + "/auth/api-keys", headers={"Authorization": f"Bearer {coach}"})
for key in json.load(urllib.request.urlopen(listing))["api_keys"]:
    if key["name"] == "demo widget":
        urllib.request.urlopen(urllib.request.Request(base + f"/auth/api-keys/{key['id']}", method="DELETE", headers={"Authorization": f"Bearer {coach}"}))
widget = post("/auth/api-keys", {"name": "demo widget", "scopes": ["chat"], "allowed_origins": [origin]}, coach)["key"]
print(f"\n==> web widget demo page: {origin}/chat/demo?key={widget}")
PY

if [ "$KEEP" = "1" ]; then
  echo "    the server keeps running for it (Ctrl-C stops it)"
  wait $SERVER || true
  trap - EXIT
  exit 0
fi
echo "    (make demo SERVE=1 keeps the server running for it)"

echo "==> stopping the server (SIGTERM)"
kill -TERM $SERVER
wait $SERVER && echo "    stopped cleanly"
trap - EXIT
