#!/usr/bin/env bash
# Builds the VS Code extension in editors/vscode: `npm ci` (only when package.json or
# package-lock.json changed since the last install), `tsc -p .`, and, where it works, a
# .vsix with `vsce package`. Idempotent and quiet unless something fails. CI runs it before
# `cargo test`, whose tests/vscode_protocol.rs needs editors/vscode/node_modules.
#
# Environment:
#   SUPERHELFER_VSCE  auto (default): package, and only warn when that fails (vsce comes
#                     from the npm registry through npx); 1: a failure is an error; 0: skip.
set -euo pipefail

VSCE_VERSION="3.9.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ext="$repo_root/editors/vscode"
vsce_mode="${SUPERHELFER_VSCE:-auto}"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "vscode-setup: $tool not found; install Node.js 18+ and npm first" >&2
        exit 1
    fi
done

cd "$ext"

# The install is current when the stamp records the manifest and lockfile it came from.
stamp="node_modules/.superhelfer-install-stamp"
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log="$(mktemp)"
    if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "vscode-setup: npm ci failed" >&2
        exit 1
    fi
    rm -f "$log"
    echo "$want" >"$stamp"
fi

node node_modules/typescript/bin/tsc -p .

case "$vsce_mode" in
0 | false | no) exit 0 ;;
esac
version="$(node -p 'require("./package.json").version')"
vsix="superhelfer-$version.vsix"
# Repackaged only when something that goes into it is newer.
if [ -f "$vsix" ] && [ -z "$(find package.json package-lock.json README.md .vscodeignore tsconfig.json src -newer "$vsix" -print -quit)" ]; then
    exit 0
fi
log="$(mktemp)"
if npx --yes "@vscode/vsce@$VSCE_VERSION" package --skip-license --allow-missing-repository --no-rewrite-relative-links \
    --out "$vsix" >"$log" 2>&1; then
    rm -f "$log"
    exit 0
fi
if [ "$vsce_mode" = 1 ] || [ "$vsce_mode" = true ]; then
    cat "$log" >&2
    rm -f "$log"
    echo "vscode-setup: vsce package failed" >&2
    exit 1
fi
echo "vscode-setup: vsce package failed (optional; SUPERHELFER_VSCE=1 makes it an error):" >&2
tail -n 5 "$log" >&2
rm -f "$log"
