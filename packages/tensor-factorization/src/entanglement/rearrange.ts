import { assertInteger, assertKnownOptions, Matrix, resolveRng, symmetricEigen, toMatrix, type MatrixLike, type Rng } from '@theoryml/core'
import { correlationRows } from './surrogate'

/** Options of {@link rearrangeFeatures}. */
export interface RearrangeOptions {
  /** 1: a sequence (recursive bisection); 2: a grid (recursive split into four quadrants). Default 1. */
  dims?: 1 | 2
  /** For dims 2: [height, width] of the grid (default: square, √D × √D). */
  grid?: readonly [number, number]
  /** Maximum Kernighan–Lin passes per bisection (default 20; 0 keeps the spectral split). */
  passes?: number
}

/**
 * Spectral bisection: sort the nodes by the Fiedler vector (eigenvector of the second smallest
 * eigenvalue of the graph Laplacian L = diag(W1) − W restricted to `nodes`), the first `sizeA` form A.
 */
function spectralSplit(W: Float64Array, D: number, nodes: readonly number[], sizeA: number): [number[], number[]] {
  const n = nodes.length
  const L = new Matrix(n, n)
  for (let a = 0; a < n; a++) {
    let deg = 0
    for (let b = 0; b < n; b++) {
      if (a === b) continue
      const w = W[(nodes[a] as number) * D + (nodes[b] as number)] as number
      L.set(a, b, -w)
      deg += w
    }
    L.set(a, a, deg)
  }
  const { values: vals, vectors: V } = symmetricEigen(L)
  const order = Array.from(vals, (v, i) => [v, i] as const).sort((x, y) => x[0] - y[0])
  const k = (order[1] ?? order[0] as readonly [number, number])[1]
  const fiedler = nodes.map((_, i) => V.get(i, k))
  const idx = nodes.map((_, i) => i).sort((x, y) => (fiedler[x] as number) - (fiedler[y] as number) || x - y)
  return [idx.slice(0, sizeA).map((i) => nodes[i] as number), idx.slice(sizeA).map((i) => nodes[i] as number)]
}

/**
 * Kernighan–Lin refinement of a bisection (A, B) with fixed sizes: each pass tentatively swaps the
 * best unlocked pair (max gain g = D_a + D_b − 2 w_ab, D = external − internal weight) until all are
 * locked, then applies the prefix of swaps with the largest positive total gain. Stops when a pass
 * gains nothing.
 */
function kernighanLin(W: Float64Array, D: number, A: number[], B: number[], passes: number): void {
  const nodes = [...A, ...B]
  const n = nodes.length
  const inA = new Uint8Array(n)
  for (let i = 0; i < A.length; i++) inA[i] = 1
  const w = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) w[i * n + j] = W[(nodes[i] as number) * D + (nodes[j] as number)] as number
  const gainD = new Float64Array(n)
  const locked = new Uint8Array(n)
  const swapsA = new Int32Array(n)
  const swapsB = new Int32Array(n)
  const gains = new Float64Array(n)
  const steps = Math.min(A.length, B.length)
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < n; i++) {
      let ext = 0
      let int = 0
      for (let j = 0; j < n; j++) {
        if (inA[i] === inA[j]) int += w[i * n + j] as number
        else ext += w[i * n + j] as number
      }
      gainD[i] = ext - int
    }
    locked.fill(0)
    for (let s = 0; s < steps; s++) {
      let best = -Infinity
      let ba = -1
      let bb = -1
      for (let a = 0; a < n; a++) {
        if (locked[a] || inA[a] !== 1) continue
        for (let b = 0; b < n; b++) {
          if (locked[b] || inA[b] !== 0) continue
          const g = (gainD[a] as number) + (gainD[b] as number) - 2 * (w[a * n + b] as number)
          if (g > best) {
            best = g
            ba = a
            bb = b
          }
        }
      }
      locked[ba] = 1
      locked[bb] = 1
      swapsA[s] = ba
      swapsB[s] = bb
      gains[s] = best
      for (let x = 0; x < n; x++) {
        if (locked[x]) continue
        const wa = w[x * n + ba] as number
        const wb = w[x * n + bb] as number
        gainD[x] = (gainD[x] as number) + (inA[x] === 1 ? 2 * wa - 2 * wb : 2 * wb - 2 * wa)
      }
    }
    let total = 0
    let bestTotal = 0
    let bestK = 0
    for (let s = 0; s < steps; s++) {
      total += gains[s] as number
      if (total > bestTotal + 1e-12) {
        bestTotal = total
        bestK = s + 1
      }
    }
    if (bestK === 0) break
    for (let s = 0; s < bestK; s++) {
      inA[swapsA[s] as number] = 0
      inA[swapsB[s] as number] = 1
    }
  }
  A.length = 0
  B.length = 0
  for (let i = 0; i < n; i++) (inA[i] === 1 ? A : B).push(nodes[i] as number)
  A.sort((x, y) => x - y)
  B.sort((x, y) => x - y)
}

