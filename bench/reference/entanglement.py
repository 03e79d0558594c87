"""Reference timings for bench/entanglement.bench.ts (numpy / scipy / networkx).

Same workloads, same kind of data (a normalized random walk along the features, labels from the
first half), timed as the median of repeats after one warm-up. Prints one JSON line.
  * entanglement 500x64 level 1: standardize, Gram matrices of the two halves
    G_K[i,j] = prod_{f in K} cos(pi theta (x_if - x_jf)), then
      - 'paper route': as the authors' EntropyCalc: SVD of each Gram, V = diag(s)^(1/2) U^T, SVD of
        V_K diag(y) V_Kc^T (three 500x500 SVDs);
      - 'eigh route': eigh of each Gram, then the singular values of the cross matrix (LAPACK);
  * surrogate 500x64 level 3: |corrcoef| and the cut of the 8 canonical chunks;
  * rearrangeFeatures 500x64: recursive bisection, Fiedler vector (scipy eigh) + networkx
    kernighan_lin_bisection, leaves read in order.
"""
import json
import time

import networkx as nx
import numpy as np
import scipy.linalg
from timing import median_seconds

THETA = 0.085


def data(M, D, seed):
    rng = np.random.default_rng(seed)
    X = np.cumsum(rng.normal(size=(M, D)), axis=1) / np.sqrt(np.arange(1, D + 1))
    y = np.where(X[:, : D // 2].sum(axis=1) > 0, 1.0, -1.0)
    return X, y


def gram(Z, side):
    c = np.cos(np.pi * THETA * Z[:, side])
    s = np.sin(np.pi * THETA * Z[:, side])
    G = np.ones((Z.shape[0], Z.shape[0]))
    for f in range(len(side)):
        G *= np.outer(c[:, f], c[:, f]) + np.outer(s[:, f], s[:, f])
    return G


def entropy(sv):
    p = sv**2 / np.sum(sv**2)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def standardize(X):
    return (X - X.mean(0)) / X.std(0)


def ent_paper(X, y, K, Kc):
    Z = standardize(X)
    ga = gram(Z, K) * np.outer(y, y)
    gb = gram(Z, Kc)

    def vidal(g):
        u, s, _ = np.linalg.svd(g)
        keep = s > 1e-13 * s[0]
        return np.sqrt(s[keep])[:, None] * u[:, keep].T

    return entropy(np.linalg.svd(vidal(ga) @ vidal(gb).T, compute_uv=False))


def ent_eigh(X, y, K, Kc):
    Z = standardize(X)
    ga = gram(Z, K)
    gb = gram(Z, Kc)

    def root(g):
        w, u = scipy.linalg.eigh(g)
        keep = w > 1e-13 * w[-1]
        return u[:, keep] * np.sqrt(w[keep])

    ra, rb = root(ga), root(gb)
    return entropy(scipy.linalg.svdvals((ra * y[:, None]).T @ rb))


def surrogate(X, level):
    rho = np.abs(np.corrcoef(X, rowvar=False))
    D = X.shape[1]
    chunks = np.array_split(np.arange(D), 2**level)
    total = 0.0
    for K in chunks:
        Kc = np.setdiff1d(np.arange(D), K)
        total += rho[np.ix_(K, Kc)].sum()
    return total / len(chunks)


def rearrange(X):
    W = np.abs(np.corrcoef(X, rowvar=False))
    np.fill_diagonal(W, 0)

    def order(nodes):
        if len(nodes) <= 2:
            return list(nodes)
        sub = W[np.ix_(nodes, nodes)]
        L = np.diag(sub.sum(1)) - sub
        _, vec = scipy.linalg.eigh(L)
        idx = np.argsort(vec[:, 1], kind='stable')
        half = (len(nodes) + 1) // 2
        A = [nodes[i] for i in idx[:half]]
        B = [nodes[i] for i in idx[half:]]
        G = nx.Graph()
        for i, a in enumerate(nodes):
            for j in range(i + 1, len(nodes)):
                G.add_edge(a, nodes[j], weight=sub[i, j])
        A, B = nx.algorithms.community.kernighan_lin_bisection(G, partition=(set(A), set(B)), weight='weight', seed=0)
        return order(sorted(A)) + order(sorted(B))

    return order(list(range(X.shape[1])))


timeit = median_seconds


def main():
    X, y = data(500, 64, 0)
    K, Kc = list(range(32)), list(range(32, 64))
    Xs = data(500, 64, 1)[0]
    Xr = data(500, 64, 2)[0][:, np.random.default_rng(3).permutation(64)]
    out = {
        'entanglement 500x64 level 1 (ref: paper route, 3 SVDs)': timeit(lambda: ent_paper(X, y, K, Kc), 5),
        'entanglement 500x64 level 1 (ref: eigh route)': timeit(lambda: ent_eigh(X, y, K, Kc), 5),
        'surrogate 500x64 level 3': timeit(lambda: surrogate(Xs, 3), 10),
        'rearrangeFeatures 500x64': timeit(lambda: rearrange(Xr), 5),
    }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
