"""Reference for bench/rasp.bench.ts: the same pre-LN causal transformer (2 layers, 4 heads, d = 64,
MLP 256, learned positions, ReLU, untied unembedding) in PyTorch on the CPU with one thread (tfjs-wasm
runs single-threaded), one Adam step on a random 32 x 48 batch; and the forward pass alone. The RASP-L
workload has no reference (np_rasp is not installed). Prints one JSON line of seconds per run."""
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from timing import median_seconds

torch.set_num_threads(1)
torch.manual_seed(0)
V, P, d, H, L, B, T = 32, 64, 64, 4, 2, 32, 48


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.o = nn.Linear(d, 3 * d, bias=False), nn.Linear(d, d, bias=False)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, H, d // H).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / (d // H) ** 0.5 + mask, dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(F.relu(self.fc1(self.ln2(x))))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok, self.pos = nn.Embedding(V, d), nn.Embedding(P, d)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.lnf, self.out = nn.LayerNorm(d), nn.Linear(d, V, bias=False)

    def forward(self, x):
        t = x.shape[1]
        mask = torch.triu(torch.full((t, t), float('-inf')), 1)
        h = self.tok(x) + self.pos(torch.arange(t))[None]
        for blk in self.blocks:
            h = blk(h, mask)
        return self.out(self.lnf(h))


model = Model()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.randint(0, V, (B, T))
y = torch.randint(0, V, (B, T))


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
    loss.backward()
    opt.step()
    return loss.item()


def forward():
    with torch.no_grad():
        return F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1)).item()


median_time = median_seconds


print(json.dumps({
    'transformer train step (2L, 4H, d64, batch 32x48)': median_time(step, 20),
    'transformer forward (2L, 4H, d64, batch 32x48)': median_time(forward, 20),
}))
