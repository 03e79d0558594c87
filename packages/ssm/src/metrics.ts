import { assertFiniteArray, assertInteger, assertKnownOptions, dmath, resolveRng, type Rng, type VectorLike } from '@theoryml/core'
import { assertSsm, impulseInto, type DiagonalSsm } from './ssm'

/** Options of {@link extrapolationError}. */
export interface ExtrapolationOptions {
  /** Horizon: impulse response entries k(0 … length−1), sequences of this length (default 40). */
  length?: number
  /** Number of Gaussian test sequences for the sequence-level error (default 256). */
  samples?: number
  /** Seed or stream for the test sequences (default seed 0). */
  rng?: Rng | number
}

/** What {@link extrapolationError} returns. */
export interface ExtrapolationError {
  /** Relative ℓ∞ error of the impulse response: max_j |k(j) − k*(j)| / max_j |k*(j)|, j < length. */
  impulse: number
  /** Relative ℓ₂ error on Gaussian sequences x ~ N(0, I_L): ‖ŷ − y*‖₂ / ‖y*‖₂. */
  sequence: number
}

/**
 * How well a student extrapolates the teacher beyond the training length (Slutzky et al., Sec. 4.2):
 * the relative ℓ∞ error of the impulse response, max_{j<length} |k(j) − k*(j)| / max_{j<length} |k*(j)|,
 * and the sequence-level relative ℓ₂ error ‖ŷ − y*‖ / ‖y*‖ over Gaussian sequences of that length.
 * @example extrapolationError(student, lowDimTeacher(1), { length: 40 }).impulse
 */
export function extrapolationError(student: DiagonalSsm, teacher: DiagonalSsm, options: ExtrapolationOptions = {}): ExtrapolationError {
  assertSsm('student', student)
  assertSsm('teacher', teacher)
  const { length, samples } = extrapolationSettings('extrapolationError', options, 256)
  const k = new Float64Array(length)
  const ks = new Float64Array(length)
  impulseInto(student.a, student.b, student.c, length, k)
  impulseInto(teacher.a, teacher.b, teacher.c, length, ks)
  const impulse = impulseErrorOf(k, ks, length)
  const rng = resolveRng(options.rng)
  let num = 0
  let den = 0
  for (let s = 0; s < samples; s++) {
    let y = 0
    let ys = 0
    for (let j = 0; j < length; j++) {
      const x = rng.normal()
      y += x * (k[j] as number)
      ys += x * (ks[j] as number)
    }
    num += (y - ys) * (y - ys)
    den += ys * ys
  }
  const sequence = Math.sqrt(num) / Math.sqrt(den)
  if (!Number.isFinite(impulse)) throw new Error(`student: the impulse response is not finite up to length ${length} (max|a_i| > 1?)`)
  return { impulse, sequence }
}

/**
 * Internal: the option checks of the extrapolation measures (`extrapolationError` and the tfjs
 * entry's `networkExtrapolationError`, named `fn`): only `length`, `samples` and `rng`; `length`
 * (default 40) and `samples` (default `defaultSamples`) positive integers.
 */
export function extrapolationSettings(fn: string, options: ExtrapolationOptions, defaultSamples: number): { length: number; samples: number } {
  assertKnownOptions(fn, options, ['length', 'samples', 'rng'])
  const length = options.length ?? 40
  assertInteger('length', length, { min: 1 })
  const samples = options.samples ?? defaultSamples
  assertInteger('samples', samples, { min: 1 })
  return { length, samples }
}

/** max_j |k(j) − k*(j)| / max_j |k*(j)| over j < length (hot path). */
export function impulseErrorOf(k: Float64Array, ks: Float64Array, length: number): number {
  let num = 0
  let den = 0
  for (let j = 0; j < length; j++) {
    num = Math.max(num, Math.abs((k[j] as number) - (ks[j] as number)))
    den = Math.max(den, Math.abs(ks[j] as number))
  }
  return num / den
}

/**
 * Effective rank of A = diag(a) (Roy & Vetterli): exp(H(p)) with p_i = |a_i| / Σ_j |a_j| and
 * H(p) = −Σ p_i ln p_i; 1 for one non-zero entry, d for equal magnitudes.
 * @example effectiveRankOfA([1, 0, 0]) // 1
 */
export function effectiveRankOfA(a: VectorLike): number {
  if (!a || typeof (a as ArrayLike<number>).length !== 'number') throw new Error('a: expected a vector (number[] or Float64Array)')
  assertFiniteArray('a', a)
  if (a.length === 0) throw new Error('a: expected a non-empty vector (d = 0)')
  let total = 0
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i] as number)
  if (total === 0) throw new Error('a: effective rank is undefined for a = 0')
  let h = 0
  for (let i = 0; i < a.length; i++) {
    const p = Math.abs(a[i] as number) / total
    if (p > 0) h -= p * dmath.log(p)
  }
  return dmath.exp(h)
}
