"""Reference timings for bench/rl-lqr.bench.ts (PyTorch and scipy).

- policy gradient: n = m = 5, H = 5, one training state e1, Q = I, R = 0, B = I, A ~ N(0, 1/n),
  K0 = 0, plain gradient descent (torch.optim.SGD, lr 1e-3) for 1e5 steps with autograd through the
  rollout x_{h+1} = x_h A + (x_h K) B, as the paper's code does (float64, CPU, one thread).
- solveDare: scipy.linalg.solve_discrete_are, n = 50, m = 10.
Prints one JSON line {workload name: seconds} (median of repeats after a warm-up).
"""
import json
import time

import numpy as np
import scipy.linalg as sl
import torch
from timing import clock, median_seconds

torch.set_num_threads(1)


median_time = median_seconds


def policy_gradient(steps):
    n, H = 5, 5
    g = torch.Generator().manual_seed(0)
    A = torch.randn(n, n, generator=g, dtype=torch.float64) / np.sqrt(n)
    B = torch.eye(n, dtype=torch.float64)
    Q = torch.eye(n, dtype=torch.float64)
    R = torch.zeros(n, n, dtype=torch.float64)
    X0 = torch.eye(1, n, dtype=torch.float64)
    K = torch.zeros(n, n, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([K], lr=1e-3)
    for _ in range(steps):
        opt.zero_grad()
        x = X0
        cost = 0.0
        for h in range(H + 1):
            u = x @ K
            cost = cost + ((x @ Q) * x).sum(1) + ((u @ R) * u).sum(1)
            x = x @ A + u @ B
        loss = cost.mean()
        loss.backward()
        opt.step()
    return K


rng = np.random.default_rng(1)
n, m = 50, 10
A = rng.standard_normal((n, n)) * 1.1 / np.sqrt(n)
Bm = rng.standard_normal((n, m))

out = {
    "solveDare n=50": median_time(lambda: sl.solve_discrete_are(A, Bm, np.eye(n), np.eye(m)), 5),
}
# 1e5 PyTorch steps take tens of seconds: a warm-up of 2000 steps, then one timed run.
policy_gradient(2000)
t0 = clock()
policy_gradient(100_000)
out["policy gradient n=5 H=5 1e5 steps"] = clock() - t0
print(json.dumps(out))
