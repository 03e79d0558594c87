/**
 * CP (CANDECOMP/PARAFAC) factorizations: W = Σ_r λ_r · w_r¹ ⊗ w_r² ⊗ … ⊗ w_r^N, the factor matrices
 * A^n = [w_1^n … w_R^n] ∈ R^{d_n × R}; tensor reconstruction, random CP tensors, component norms,
 * alternating least squares and an ALS-based CP-rank estimate.
 */
import { assertAllocation, Matrix, assertInteger, assertKnownOptions, assertPositive, fromFlat, ndarray, pseudoInverse, resolveRng, sizeOf, toFlat, toMatrix, toVector, type MatrixLike, type NdArray, type Rng, type VectorLike } from '@theoryml/core'
import { checkTensor } from './tensor'

/** A CP factorization: factor matrices A^n (d_n × R) and optional weights λ (default all ones). */
export interface Cp {
  weights?: VectorLike
  factors: readonly MatrixLike[]
}

/** A CP factorization as returned by this package: `Matrix` factors, `Float64Array` weights. */
export interface CpResult {
  weights: Float64Array
  factors: Matrix[]
}

/** Validate CP factors; returns row-major flats, the shape and the rank. */
export function checkFactors(name: string, factors: unknown): { flats: Float64Array[]; shape: number[]; rank: number } {
  if (!Array.isArray(factors) || factors.length === 0) throw new Error(`${name}: expected a non-empty array of factor matrices (d_n × R)`)
  const ms = factors.map((f, n) => toMatrix(`${name}[${n}]`, f))
  const rank = (ms[0] as Matrix).columns
  ms.forEach((m, n) => {
    if (m.columns !== rank) throw new Error(`${name}[${n}]: expected ${rank} columns (the rank) like ${name}[0], got ${m.columns}`)
  })
  return { flats: ms.map((m) => toFlat(m)), shape: ms.map((m) => m.rows), rank }
}

/** Σ_r λ_r Π_n A^n[i_n, r] over all entries, from row-major flats (shared by CP and tests). */
export function cpTensorFromFlats(flats: readonly Float64Array[], shape: readonly number[], rank: number, weights?: Float64Array): NdArray {
  let acc = Float64Array.from(flats[0] as Float64Array)
  let rows = shape[0] as number
  for (let n = 1; n < flats.length; n++) {
    const b = flats[n] as Float64Array
    const dn = shape[n] as number
    const next = new Float64Array(rows * dn * rank)
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < dn; j++) {
        const dst = (i * dn + j) * rank
        for (let r = 0; r < rank; r++) next[dst + r] = (acc[i * rank + r] as number) * (b[j * rank + r] as number)
      }
    }
    acc = next
    rows *= dn
  }
  const out = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let s = 0
    for (let r = 0; r < rank; r++) s += (acc[i * rank + r] as number) * (weights ? (weights[r] as number) : 1)
    out[i] = s
  }
  return ndarray(out, shape)
}

/**
 * The tensor of a CP factorization: W[i_1, …, i_N] = Σ_r λ_r Π_n A^n[i_n, r]. Extra fields of
 * `cp` (e.g. the `relError` of a {@link cpAls} result) are ignored.
 * @example cpToTensor({ factors: [[[1], [2]], [[3], [4]]] }).data // Float64Array [3, 4, 6, 8]
 */
export function cpToTensor(cp: Cp): NdArray {
  if (!cp || typeof cp !== 'object') throw new Error('cp: expected { weights?, factors }')
  const { flats, shape, rank } = checkFactors('factors', cp.factors)
  const weights = cp.weights === undefined ? undefined : toVector('weights', cp.weights, rank)
  assertAllocation('factors', shape.reduce((a, b) => a * b, 1), 8)
  return cpTensorFromFlats(flats, shape, rank, weights)
}

/**
 * A random CP factorization of the given shape and rank: factor entries i.i.d. N(0, std²)
 * (std default 1), weights all ones. cpToTensor of it has CP rank ≤ `rank`.
 * @example const { factors } = randomCp([8, 8, 8], 3, createRng(0))
 */
export function randomCp(shape: readonly number[], rank: number, rng: Rng | number, options: { std?: number } = {}): CpResult {
  checkShapeArg(shape)
  assertInteger('rank', rank, { min: 1 })
  assertAllocation('shape', shape.reduce((a, b) => a + b, 0) * rank, 8)
  assertKnownOptions('randomCp', options, ['std'])
  const std = options.std ?? 1
  assertPositive('std', std)
  const r = resolveRng(rng)
  const factors = shape.map((d) => fromFlat(r.fillNormal(new Float64Array(d * rank), std), d, rank))
  return { weights: new Float64Array(rank).fill(1), factors }
}

