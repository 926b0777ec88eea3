#!/usr/bin/env python3
"""Spawn -> `initialize` reply of `superhelfer lsp`, with a minimal single-threaded client.

Usage: scripts/measure-initialize.py [BINARY] [RUNS]   (default target/release/superhelfer, 41)
`cargo bench --bench lsp_core` measures the same through the Rust test client, whose reader
threads add about a millisecond.
"""
import json
import os
import statistics
import subprocess
import sys
import time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/superhelfer"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 41
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                   "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
message = b"Content-Length: %d\r\n\r\n" % len(body) + body
env = dict(os.environ, SUPERHELFER_CONFIG="/dev/null")


def once():
    start = time.perf_counter()
    p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    p.stdin.write(message)
    p.stdin.flush()
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        header += p.stdout.read(1)
    p.stdout.read(int(header.split(b":")[1].split(b"\r")[0]))
    elapsed = time.perf_counter() - start
    p.stdin.close()
    p.wait()
    return elapsed


times = [once() for _ in range(runs)]
print("spawn -> initialize reply: median %.2f ms, min %.2f ms (n=%d)"
      % (statistics.median(times) * 1e3, min(times) * 1e3, runs))
