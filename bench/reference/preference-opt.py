"""Reference side of bench/preference-opt.bench.ts with PyTorch (float64, CPU):
one full-batch DPO step of the unconstrained features model (autograd + SGD) and CHES of 300x4096
float32 hidden states accumulated in float64. Prints one JSON line {workload: median seconds per run}."""
import json
import time

import numpy as np
import torch
from timing import median_seconds

torch.set_default_dtype(torch.float64)


def timeit(fn, repeat=5):
    return median_seconds(fn, repeat)


def ufm_step(V, d, n, L, seed=0):
    g = torch.Generator().manual_seed(seed)
    W = (torch.randn(V, d, generator=g) / d ** 0.5).requires_grad_()
    # One free hidden state per prefix: the prompt state is shared by y+ and y-, the rest are not.
    chosen = torch.randint(0, V, (n, L), generator=g)
    rejected = torch.randint(0, V, (n, L), generator=g)
    H = (torch.randn(n, 2 * L - 1, d, generator=g) / d ** 0.5).requires_grad_()
    idx_c = torch.arange(L)                                   # states 0 … L-1 (0 = prompt state)
    idx_r = torch.cat([torch.zeros(1, dtype=torch.long), torch.arange(L, 2 * L - 1)])

    def seq_logp(states, tokens):
        logp = torch.log_softmax(states @ W.T, dim=-1)          # [n, L, V]
        return logp.gather(-1, tokens[..., None]).squeeze(-1).sum(-1)

    with torch.no_grad():
        ref_c = seq_logp(H[:, idx_c], chosen)
        ref_r = seq_logp(H[:, idx_r], rejected)
    opt = torch.optim.SGD([W, H], lr=1e-3)

    def step():
        opt.zero_grad()
        z = (seq_logp(H[:, idx_c], chosen) - seq_logp(H[:, idx_r], rejected)) - (ref_c - ref_r)
        loss = -torch.nn.functional.logsigmoid(0.1 * z).mean()
        loss.backward()
        opt.step()
    return step


out = {}
out["ufm dpo step V=8 d=32 200x(8+8)"] = timeit(ufm_step(8, 32, 200, 8), 20)
out["ufm dpo step V=1000 d=64 32x(16+16)"] = timeit(ufm_step(1000, 64, 32, 16), 5)

a = torch.randn(300, 4096, dtype=torch.float32)
b = torch.randn(300, 4096, dtype=torch.float32)


def ches():
    sa = a.to(torch.float64).sum(0)
    sb = b.to(torch.float64).sum(0)
    return float(sa @ sb - sa @ sa)


out["ches 300x4096 float32"] = timeit(ches, 10)
print(json.dumps(out))
