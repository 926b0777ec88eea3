#!/usr/bin/env bash
# A local model backend for trying superhelfer without Ollama or a GPU: a tiny real
# model (SmolLM2-135M) behind llama.cpp's OpenAI-compatible server, plus a config that
# points every tier at it.
#
#   scripts/dev-backend.sh [start] [--port N]   install if needed, start, write config
#   scripts/dev-backend.sh stop                 stop the server
#   scripts/dev-backend.sh status               say whether it runs
#
# `start` prints only the export line on stdout, so this works:
#   eval "$(scripts/dev-backend.sh)"
# and `stop` prints only the line that undoes it (when the export is in force):
#   eval "$(scripts/dev-backend.sh stop)"      # or: unset SUPERHELFER_CONFIG
# Everything else goes to stderr. State lives in .superhelfer-dev/ at the repo root.
# The limits it writes suit the tiny model on a CPU (see write_config).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$repo_root/.superhelfer-dev"
pidfile="$state/server.pid"
portfile="$state/server.port"
logfile="$state/server.log"
config="$state/config.toml"
venv="${SUPERHELFER_LLM_VENV:-$repo_root/.venv-llm}"
default_port=8012
model="smollm2-135m"

say() { echo "dev-backend: $*" >&2; }

running_pid() {
    # Prints the PID when the recorded server is alive and is ours.
    [ -f "$pidfile" ] || return 1
    local pid
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    ps -p "$pid" -o args= 2>/dev/null | grep -q tiny_model_server.py || return 1
    echo "$pid"
}

port_free() {
    "$venv/bin/python" - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

pick_free_port() {
    "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

write_config() {
    local port="$1"
    # Limits for a 135M model on one CPU thread, not for a GPU: it writes ~25 tokens/s
    # (down to ~10 with a compile beside it), and an answer may fill its 2,048-token
    # context (an explanation is capped at 1,500 tokens: a minute at full speed, which
    # was exactly the code tier's default limit). 300 s covers the whole context at
    # 7 tokens/s; the first token waits for a queued request (one slot) and the prompt.
    # The editor context is cut to 1,000 tokens so prompt and answer fit in 2,048.
    local limits='timeout_s = 300
first_token_timeout_s = 60
vram_mb = 0'
    cat >"$config" <<TOML
# Written by scripts/dev-backend.sh: every tier on the tiny local model server.
# Its answers are poor; it is there to try the plumbing, not the wording.
# Undo: unset SUPERHELFER_CONFIG (or: eval "\$(scripts/dev-backend.sh stop)").

[backends.local]
kind = "openai"
url = "http://127.0.0.1:$port/v1"

[tiers.fast]
model = "$model"
backend = "local"
$limits

[tiers.code]
model = "$model"
backend = "local"
$limits

[tiers.heavy]
model = "$model"
backend = "local"
$limits

[context]
max_tokens = 1000

[vram]
enabled = false
TOML
}

print_export() {
    echo "export SUPERHELFER_CONFIG=$config"
    say "superhelfer now uses $config; to go back to your own configuration: unset SUPERHELFER_CONFIG (or: eval \"\$($0 stop)\")"
}

# `stop` prints the line that undoes `start`'s export on stdout, so that
# eval "$(scripts/dev-backend.sh stop)" also points superhelfer back at your own file;
# only when SUPERHELFER_CONFIG is still the dev one (a file of your own is left alone).
print_unset() {
    if [ "${SUPERHELFER_CONFIG:-}" = "$config" ]; then
        echo "unset SUPERHELFER_CONFIG"
    fi
}

stop_server() {
    local pid
    print_unset
    if ! pid="$(running_pid)"; then
        rm -f "$pidfile" "$portfile"
        say "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile" "$portfile"
    say "stopped (pid $pid)"
}

start_server() {
    local port="" explicit=0
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) [ $# -ge 2 ] || { say "--port needs a value"; exit 2; }; port="$2"; explicit=1; shift 2 ;;
            --port=*) port="${1#--port=}"; explicit=1; shift ;;
            *) say "unknown argument: $1"; exit 2 ;;
        esac
    done
    if [ "$explicit" = 1 ] && ! [[ "$port" =~ ^[0-9]+$ ]]; then
        say "bad port: $port"
        exit 2
    fi

    mkdir -p "$state"
    "$repo_root/scripts/tiny-model-setup.sh"

    local pid
    if pid="$(running_pid)"; then
        local running_port
        running_port="$(cat "$portfile" 2>/dev/null || echo "?")"
        if [ "$explicit" = 1 ] && [ "$port" != "$running_port" ]; then
            say "already running on port $running_port (pid $pid); run '$0 stop' first"
            exit 1
        fi
        say "already running on port $running_port (pid $pid)"
        write_config "$running_port"
        print_export
        return 0
    fi

    if [ "$explicit" = 0 ]; then
        port="$default_port"
        if ! port_free "$port"; then
            port="$(pick_free_port)"
            say "port $default_port is taken; using $port"
        fi
    elif ! port_free "$port"; then
        say "port $port is taken"
        exit 1
    fi

    # Output to the log, not to our stdout: `eval "$(...)"` must not wait for it.
    nohup "$venv/bin/python" "$repo_root/scripts/tiny_model_server.py" \
        --host 127.0.0.1 --port "$port" >"$logfile" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pidfile"
    echo "$port" >"$portfile"

    for _ in $(seq 1 600); do
        if grep -q '^ready' "$logfile" 2>/dev/null; then
            write_config "$port"
            say "serving $model on http://127.0.0.1:$port/v1 (pid $pid, log $logfile)"
            print_export
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    say "server did not become ready; last log lines:"
    tail -n 20 "$logfile" >&2 || true
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile" "$portfile"
    exit 1
}

case "${1:-start}" in
    start) [ $# -gt 0 ] && shift; start_server "$@" ;;
    --port|--port=*) start_server "$@" ;;
    stop) stop_server ;;
    status)
        if pid="$(running_pid)"; then
            say "running on port $(cat "$portfile" 2>/dev/null || echo "?") (pid $pid)"
        else
            say "not running"
            exit 1
        fi
        ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) say "unknown command: $1 (start|stop|status)"; exit 2 ;;
esac