function bisect(W: Float64Array, D: number, nodes: readonly number[], sizeA: number, passes: number): [number[], number[]] {
  if (sizeA === 0) return [[], [...nodes]]
  if (sizeA === nodes.length) return [[...nodes], []]
  const [A, B] = spectralSplit(W, D, nodes, sizeA)
  if (passes > 0) kernighanLin(W, D, A, B, passes)
  return [A, B]
}

/** Order the two halves so that the features meeting at the seam are the most correlated ones. */
function join(W: Float64Array, D: number, left: number[], right: number[]): number[] {
  if (left.length === 0 || right.length === 0) return [...left, ...right]
  let best = -Infinity
  let out = [...left, ...right]
  for (const flipL of [false, true]) {
    for (const flipR of [false, true]) {
      const l = flipL ? [...left].reverse() : left
      const r = flipR ? [...right].reverse() : right
      const w = W[(l[l.length - 1] as number) * D + (r[0] as number)] as number
      if (w > best + 1e-12) {
        best = w
        out = [...l, ...r]
      }
    }
  }
  return out
}

function order1d(W: Float64Array, D: number, nodes: readonly number[], passes: number): number[] {
  if (nodes.length <= 2) return [...nodes]
  const [A, B] = bisect(W, D, nodes, Math.ceil(nodes.length / 2), passes)
  return join(W, D, order1d(W, D, A, passes), order1d(W, D, B, passes))
}

function order2d(W: Float64Array, D: number, nodes: readonly number[], r0: number, r1: number, c0: number, c1: number, width: number, out: number[], passes: number): void {
  const h = r1 - r0
  const w = c1 - c0
  if (h * w === 1) {
    out[r0 * width + c0] = nodes[0] as number
    return
  }
  const rm = r0 + Math.ceil(h / 2)
  const cm = c0 + Math.ceil(w / 2)
  // Top/bottom, then each half left/right: the four quadrants of the quad tree.
  const rowsSplit: Array<[number, number]> = h > 1 ? [[r0, rm], [rm, r1]] : [[r0, r1]]
  const colsSplit: Array<[number, number]> = w > 1 ? [[c0, cm], [cm, c1]] : [[c0, c1]]
  let halves: number[][] = [[...nodes]]
  if (rowsSplit.length === 2) halves = bisect(W, D, nodes, (rm - r0) * w, passes)
  rowsSplit.forEach(([ra, rb], hi) => {
    const half = halves[hi] as number[]
    let quads: number[][] = [half]
    if (colsSplit.length === 2) quads = bisect(W, D, half, (rb - ra) * (cm - c0), passes)
    colsSplit.forEach(([ca, cb], qi) => order2d(W, D, quads[qi] as number[], ra, rb, ca, cb, width, out, passes))
  })
}

