/**
 * Low-rank ground truths and observed entries for matrix completion (Arora, Cohen, Hu, Luo 2019).
 */
import { Matrix, assertFinite, assertInteger, assertKnownOptions, assertPositive, resolveRng, toMatrix, type MatrixLike, type Rng } from '@theoryml/core'
import type { EntryList } from './kernel'

/** An observed entry: [row, column, value], or [row, column] to read the value from a target. */
export type Observation = readonly [number, number, number] | readonly [number, number]

/** Options of {@link lowRankMatrix}. */
export interface LowRankMatrixOptions {
  /** Shape [rows, columns]. */
  shape: readonly [number, number]
  /** Rank r ≥ 1. */
  rank: number
  /** Frobenius norm of the result (default: √(rows·columns), i.e. entries of unit mean square). */
  norm?: number
  /** Seed or stream. */
  rng?: Rng | number
}

/**
 * A random rank-r matrix U Vᵀ with U, V i.i.d. Gaussian, rescaled to Frobenius norm `norm`.
 * @example const W = lowRankMatrix({ shape: [30, 30], rank: 2, norm: 30, rng: 0 })
 */
export function lowRankMatrix(options: LowRankMatrixOptions): Matrix {
  assertKnownOptions('lowRankMatrix', options, ['shape', 'rank', 'norm', 'rng'])
  const [m, n] = checkShape('shape', options.shape)
  assertInteger('rank', options.rank, { min: 1, max: Math.min(m, n) })
  const norm = options.norm ?? Math.sqrt(m * n)
  assertPositive('norm', norm)
  const rng = resolveRng(options.rng)
  const U = new Matrix(m, options.rank)
  const V = new Matrix(n, options.rank)
  for (let i = 0; i < m; i++) for (let k = 0; k < options.rank; k++) U.set(i, k, rng.normal())
  for (let i = 0; i < n; i++) for (let k = 0; k < options.rank; k++) V.set(i, k, rng.normal())
  const W = U.mmul(V.transpose())
  return W.mul(norm / W.norm('frobenius'))
}

/** Options of {@link sampleObservations}. */
export interface SampleObservationsOptions {
  /** Number of distinct entries to observe (≤ rows·columns). */
  count: number
  /** Seed or stream. */
  rng?: Rng | number
}

/**
 * Observe `count` distinct entries of `target`, chosen uniformly at random, as [row, col, value].
 * @example const obs = sampleObservations(W, { count: 250, rng: 1 })
 */
export function sampleObservations(target: MatrixLike, options: SampleObservationsOptions): Array<[number, number, number]> {
  assertKnownOptions('sampleObservations', options, ['count', 'rng'])
  const T = toMatrix('target', target)
  const total = T.rows * T.columns
  assertInteger('count', options.count, { min: 1, max: total })
  const rng = resolveRng(options.rng)
  const picks = rng.permutation(total).slice(0, options.count).sort((a, b) => a - b)
  return picks.map((p) => {
    const i = Math.floor(p / T.columns)
    const j = p % T.columns
    return [i, j, T.get(i, j)]
  })
}

/** @internal Validate a [rows, columns] shape. */
export function checkShape(name: string, shape: unknown): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2) throw new Error(`${name}: expected [rows, columns], got ${Array.isArray(shape) ? `an array of length ${shape.length}` : typeof shape}`)
  assertInteger(`${name}[0]`, shape[0], { min: 1 })
  assertInteger(`${name}[1]`, shape[1], { min: 1 })
  return [shape[0] as number, shape[1] as number]
}

/**
 * @internal Validate observations against a shape (and read missing values from `target`).
 * Errors name the observation and what is wrong with it.
 */
export function toEntryList(name: string, observations: unknown, shape: readonly [number, number], target?: Matrix): EntryList {
  if (!Array.isArray(observations)) throw new Error(`${name}: expected an array of [row, col, value] entries, got ${typeof observations}`)
  if (observations.length === 0) throw new Error(`${name}: expected at least one observed entry`)
  const M = observations.length
  const rows = new Int32Array(M)
  const cols = new Int32Array(M)
  const values = new Float64Array(M)
  const [m, n] = shape
  observations.forEach((o: unknown, k) => {
    if (!Array.isArray(o) || (o.length !== 2 && o.length !== 3)) throw new Error(`${name}[${k}]: expected [row, col, value] or [row, col], got ${JSON.stringify(o)}`)
    const [i, j] = o as number[]
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= m) throw new Error(`${name}[${k}]: row index ${String(i)} out of range [0, ${m})`)
    if (!Number.isInteger(j) || (j as number) < 0 || (j as number) >= n) throw new Error(`${name}[${k}]: column index ${String(j)} out of range [0, ${n})`)
    let v: number
    if (o.length === 3) {
      v = o[2] as number
      assertFinite(`${name}[${k}][2]`, v)
    } else {
      if (!target) throw new Error(`${name}[${k}]: a [row, col] entry needs a target to read its value from; give [row, col, value]`)
      v = target.get(i as number, j as number)
    }
    rows[k] = i as number
    cols[k] = j as number
    values[k] = v
  })
  return { rows, cols, values }
}

/** @internal The entries ordered by (row, column), so that the kernel can pair entries of a row. */
export function sortEntries(list: EntryList): EntryList {
  const M = list.values.length
  const order = Array.from({ length: M }, (_, k) => k).sort((x, y) => (list.rows[x] as number) - (list.rows[y] as number) || (list.cols[x] as number) - (list.cols[y] as number))
  return {
    rows: Int32Array.from(order, (k) => list.rows[k] as number),
    cols: Int32Array.from(order, (k) => list.cols[k] as number),
    values: Float64Array.from(order, (k) => list.values[k] as number),
  }
}
