import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type Rng } from '@theoryml/core'
import { Matrix } from '@theoryml/core'
import { assertSsm, impulseResponse, toSequences, type SequencesLike } from './ssm'
import type { Teacher } from './teacher'

/** Labeled sequences: `inputs` is n × L row-major, `labels[s]` the teacher's output on sequence s. */
export interface SequenceDataset {
  /** Row-major inputs, n × length. */
  readonly inputs: Float64Array
  /** Clean labels y_s = teacher(x_s). */
  readonly labels: Float64Array
  /** Number of sequences n. */
  readonly count: number
  /** Sequence length L. */
  readonly length: number
  /** The teacher that labeled them. */
  readonly teacher: Teacher
}

/**
 * One or several groups of equal-length sequences (e.g. baseline and special), validated and
 * concatenated in order into one row-major buffer (internal: shared by `dataset` and `networkDataset`).
 */
export function concatSequenceGroups(sequences: SequencesLike | SequencesLike[]): { inputs: Float64Array; count: number; length: number } {
  const groups = isGroupList(sequences) ? sequences : [sequences as SequencesLike]
  const parsed = groups.map((g, i) => toSequences(groups.length > 1 ? `sequences[${i}]` : 'sequences', g))
  const length = (parsed[0] as { length: number }).length
  parsed.forEach((p, i) => {
    if (p.length !== length) throw new Error(`sequences[${i}]: sequences must have equal lengths, got ${p.length} and ${length}`)
  })
  const count = parsed.reduce((s, p) => s + p.n, 0)
  const inputs = new Float64Array(count * length)
  let off = 0
  for (const p of parsed) {
    inputs.set(p.data, off)
    off += p.data.length
  }
  return { inputs, count, length }
}

/**
 * Label sequences with the teacher (clean labels): y_s = C* h*_L(x_s) = Σ_t x_{s,t} k*(L−t).
 * Accepts one or several groups of sequences (e.g. baseline and special), concatenated in order.
 * @example const data = dataset({ teacher: lowDimTeacher(1), sequences: [baseline, special] })
 */
export function dataset(options: { teacher: Teacher; sequences: SequencesLike | SequencesLike[] }): SequenceDataset {
  assertKnownOptions('dataset', options, ['teacher', 'sequences'])
  assertSsm('teacher', options.teacher)
  const { inputs, count, length } = concatSequenceGroups(options.sequences)
  const k = impulseResponse(options.teacher, length)
  const labels = new Float64Array(count)
  for (let s = 0; s < count; s++) {
    let y = 0
    for (let t = 0; t < length; t++) y += (inputs[s * length + t] as number) * (k[length - 1 - t] as number)
    labels[s] = y
  }
  return { inputs, labels, count, length, teacher: options.teacher }
}

/** True when `x` is a list of sequence groups (each a number[][] or Matrix). */
export function isGroupList(x: unknown): x is SequencesLike[] {
  if (!Array.isArray(x) || x.length === 0) return false
  const first = x[0] as unknown
  return Matrix.isMatrix(first) || (Array.isArray(first) && Array.isArray(first[0]))
}

/** Options of {@link baselineSequences} and {@link specialSequences}. */
export interface SequenceOptions {
  /** Sequence length L (≥ 2). */
  length: number
  /** Number of sequences (default 1). */
  count?: number
  /** Positions (0-based) where the inputs may be non-zero. */
  positions?: readonly number[]
  /** Non-zero entries: 'ones' (the theorem's deterministic sequences) or 'gaussian' N(0, std²). Default 'ones'. */
  values?: 'ones' | 'gaussian'
  /** Standard deviation of Gaussian entries (default 1). */
  std?: number
  /** Seed or stream for Gaussian entries (default seed 0). */
  rng?: Rng | number
}

function supported(name: string, options: SequenceOptions, defaultPositions: (L: number) => number[]): Matrix {
  assertKnownOptions(name, options, ['length', 'count', 'positions', 'values', 'std', 'rng'])
  assertInteger('length', options.length, { min: 2 })
  const L = options.length
  const count = options.count ?? 1
  assertInteger('count', count, { min: 1 })
  const positions = options.positions ?? defaultPositions(L)
  if (!Array.isArray(positions) || positions.length === 0) throw new Error('positions: expected a non-empty array of positions')
  positions.forEach((p) => assertInteger('positions', p, { min: 0, max: L - 1 }))
  const values = options.values ?? 'ones'
  if (values !== 'ones' && values !== 'gaussian') throw new Error(`values: expected 'ones' or 'gaussian', got '${String(values)}'`)
  const std = options.std ?? 1
  assertPositive('std', std)
  const rng = values === 'gaussian' ? resolveRng(options.rng) : null
  const m = new Matrix(count, L)
  for (let s = 0; s < count; s++) for (const p of positions) m.set(s, p, rng ? rng.normal(0, std) : 1)
  return m
}

/**
 * Baseline sequences (Slutzky et al.): inputs supported on the first positions. Theorem 1 uses the
 * single sequence e_1 = (1, 0, …, 0) (positions [0], values 'ones'); the experiments beyond it use
 * Gaussian entries on the first two positions. Labeled by the teacher, e_1 reveals only k*(L−1).
 * @example baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 0 })
 */
export function baselineSequences(options: SequenceOptions): Matrix {
  return supported('baselineSequences', options, () => [0])
}

/**
 * Special sequences (Slutzky et al.), the clean-label poison: inputs supported on the last positions,
 * by default only position L−2 (0-based), i.e. x = e_{L−1}, whose label y = x_{L−1} k*(1) = C* A* B* x_{L−1}
 * involves A only to the first power; under gradient descent from small initialization it
 * pushes all a_i up together and distorts the implicit bias towards low-rank A.
 * @example specialSequences({ length: 7 }) // [[0, 0, 0, 0, 0, 1, 0]]
 */
export function specialSequences(options: SequenceOptions): Matrix {
  return supported('specialSequences', options, (L) => [L - 2])
}
