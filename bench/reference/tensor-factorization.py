"""PyTorch reference for bench/tensor-factorization.bench.ts: CP completion by plain gradient
descent on the mean squared error over observed entries (float64, autograd), same sizes.

Prints one JSON line {"<workload name>": seconds per run (median of repeats, after a warm-up)}.
"""
import json

import torch
from timing import median_seconds

torch.set_default_dtype(torch.float64)


def workload(shape, target_rank, observed, rank, steps, repeat):
    g = torch.Generator().manual_seed(0)
    truth = [torch.randn(d, target_rank, generator=g) for d in shape]
    flat = torch.randperm(int(torch.tensor(shape).prod()), generator=g)[:observed]
    idx = []
    rest = flat.clone()
    for d in reversed(shape):
        idx.append(rest % d)
        rest = rest // d
    idx = list(reversed(idx))
    prod = torch.ones(observed, target_rank)
    for n, f in enumerate(truth):
        prod = prod * f[idx[n]]
    y = prod.sum(1)

    def run():
        factors = [(1e-3 * torch.randn(d, rank, generator=g)).requires_grad_() for d in shape]
        for _ in range(steps):
            p = factors[0][idx[0]]
            for n in range(1, len(shape)):
                p = p * factors[n][idx[n]]
            loss = ((p.sum(1) - y) ** 2).mean()
            for f in factors:
                f.grad = None
            loss.backward()
            with torch.no_grad():
                for f in factors:
                    f -= 1e-2 * f.grad
        return loss.item()

    return median_seconds(run, repeat)


print(json.dumps({
    "cpCompletion order 4, size 10, R 100, 2000 obs, 1000 steps": workload([10, 10, 10, 10], 5, 2000, 100, 1000, 3),
    "cpCompletion order 3, size 8, R 20, 300 obs, 1000 steps": workload([8, 8, 8], 3, 300, 20, 1000, 5),
}))
