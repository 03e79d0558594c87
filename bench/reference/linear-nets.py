"""PyTorch reference for bench/linear-nets.bench.ts (run with /usr/bin/python3).

Same workloads as the TypeScript side: deep matrix factorization for completion, 100x100 target of
rank 5, 2000 observed entries, depth 3 (hidden width 100), float64, loss 1/2 sum over observed
entries, GroupRMSprop (lr 1e-3, beta 0.99, eps 1e-8), 1000 steps; and the example's quick setting
(30x30, rank 2, 250 entries, lr 1e-2, 4000 steps). Gradients by autograd.
Prints one JSON line {workload: seconds} (median of 5 runs after a warm-up).
"""
import json
import statistics
import time

import torch
from timing import median_seconds

torch.manual_seed(0)
DT = torch.float64


def setup(n=100, rank=5, count=2000, depth=3, norm=100.0):
    U = torch.randn(n, rank, dtype=DT)
    V = torch.randn(n, rank, dtype=DT)
    T = U @ V.T
    T = T * (norm / T.norm())
    idx = torch.randperm(n * n)[:count]
    rows, cols = idx // n, idx % n
    vals = T[rows, cols]
    init = [torch.randn(n, n, dtype=DT) * 1e-3 for _ in range(depth)]
    return rows, cols, vals, init


def complete(rows, cols, vals, init, steps=1000, lr=1e-3, beta=0.99, eps=1e-8):
    ws = [w.clone().requires_grad_(True) for w in init]
    s = 0.0
    for t in range(1, steps + 1):
        P = ws[0]
        for w in ws[1:]:
            P = w @ P
        loss = 0.5 * ((P[rows, cols] - vals) ** 2).sum()
        grads = torch.autograd.grad(loss, ws)
        with torch.no_grad():
            sq = sum((g * g).sum() for g in grads).item()
            s = beta * s + (1 - beta) * sq
            step = lr / ((s / (1 - beta ** t)) ** 0.5 + eps)
            for w, g in zip(ws, grads):
                w.sub_(step * g)
    return loss.item()


def timed(fn, repeat=5):
    return median_seconds(fn, repeat)


if __name__ == "__main__":
    big = setup()
    small = setup(n=30, rank=2, count=250, norm=30.0)
    out = {
        "completion 100x100 depth 3, 1000 steps": timed(lambda: complete(*big)),
        "completion 30x30 depth 3, 4000 steps": timed(lambda: complete(*small, steps=4000, lr=1e-2)),
    }
    print(json.dumps(out))