/** Check a tensor shape argument: a non-empty array of positive integers. */
export function checkShapeArg(shape: unknown, name = 'shape'): number[] {
  if (!Array.isArray(shape) || shape.length === 0) throw new Error(`${name}: expected a non-empty array of positive integers`)
  shape.forEach((d, k) => assertInteger(`${name}[${k}]`, d, { min: 1 }))
  return [...(shape as number[])]
}

/**
 * Norms of the rank-one components: ‖w_r¹ ⊗ … ⊗ w_r^N‖_F = Π_n ‖A^n[:, r]‖ (times |λ_r| when
 * weights are given), in component order.
 * @example cpComponentNorms([[[3], [4]], [[1], [0]]]) // Float64Array [5]
 */
export function cpComponentNorms(factors: readonly MatrixLike[], weights?: VectorLike): Float64Array {
  const { flats, shape, rank } = checkFactors('factors', factors)
  const w = weights === undefined ? undefined : toVector('weights', weights, rank)
  return componentNormsFromFlats(flats, shape, rank, w)
}

/** Π_n ‖A^n[:, r]‖ from row-major flats, into `out` (allocation-free when `out` is given). */
export function componentNormsFromFlats(flats: readonly Float64Array[], shape: readonly number[], rank: number, weights?: Float64Array, out = new Float64Array(rank)): Float64Array {
  out.fill(1)
  for (let n = 0; n < flats.length; n++) {
    const f = flats[n] as Float64Array
    const dn = shape[n] as number
    for (let r = 0; r < rank; r++) {
      let s = 0
      for (let i = 0; i < dn; i++) s += (f[i * rank + r] as number) ** 2
      out[r] = (out[r] as number) * Math.sqrt(s)
    }
  }
  if (weights) for (let r = 0; r < rank; r++) out[r] = (out[r] as number) * Math.abs(weights[r] as number)
  return out
}

/** Options of {@link cpAls}. */
export interface CpAlsOptions {
  /** Maximum sweeps over the modes (default 500). */
  maxIter?: number
  /** Stop when the relative error changes by less than this between sweeps (default 1e-12). */
  tol?: number
  /** Seed or stream for the random N(0, 1) initialization (default 0). */
  rng?: Rng | number
  /** Initial factors (d_n × R) instead of the random N(0, 1) start. */
  initial?: readonly MatrixLike[]
}

/** What {@link cpAls} returns. */
export interface CpAlsResult extends CpResult {
  /** ‖T − cpToTensor(result)‖_F / ‖T‖_F. */
  relError: number
  /** Sweeps done. */
  iterations: number
}

/**
 * CP decomposition by alternating least squares (Kolda & Bader 2009, Fig. 3.3): for each mode n,
 * A^n ← T_(n) (⊙_{k≠n} A^k) (∗_{k≠n} A^kᵀA^k)^+, then the columns are normalized into λ.
 * The MTTKRP T_(n)(⊙_{k≠n} A^k) is computed entry-wise without forming the Khatri–Rao product.
 * @example const { relError } = cpAls(cpToTensor(randomCp([6, 6, 6], 2, 0)), 2) // ≈ 0
 */
