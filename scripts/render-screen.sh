#!/usr/bin/env bash
# Renders a terminal capture (tmux capture-pane text, e.g. from target/screens/) as a PNG
# with headless Chromium, for the pictures in docs/. usage: render-screen.sh IN.txt OUT.png
set -euo pipefail
in="$1"; out="$2"
cols="$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$in")"
rows="$(wc -l <"$in")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$in" "$tmp/screen.html" <<'PY'
import html, sys
text = open(sys.argv[1], encoding="utf-8").read().rstrip("\n")
page = ("<!doctype html><meta charset=utf-8><style>body{margin:0;background:#1e1e2e}"
        "pre{margin:0;padding:12px;color:#cdd6f4;font:15px/1.25 'DejaVu Sans Mono',monospace}</style>"
        "<pre>" + html.escape(text) + "</pre>")
open(sys.argv[2], "w", encoding="utf-8").write(page)
PY
width=$(( cols * 9 + 24 )); height=$(( rows * 19 + 24 ))
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --window-size="$width,$height" \
    --screenshot="$out" "file://$tmp/screen.html" >/dev/null 2>&1
