#!/usr/bin/env bash
# The main job on the embedded default, from a fresh machine: install, build, then run the demo
# corpus through coachrag. Called by `make demo` (which runs scripts/setup.sh first).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

echo "==> building coachrag (release)"
swift build -c release --product coachrag 2>&1 | tail -1
BIN="$(swift build -c release --show-bin-path)/coachrag"

echo "==> parsing and chunking corpora/demo (1000 tokens, 200 overlap)"
"$BIN" chunk --summary corpora/demo