export function cpAls(tensor: NdArray, rank: number, options: CpAlsOptions = {}): CpAlsResult {
  const t = checkTensor('tensor', tensor, 2)
  assertInteger('rank', rank, { min: 1 })
  assertKnownOptions('cpAls', options, ['maxIter', 'tol', 'rng', 'initial'])
  const maxIter = options.maxIter ?? 500
  assertInteger('maxIter', maxIter, { min: 0 })
  const tol = options.tol ?? 1e-12
  assertPositive('tol', tol, true)
  const shape = [...t.shape]
  const N = shape.length
  const R = rank
  let A: Float64Array[]
  if (options.initial !== undefined) {
    const initial = checkFactors('initial', options.initial)
    if (initial.rank !== R || initial.shape.length !== N || initial.shape.some((d, n) => d !== shape[n])) {
      throw new Error(`initial: expected ${N} factors of shapes ${shape.map((d) => `${d}×${R}`).join(', ')}`)
    }
    A = initial.flats
  } else {
    const rng = resolveRng(options.rng ?? 0)
    A = shape.map((d) => rng.fillNormal(new Float64Array(d * R)))
  }
  const lambda = new Float64Array(R).fill(1)
  const normT = Math.sqrt(t.data.reduce((s, v) => s + v * v, 0))
  const total = t.data.length
  const prod = new Float64Array(R)
  const idx = new Int32Array(N)
  let relError = relErr(t, A, shape, R, lambda, normT)
  let iterations = 0
  for (let it = 0; it < maxIter; it++) {
    for (let n = 0; n < N; n++) {
      const dn = shape[n] as number
      // MTTKRP: M[i_n, r] = Σ_{entries} T[i] Π_{k≠n} A^k[i_k, r]
      const M = new Float64Array(dn * R)
      idx.fill(0)
      for (let o = 0; o < total; o++) {
        const v = t.data[o] as number
        if (v !== 0) {
          prod.fill(v)
          for (let k = 0; k < N; k++) {
            if (k === n) continue
            const Ak = A[k] as Float64Array
            const off = (idx[k] as number) * R
            for (let r = 0; r < R; r++) prod[r] = (prod[r] as number) * (Ak[off + r] as number)
          }
          const off = (idx[n] as number) * R
          for (let r = 0; r < R; r++) M[off + r] = (M[off + r] as number) + (prod[r] as number)
        }
        for (let k = N - 1; k >= 0; k--) {
          const nv = (idx[k] as number) + 1
          if (nv < (shape[k] as number)) { idx[k] = nv; break }
          idx[k] = 0
        }
      }
      // V = ∗_{k≠n} A^kᵀ A^k
      const V = new Matrix(R, R).fill(1)
      for (let k = 0; k < N; k++) {
        if (k === n) continue
        const Ak = A[k] as Float64Array
        const dk = shape[k] as number
        for (let a = 0; a < R; a++) {
          for (let b = a; b < R; b++) {
            let s = 0
            for (let i = 0; i < dk; i++) s += (Ak[i * R + a] as number) * (Ak[i * R + b] as number)
            V.set(a, b, V.get(a, b) * s)
            if (b !== a) V.set(b, a, V.get(b, a) * s)
          }
        }
      }
      const Vp = pseudoInverse(V)
      const An = new Float64Array(dn * R)
      for (let i = 0; i < dn; i++) {
        for (let b = 0; b < R; b++) {
          let s = 0
          for (let a = 0; a < R; a++) s += (M[i * R + a] as number) * Vp.get(a, b)
          An[i * R + b] = s
        }
      }
      for (let r = 0; r < R; r++) {
        let s = 0
        for (let i = 0; i < dn; i++) s += (An[i * R + r] as number) ** 2
        const norm = Math.sqrt(s)
        lambda[r] = norm
        if (norm > 0) for (let i = 0; i < dn; i++) An[i * R + r] = (An[i * R + r] as number) / norm
      }
      A[n] = An
    }
    iterations = it + 1
    const err = relErr(t, A, shape, R, lambda, normT)
    const change = Math.abs(relError - err)
    relError = err
    if (change < tol || err < 1e-14) break
  }
  return { weights: lambda, factors: A.map((f, n) => fromFlat(f, shape[n] as number, R)), relError, iterations }
}

function relErr(t: NdArray, A: readonly Float64Array[], shape: readonly number[], R: number, lambda: Float64Array, normT: number): number {
  const rec = cpTensorFromFlats(A, shape, R, lambda).data
  let s = 0
  for (let i = 0; i < rec.length; i++) s += ((rec[i] as number) - (t.data[i] as number)) ** 2
  return normT === 0 ? Math.sqrt(s) : Math.sqrt(s) / normT
}

/** Options of {@link cpRank}. */
export interface CpRankOptions {
  /** Relative error ‖T − T̂‖/‖T‖ an ALS fit must reach (default 1e-6). */
  tol?: number
  /** Largest rank tried (default min(Π d / max d, 20)). */
  maxRank?: number
  /** Random restarts of ALS per rank; the best fit counts (default 3). */
  restarts?: number
  /** ALS sweeps per restart (default 1000). */
  maxIter?: number
  /** Seed or stream for the restarts (default 0). */
  rng?: Rng | number
}

/**
 * Numerical CP rank: the smallest R ≤ maxRank such that ALS (best of `restarts`) reaches
 * ‖T − T̂_R‖_F ≤ tol·‖T‖_F; Infinity when no R ≤ maxRank does. An upper estimate: ALS may miss
 * a fit that exists. The zero tensor has rank 0.
 * @example cpRank(cpToTensor(randomCp([8, 8, 8], 3, 0)), { tol: 1e-6 }) // 3
 */
export function cpRank(tensor: NdArray, options: CpRankOptions = {}): number {
  const t = checkTensor('tensor', tensor, 2)
  assertKnownOptions('cpRank', options, ['tol', 'maxRank', 'restarts', 'maxIter', 'rng'])
  const tol = options.tol ?? 1e-6
  assertPositive('tol', tol)
  const maxD = Math.max(...t.shape)
  const maxRank = options.maxRank ?? Math.min(sizeOf(t.shape) / maxD, 20)
  assertInteger('maxRank', maxRank, { min: 1 })
  const restarts = options.restarts ?? 3
  assertInteger('restarts', restarts, { min: 1 })
  const maxIter = options.maxIter ?? 1000
  assertInteger('maxIter', maxIter, { min: 1 })
  const rng = resolveRng(options.rng ?? 0)
  if (t.data.every((v) => v === 0)) return 0
  for (let R = 1; R <= maxRank; R++) {
    for (let s = 0; s < restarts; s++) {
      const { relError } = cpAls(t, R, { maxIter, tol: 1e-15, rng: rng.fork(`${R}:${s}`) })
      if (relError <= tol) return R
    }
  }
  return Infinity
}
