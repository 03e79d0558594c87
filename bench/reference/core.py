"""Reference side of bench/core.bench.ts: the same workloads with numpy/scipy/torch.
Prints one JSON line {workload: median seconds per run}."""
import json
import time

import numpy as np
import scipy.linalg as sl
import torch
from timing import median_seconds


def timeit(fn, repeat=5):
    return median_seconds(fn, repeat)


rng = np.random.default_rng(0)
out = {}
A = rng.standard_normal((200, 200))
out["svd 200x200"] = timeit(lambda: np.linalg.svd(A), 3)
G = rng.standard_normal((100, 100))
S = G @ G.T


def sym_power():
    w, V = np.linalg.eigh(S)
    return (V * np.clip(w, 0, None) ** 0.5) @ V.T


out["symmetricPower 100x100"] = timeit(sym_power)
A20 = rng.standard_normal((20, 20)) * 0.9 / np.sqrt(20) / 2
G20 = rng.standard_normal((20, 20))
Q20 = G20 @ G20.T
out["solveDiscreteLyapunov 20x20"] = timeit(lambda: sl.solve_discrete_lyapunov(A20, Q20), 20)

# GroupRMSprop step as in the factorization papers' PyTorch code: one shared adaptive step.
p = torch.randn(1_000_000, dtype=torch.float64)
g = torch.randn(1_000_000, dtype=torch.float64)
state = {"s": 0.0, "t": 0}


def group_rmsprop_step(lr=1e-3, beta=0.99, eps=1e-8):
    with torch.no_grad():
        state["t"] += 1
        state["s"] = beta * state["s"] + (1 - beta) * float((g * g).sum())
        step = lr / (np.sqrt(state["s"] / (1 - beta ** state["t"])) + eps)
        p.add_(g, alpha=-step)


out["groupRmsprop step 1e6 params"] = timeit(group_rmsprop_step, 20)
print(json.dumps(out))