/**
 * Feature rearrangement that lowers the entanglement under canonical partitions (Alexander et al. 2023,
 * Sec. 5): recursive balanced minimum cuts of the feature graph with weights |ρ_ij| (Pearson
 * correlations), so that the surrogate Σ_{i∈K, j∉K} |ρ_ij| of every canonical partition is small.
 * Each cut is a spectral bisection (Fiedler vector of the graph Laplacian) refined by Kernighan–Lin
 * (in place of the paper's METIS); the leaves are read in order. With `dims: 2` each region of the
 * grid is split into its four quadrants. Returns a permutation `perm`: position p of the new order
 * holds the original feature perm[p] (apply it with {@link permuteFeatures}).
 * @example const perm = rearrangeFeatures(Xshuffled); const Xr = permuteFeatures(Xshuffled, perm)
 */
export function rearrangeFeatures(X: MatrixLike, options: RearrangeOptions = {}): number[] {
  assertKnownOptions('rearrangeFeatures', options, ['dims', 'grid', 'passes'])
  const dims = options.dims ?? 1
  if (dims !== 1 && dims !== 2) throw new Error(`dims: expected 1 or 2, got ${String(dims)}`)
  const passes = options.passes ?? 20
  assertInteger('passes', passes, { min: 0 })
  const rho = correlationRows(X)
  const D = rho.length
  const W = new Float64Array(D * D)
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) if (i !== j) W[i * D + j] = Math.abs((rho[i] as number[])[j] as number)
  const nodes = Array.from({ length: D }, (_, i) => i)
  if (dims === 1) return order1d(W, D, nodes, passes)
  let h: number
  let w: number
  if (options.grid !== undefined) {
    ;[h, w] = options.grid as [number, number]
    assertInteger('grid[0]', h, { min: 1 })
    assertInteger('grid[1]', w, { min: 1 })
    if (h * w !== D) throw new Error(`grid: expected height·width = ${D} features, got ${h}·${w}`)
  } else {
    h = Math.round(Math.sqrt(D))
    w = h
    if (h * w !== D) throw new Error(`grid: ${D} features do not form a square; pass grid: [height, width]`)
  }
  const out = new Array<number>(D).fill(-1)
  order2d(W, D, nodes, 0, h, 0, w, w, out, passes)
  return out
}

/**
 * A permutation of 0 … n−1 made of k random transpositions of the identity (each swaps two distinct
 * positions drawn uniformly): the paper's way to interpolate between the original order (k = 0) and a
 * random one (k large).
 * @example randomSwaps(64, 16, createRng(0)) // a permutation moving at most 32 features
 */
export function randomSwaps(n: number, k: number, rng: Rng | number = 0): number[] {
  assertInteger('n', n, { min: 1 })
  assertInteger('k', k, { min: 0 })
  const r = resolveRng(rng)
  const perm = Array.from({ length: n }, (_, i) => i)
  if (n < 2) return perm
  for (let s = 0; s < k; s++) {
    const i = r.int(n)
    let j = r.int(n - 1)
    if (j >= i) j++
    const t = perm[i] as number
    perm[i] = perm[j] as number
    perm[j] = t
  }
  return perm
}

/**
 * Reorder the features (columns) of X: column p of the result is column perm[p] of X.
 * @example permuteFeatures([[1, 2, 3]], [2, 0, 1]).to2DArray() // [[3, 1, 2]]
 */
export function permuteFeatures(X: MatrixLike, perm: readonly number[]): Matrix {
  const m = toMatrix('X', X)
  checkPermutation('perm', perm, m.columns)
  const out = new Matrix(m.rows, m.columns)
  for (let i = 0; i < m.rows; i++) for (let p = 0; p < m.columns; p++) out.set(i, p, m.get(i, perm[p] as number))
  return out
}

/** Throw unless `perm` is a permutation of 0 … n−1. @internal */
export function checkPermutation(name: string, perm: readonly number[], n: number): void {
  if (!Array.isArray(perm) || perm.length !== n) throw new Error(`${name}: expected a permutation of 0..${n - 1} (length ${n})`)
  const seen = new Uint8Array(n)
  perm.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v] === 1) throw new Error(`${name}: expected a permutation of 0..${n - 1}, got ${String(v)} at index ${i}`)
    seen[v] = 1
  })
}
