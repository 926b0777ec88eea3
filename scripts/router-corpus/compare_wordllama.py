#!/usr/bin/env python3
"""Were wordllama's static embeddings worth compiling in? A measurement, not part of the build.

Needs a venv with `pip install wordllama==0.4.0.post1 numpy` (the package ships the
32k x 256 table and its Llama-2 tokenizer) and a dump of the corpus with the learned
first stage's probabilities:
    cargo run --example train_router -- --dump /tmp/dump.jsonl   (writes no weights)
    python3 scripts/router-corpus/compare_wordllama.py /tmp/dump.jsonl
Compares, on the held-out test split: the learned model alone; mean-pooled wordllama
vectors with a logistic regression trained on the train split; and the learned
model's log-probabilities with and without the vectors, recombined on calib.
"""
import sys
import json, numpy as np
from tokenizers import Tokenizer
from safetensors.numpy import load_file
P = "/tmp/wl-venv/lib/python3.11/site-packages/wordllama"
tok = Tokenizer.from_file(P + "/tokenizers/l2_supercat_tokenizer_config.json")
E = list(load_file(P + "/weights/l2_supercat_256.safetensors").values())[0].astype(np.float32)
rows = [json.loads(l) for l in open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dump.jsonl")]
T = {"fast": 0, "code": 1, "heavy": 2}


def emb(q):
    ids = tok.encode(q[:20000]).ids
    v = E[ids].mean(0)
    return v / (np.linalg.norm(v) + 1e-9)


X = np.stack([emb(r["q"]) for r in rows])
y = np.array([T[r["tier"]] for r in rows])
S = np.array([r["split"] for r in rows])
Pr = np.array([r["p"] for r in rows])


def softmax(Z):
    Z = Z - Z.max(1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(1, keepdims=True)


def fit(X, y, l2=1e-3, it=800, lr=2.0):
    X = np.hstack([X, np.ones((len(X), 1))])
    W = np.zeros((X.shape[1], 3))
    Y = np.eye(3)[y]
    for _ in range(it):
        W -= lr * (X.T @ (softmax(X @ W) - Y) / len(X) + l2 * W)
    return W


def rule(Pp, th=0.8):
    t = np.where(Pp[:, 1] > Pp[:, 0], 1, 0)
    t[Pp[:, 2] >= th] = 2
    return t


def pred(W, X, th=0.8):
    return rule(softmax(np.hstack([X, np.ones((len(X), 1))]) @ W), th)


def report(name, t, yy):
    acc = (t == yy).mean()
    nh = yy != 2
    fh = ((t == 2) & nh).sum()
    print(f"{name}: acc {acc:.3f} false heavy {fh}/{nh.sum()} ({fh / nh.sum():.3f})", flush=True)


tr, ca, te = S == "train", S == "calib", S == "test"
report("rust learned model alone (test)", rule(Pr[te]), y[te])
W = fit(X[tr], y[tr])
for th in (0.5, 0.8):
    report(f"wordllama 256 mean + LR on train (test, heavy>={th})", pred(W, X[te], th), y[te])
L = np.log(np.clip(Pr, 1e-6, 1))
W = fit(L[ca], y[ca], l2=1e-4)
report("rust log-probs recombined on calib (test)", pred(W, L[te]), y[te])
W = fit(np.hstack([L[ca], X[ca]]), y[ca], l2=1e-4)
report("rust log-probs + wordllama, combined on calib (test)", pred(W, np.hstack([L[te], X[te]])), y[te])
