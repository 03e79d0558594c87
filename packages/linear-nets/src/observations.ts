/**
 * Low-rank ground truths for matrix completion (Arora, Cohen, Hu, Luo 2019), and the validation of
 * observed entries given as core's `Observations` (drawn by core's `sampleObservations`).
 */
import { Matrix, assertAllocation, assertInteger, assertKnownOptions, assertPositive, resolveRng, type Observations, type Rng } from '@theoryml/core'
import type { EntryList } from './kernel'

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

/** @internal Validate a [rows, columns] shape. */
export function checkShape(name: string, shape: unknown): [number, number] {
  if (!Array.isArray(shape) || shape.length !== 2) throw new Error(`${name}: expected [rows, columns], got ${Array.isArray(shape) ? `an array of length ${shape.length}` : typeof shape}`)
  assertInteger(`${name}[0]`, shape[0], { min: 1 })
  assertInteger(`${name}[1]`, shape[1], { min: 1 })
  assertAllocation(name, (shape[0] as number) * (shape[1] as number), 8)
  return [shape[0] as number, shape[1] as number]
}

/**
 * @internal Validate core's `Observations` ({ indices: [row, column][], values }) against a shape.
 * Errors name the observation and what is wrong with it.
 */
export function toEntryList(name: string, observations: unknown, shape: readonly [number, number]): EntryList {
  const o = observations as Partial<Observations> | null
  if (!o || typeof o !== 'object' || !Array.isArray(o.indices) || !o.values || typeof o.values.length !== 'number') {
    const got = Array.isArray(observations) ? 'an array (give { indices, values }, e.g. from core\'s sampleObservations)' : o === null ? 'null' : typeof observations
    throw new Error(`${name}: expected { indices: [row, column][], values } (core's Observations), got ${got}`)
  }
  const { indices, values } = o as Observations
  const M = indices.length
  if (M === 0) throw new Error(`${name}.indices: expected at least one observed entry`)
  if (values.length !== M) throw new Error(`${name}.values: expected ${M} values (one per index), got ${values.length}`)
  const rows = new Int32Array(M)
  const cols = new Int32Array(M)
  const vals = new Float64Array(M)
  const [m, n] = shape
  for (let k = 0; k < M; k++) {
    const ij = indices[k]
    if (!Array.isArray(ij) || ij.length !== 2) throw new Error(`${name}.indices[${k}]: expected [row, column], got ${JSON.stringify(ij)}`)
    const [i, j] = ij as number[]
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= m) throw new Error(`${name}.indices[${k}]: row index ${String(i)} out of range [0, ${m})`)
    if (!Number.isInteger(j) || (j as number) < 0 || (j as number) >= n) throw new Error(`${name}.indices[${k}]: column index ${String(j)} out of range [0, ${n})`)
    const v = values[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}.values[${k}]: expected a finite number, got ${String(v)}`)
    rows[k] = i as number
    cols[k] = j as number
    vals[k] = v
  }
  return { rows, cols, values: vals }
}

/** @internal Every entry of a matrix, row by row. */
export function allEntries(target: Matrix): EntryList {
  const M = target.rows * target.columns
  const rows = new Int32Array(M)
  const cols = new Int32Array(M)
  const values = new Float64Array(M)
  for (let i = 0, k = 0; i < target.rows; i++) {
    for (let j = 0; j < target.columns; j++, k++) {
      rows[k] = i
      cols[k] = j
      values[k] = target.get(i, j)
    }
  }
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
