#!/usr/bin/env python3
"""Dependency cycles between the crate's modules, from `crate::` and `super::` paths.

    scripts/module-cycles.py [SRC_DIR] [DEPTH]

DEPTH cuts module paths (1: `engine`, `config`, ...; 2: `engine::router`, ...); without it
each file is a module. Comments and `#[cfg(test)] mod tests` are left out. Prints each
cycle with its edges and exits 1 when there is one.
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "src"
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 99

modules = {}
for folder, _, files in os.walk(src):
    for f in files:
        if f.endswith(".rs"):
            path = os.path.join(folder, f)
            parts = os.path.relpath(path, src)[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts in (["lib"], ["main"]):
                parts = []
            modules[tuple(parts)] = path


def resolve(segments):
    """The longest prefix of a path that is a module file."""
    for n in range(len(segments), 0, -1):
        if tuple(segments[:n]) in modules:
            return tuple(segments[:n])
    return None


def code_of(path):
    text = open(path, encoding="utf-8").read()
    cut = text.find("#[cfg(test)]\nmod tests")
    if cut >= 0:
        text = text[:cut]
    return re.sub(r"//[^\n]*", "", text)


edges = {}
for module, path in modules.items():
    text = code_of(path)
    deps = set()
    is_mod_rs = path.endswith(("mod.rs", "lib.rs", "main.rs"))
    # `super` of a/b.rs and of a/b/mod.rs is `a`.
    parent = list(module[:-1])

    def add(base, segments):
        target = resolve(base + segments)
        if target and target != module[: len(target)]:
            deps.add(target)

    for m in re.finditer(r"\b(crate|super)((?:::\w+)+)", text):
        segments = m.group(2).split("::")[1:]
        base = [] if m.group(1) == "crate" else parent
        while m.group(1) == "super" and segments and segments[0] == "super":
            base, segments = base[:-1], segments[1:]
        add(base, segments)
    for m in re.finditer(r"use (crate|super)((?:::\w+)*)::\{([^}]*)\}", text):
        base = [] if m.group(1) == "crate" else parent
        segments = m.group(2).split("::")[1:]
        for item in m.group(3).split(","):
            item = item.strip().split("::")[0].split(" ")[0]
            if item and item != "self":
                add(base, segments + [item])
    edges[module] = deps

graph = {}
for a, deps in edges.items():
    for b in deps:
        ca, cb = a[:depth], b[:depth]
        if ca[: len(cb)] != cb and cb[: len(ca)] != ca:
            graph.setdefault(ca, set()).add(cb)

# Tarjan's strongly connected components.
index, low, stack, on_stack, found = {}, {}, [], set(), []
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in graph.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            found.append(component)


for v in sorted({m[:depth] for m in modules}):
    if v not in index:
        visit(v)


def name(m):
    return "::".join(m) or "crate"


for component in found:
    print("cycle:", ", ".join(sorted(map(name, component))))
    for a in sorted(component):
        for b in sorted(graph.get(a, ())):
            if b in component:
                print("   ", name(a), "->", name(b))
if not found:
    print("no cycles")
sys.exit(1 if found else 0)
