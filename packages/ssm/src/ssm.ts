import { assertAllocation, assertFiniteArray, assertInteger, assertKnownOptions, toMatrix, toVector, type MatrixLike, type VectorLike } from '@theoryml/core'
import type { Matrix } from '@theoryml/core'

/**
 * A diagonal linear state space model of dimension d (float64 track):
 * h_t = A h_{t−1} + B x_t (h_0 = 0), y = C h_L, with A = diag(a), B = b (d×1), C = cᵀ (1×d).
 */
export interface DiagonalSsm {
  /** Diagonal of the state transition matrix A (length d). */
  readonly a: Float64Array
  /** Input vector B (length d). */
  readonly b: Float64Array
  /** Output vector C (length d). */
  readonly c: Float64Array
  /** The state dimension d. */
  readonly dim: number
}

/** Options of {@link diagonalSsm}. */
export interface DiagonalSsmOptions {
  /** Warn (console.warn) when some |a_i| > 1, where the dynamics grow as |a_i|^t (default true). */
  warn?: boolean
}

/**
 * Build a real diagonal SSM h_t = diag(a) h_{t−1} + b x_t, y = cᵀ h_L, copying and validating the
 * vectors (equal lengths d ≥ 1, finite entries). Warns when max|a_i| > 1 (unstable dynamics).
 * @example const ssm = diagonalSsm({ a: [1, 0], b: [1, 3], c: [1, 3] })
 */
export function diagonalSsm(params: { a: VectorLike; b: VectorLike; c: VectorLike }, options: DiagonalSsmOptions = {}): DiagonalSsm {
  if (!params || typeof params !== 'object') throw new Error('diagonalSsm: expected { a, b, c }')
  assertKnownOptions('diagonalSsm', params, ['a', 'b', 'c', 'dim'])
  assertKnownOptions('diagonalSsm options', options, ['warn'])
  const a = toVector('a', params.a)
  if (a.length === 0) throw new Error('a: expected a state dimension d >= 1, got an empty vector (d = 0)')
  const b = toVector('b', params.b, a.length)
  const c = toVector('c', params.c, a.length)
  if (options.warn ?? true) {
    const m = maxAbs(a)
    if (m > 1) console.warn(`theoryml/ssm: a has |a_i| = ${m.toPrecision(4)} > 1, the dynamics blow up as |a_i|^t on long sequences`)
  }
  return { a, b, c, dim: a.length }
}

/** The largest |a_i|. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number))
  return m
}

/** Check that `ssm` is a {@link DiagonalSsm} (as built by {@link diagonalSsm}); the error names `name`. */
export function assertSsm(name: string, ssm: unknown): asserts ssm is DiagonalSsm {
  const s = ssm as DiagonalSsm
  if (!s || typeof s !== 'object' || !(s.a instanceof Float64Array) || !(s.b instanceof Float64Array) || !(s.c instanceof Float64Array)) {
    throw new Error(`${name}: expected a diagonal SSM from diagonalSsm({ a, b, c })`)
  }
  if (s.a.length === 0) throw new Error(`${name}: expected a state dimension d >= 1, got d = 0`)
  if (s.b.length !== s.a.length || s.c.length !== s.a.length) {
    throw new Error(`${name}: a, b, c must have equal lengths, got ${s.a.length}, ${s.b.length}, ${s.c.length}`)
  }
  assertFiniteArray(`${name}.a`, s.a)
  assertFiniteArray(`${name}.b`, s.b)
  assertFiniteArray(`${name}.c`, s.c)
}

/**
 * Impulse response k(j) = C A^j B = Σ_i c_i b_i a_i^j for j = 0 … length−1 (the convolution kernel:
 * the output on a length-L sequence is y = Σ_t x_t k(L−t), t = 1 … L). Writes into `out` when given.
 * Throws when the response overflows (|a_i| > 1 over a long horizon).
 * @example impulseResponse(diagonalSsm({ a: [0.5], b: [1], c: [2] }), 3) // Float64Array [2, 1, 0.5]
 */
