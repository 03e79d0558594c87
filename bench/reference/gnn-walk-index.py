"""Reference for bench/gnn-walk-index.bench.ts: Walk Index Sparsification on Cora in numpy, following
the paper's algorithms as written (Razin, Verbin, Cohen 2023; github.com/noamrazin/gnn_interactions):

- 1-WIS (Algorithm 2): per removal, take the edges of maximal min-degree, among them the maximal
  max-degree (first index on ties), remove it, update the two degrees.
- 2-WIS (Algorithm 1, chunks of 100): per iteration, for every remaining edge e the per-vertex walk
  indices s^(e)_t = (Â_e^3)_tt (0 when t is isolated) of the graph without e, each vector sorted
  ascending, edges ranked by np.lexsort, the top chunk removed. The per-edge vectors are formed from
  diag(Â^3) and each edge's local change (dense boolean adjacency for common neighbours) instead of
  the paper's per-edge dense matrix power, which would take hours on Cora; sorting and the
  lexicographic ranking are as written.

Prints one JSON line {workload name: seconds} (median of repeats after a warm-up).
"""
import gzip
import json
import os
import sys
import time

import numpy as np
from timing import median_seconds

# The gzipped Cora shipped in the package (packages/gnn-walk-index/data/cora, read by loadCora()).
CORA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'gnn-walk-index', 'data', 'cora')


def load_edges():
    ids = []
    with gzip.open(os.path.join(CORA, 'cora.content.gz'), 'rt') as f:
        for line in f:
            if line.strip():
                ids.append(line.split('\t', 1)[0])
    index = {k: i for i, k in enumerate(ids)}
    seen = set()
    edges = []
    with gzip.open(os.path.join(CORA, 'cora.cites.gz'), 'rt') as f:
        for line in f:
            p = line.split()
            if len(p) != 2:
                continue
            a, b = index[p[0]], index[p[1]]
            if a == b:
                continue
            u, v = min(a, b), max(a, b)
            if (u, v) in seen:
                continue
            seen.add((u, v))
            edges.append((u, v))
    return len(ids), np.array(edges, dtype=np.int64)


def one_wis(n, edges, remove_count):
    deg = np.bincount(edges.ravel(), minlength=n).astype(np.int64)
    alive = np.ones(len(edges), dtype=bool)
    order = []
    for _ in range(remove_count):
        idx = np.nonzero(alive)[0]
        d = deg[edges[idx]]
        lo = d.min(axis=1)
        hi = d.max(axis=1)
        cand = lo == lo.max()
        pick = idx[cand][np.argmax(hi[cand])]
        order.append(pick)
        alive[pick] = False
        deg[edges[pick]] -= 1
    return order


def two_wis(n, edges, remove_count, chunk):
    alive = np.ones(len(edges), dtype=bool)
    order = []
    while len(order) < remove_count:
        idx = np.nonzero(alive)[0]
        e = edges[idx]
        A = np.zeros((n, n), dtype=bool)
        A[e[:, 0], e[:, 1]] = True
        A[e[:, 1], e[:, 0]] = True
        deg = A.sum(axis=1)
        common = A[e[:, 0]] & A[e[:, 1]]  # m × n common neighbours of each edge
        cn = common.sum(axis=1)
        tri = np.zeros(n)
        np.add.at(tri, e[:, 0], cn)
        np.add.at(tri, e[:, 1], cn)
        tri /= 2
        base = np.where(deg > 0, 2 * tri + 3 * deg + 1, 0).astype(np.float64)
        m = len(idx)
        S = np.tile(base, (m, 1))
        S -= 2 * common
        rows = np.arange(m)
        for side in (0, 1):
            x = e[:, side]
            d = deg[x] - 1
            S[rows, x] = np.where(d > 0, 2 * (tri[x] - cn) + 3 * d + 1, 0)
        S.sort(axis=1)
        # lexicographic rank, largest first; ties: lower edge index first (np.lexsort is stable)
        rank = np.lexsort((rows,) + tuple(-S[:, j] for j in range(n - 1, -1, -1)))
        take = min(chunk, remove_count - len(order))
        chosen = idx[rank[:take]]
        order.extend(chosen.tolist())
        alive[chosen] = False
    return order


timed = median_seconds


def main():
    n, edges = load_edges()
    if '--orders' in sys.argv:
        print(json.dumps({'oneWis': [int(x) for x in one_wis(n, edges, len(edges))], 'wis2': [int(x) for x in two_wis(n, edges, 300, 100)]}))
        return
    out = {
        'oneWis full order (Cora, 5278 edges)': timed(lambda: one_wis(n, edges, len(edges)), 3),
        'wis length 2, chunk 100 (Cora, first 300 edges)': timed(lambda: two_wis(n, edges, 300, 100), 1),
    }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
