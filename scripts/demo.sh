#!/usr/bin/env bash
# The main job on the embedded default, from a fresh machine: build, ingest the demo corpus with
# the built-in all-MiniLM-L6-v2 embedder, and answer a question from it. Called by `make demo`
# (which runs scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
QUESTION="${1:-How many hours of sleep do adults need?}"

echo "==> building coachrag (release)"
swift build -c release --product coachrag 2>&1 | tail -1
BIN="$(swift build -c release --show-bin-path)/coachrag"

echo "==> ingesting corpora/demo (pipelines/demo.yml: 1000-token chunks, 200 overlap, local embedder)"
"$BIN" ingest --pipeline pipelines/demo.yml

echo "==> coachrag search --creator demo \"$QUESTION\""
"$BIN" search --creator demo -k 3 "$QUESTION"