export function impulseResponse(ssm: DiagonalSsm, length: number, out?: Float64Array): Float64Array {
  assertSsm('ssm', ssm)
  assertInteger('length', length, { min: 1 })
  if (!out) assertAllocation('length', length, 8)
  const k = out ?? new Float64Array(length)
  if (k.length < length) throw new Error(`out: expected length >= ${length}, got ${k.length}`)
  impulseInto(ssm.a, ssm.b, ssm.c, length, k)
  for (let j = 0; j < length; j++) {
    if (!Number.isFinite(k[j] as number)) {
      throw new Error(`a: the impulse response blows up (k(${j}) = ${k[j]}) because max|a_i| = ${maxAbs(ssm.a).toPrecision(4)} > 1`)
    }
  }
  return k
}

/** Unchecked kernel k(j) = Σ_i c_i b_i a_i^j, j < length, into k (hot path, no allocation). */
export function impulseInto(a: Float64Array, b: Float64Array, c: Float64Array, length: number, k: Float64Array): void {
  k.fill(0, 0, length)
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] as number
    let p = (c[i] as number) * (b[i] as number)
    for (let j = 0; j < length; j++) {
      k[j] = (k[j] as number) + p
      p *= ai
    }
  }
}

/** Input sequences as rows of equal length: number[][] or a Matrix (n × L). */
export type SequencesLike = MatrixLike

/**
 * Validate sequences (rows of equal length L, finite) and return them as a row-major Float64Array
 * with their count n and length L.
 * @example toSequences('sequences', [[1, 0, 0], [0, 1, 0]]) // { n: 2, length: 3, data }
 */
export function toSequences(name: string, sequences: unknown): { n: number; length: number; data: Float64Array } {
  let m: Matrix
  try {
    m = toMatrix(name, sequences)
  } catch (err) {
    const msg = (err as Error).message
    throw new Error(msg.replace(/row (\d+) has (\d+) entries, expected (\d+)/, 'sequence $1 has length $2 but sequence 0 has length $3: sequences must have equal lengths'))
  }
  return { n: m.rows, length: m.columns, data: Float64Array.from(m.to1DArray()) }
}

/**
 * Outputs of a diagonal SSM on sequences (rows x_1 … x_L): y = C h_L = Σ_t x_t k(L−t), the last state
 * read out. All sequences must have the same length.
 * @example ssmOutput(diagonalSsm({ a: [0.5], b: [1], c: [1] }), [[1, 0, 0]]) // Float64Array [0.25]
 */
export function ssmOutput(ssm: DiagonalSsm, sequences: SequencesLike): Float64Array {
  assertSsm('ssm', ssm)
  const { n, length: L, data } = toSequences('sequences', sequences)
  const k = impulseResponse(ssm, L)
  const y = new Float64Array(n)
  for (let s = 0; s < n; s++) {
    let acc = 0
    const off = s * L
    for (let t = 0; t < L; t++) acc += (data[off + t] as number) * (k[L - 1 - t] as number)
    y[s] = acc
  }
  return y
}

/**
 * The same outputs by running the recurrence h_t = A h_{t−1} + B x_t explicitly (O(n·L·d), for checks).
 * @example ssmOutputRecurrent(ssm, [[1, 2, 3]])
 */
export function ssmOutputRecurrent(ssm: DiagonalSsm, sequences: SequencesLike): Float64Array {
  assertSsm('ssm', ssm)
  const { n, length: L, data } = toSequences('sequences', sequences)
  const d = ssm.dim
  const h = new Float64Array(d)
  const y = new Float64Array(n)
  for (let s = 0; s < n; s++) {
    h.fill(0)
    for (let t = 0; t < L; t++) {
      const x = data[s * L + t] as number
      for (let i = 0; i < d; i++) h[i] = (ssm.a[i] as number) * (h[i] as number) + (ssm.b[i] as number) * x
    }
    let acc = 0
    for (let i = 0; i < d; i++) acc += (ssm.c[i] as number) * (h[i] as number)
    if (!Number.isFinite(acc)) throw new Error(`a: the state blows up on sequence ${s} because max|a_i| = ${maxAbs(ssm.a).toPrecision(4)} > 1`)
    y[s] = acc
  }
  return y
}
