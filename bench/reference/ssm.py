"""PyTorch reference for bench/ssm.bench.ts (run with /usr/bin/python3).

Same workloads as the TypeScript side: diagonal linear SSM, d = 10, L = 6, 18 Gaussian sequences
(8 supported on the first two positions, 10 on position L-2), teacher A* = B* = C* = 1, float64,
MSE loss, all of a, b, c trained for 20 000 full-batch steps with gradients by autograd through the
convolution kernel k(j) = sum_i c_i b_i a_i^j (Vandermonde form, vectorized), and
(1) the paper's adaptive step: gamma <- beta gamma + (1 - beta) sum_p ||g_p||, lr / (sqrt(gamma / (1 - beta^t)) + eps),
(2) plain gradient descent (torch.optim.SGD).
Prints one JSON line {workload: median seconds per run}.
"""
import json
import time

import numpy as np
import torch
from timing import median_seconds

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
D, L, STEPS = 10, 6, 20_000

rng = np.random.default_rng(0)
x = np.zeros((18, L))
x[:8, 0:2] = rng.standard_normal((8, 2))
x[8:, L - 2] = rng.standard_normal(10)
X = torch.tensor(x)
Y = X.sum(dim=1)  # teacher k*(j) = 1
J = torch.arange(L, dtype=torch.float64)
Xrev = X.flip(1)  # Xrev[:, j] = x_{L-1-j}


def init():
    a = torch.tensor(np.sort(np.abs(rng.normal(0, 0.01, D)))[::-1].copy(), requires_grad=True)
    b = torch.tensor(np.sort(np.abs(rng.normal(0, 0.01, D)))[::-1].copy(), requires_grad=True)
    c = torch.tensor(np.sort(np.abs(rng.normal(0, 0.01, D)))[::-1].copy(), requires_grad=True)
    return [a, b, c]


def loss_of(a, b, c):
    k = (c * b) @ (a[:, None] ** J[None, :])  # k(j) = sum_i c_i b_i a_i^j
    return torch.mean((Xrev @ k - Y) ** 2)


def train_adaptive(lr=0.01, beta=0.8, eps=1e-6):
    params = init()
    gamma = 0.0
    for t in range(1, STEPS + 1):
        loss = loss_of(*params)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            gamma = beta * gamma + (1 - beta) * float(sum(g.norm() for g in grads))
            step = lr / (np.sqrt(gamma / (1 - beta ** t)) + eps)
            for p, g in zip(params, grads):
                p.sub_(step * g)
    return float(loss)


def train_gd(lr=0.01):
    params = init()
    opt = torch.optim.SGD(params, lr=lr)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_of(*params)
        loss.backward()
        opt.step()
    return float(loss)


def timeit(fn, repeat=3):
    return median_seconds(fn, repeat)


print(json.dumps({
    "trainSsm d=10 L=6 n=18, 20000 steps, adaptive step": timeit(train_adaptive),
    "trainSsm d=10 L=6 n=18, 20000 steps, gd": timeit(train_gd),
}))
