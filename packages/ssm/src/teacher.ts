import { assertInteger, assertKnownOptions, type VectorLike } from '@theoryml/core'
import { diagonalSsm, type DiagonalSsm } from './ssm'

/** A teacher is a diagonal SSM whose outputs are the (clean) labels. */
export type Teacher = DiagonalSsm

/** Options of {@link lowDimTeacher}. */
export interface LowDimTeacherOptions {
  /** Input vector B* (default all ones). */
  b?: VectorLike
  /** Output vector C* (default all ones). */
  c?: VectorLike
}

/**
 * A low-dimensional teacher of state dimension dTeacher: A* = diag(1, 0, …, 0), B* = C* = (1, …, 1)
 * unless given. Its impulse response is k*(0) = Σ_i c*_i b*_i and k*(j) = c*_1 b*_1 = 1 for j ≥ 1
 * (with the default b*, c*). dTeacher = 1 gives A* = B* = C* = 1, the teacher of the paper's
 * experiments beyond Theorem 1 (Slutzky et al., Sec. 4.2).
 * @example impulseResponse(lowDimTeacher(1), 4) // Float64Array [1, 1, 1, 1]
 */
export function lowDimTeacher(dTeacher: number, options: LowDimTeacherOptions = {}): Teacher {
  assertInteger('dTeacher', dTeacher, { min: 1 })
  assertKnownOptions('lowDimTeacher', options, ['b', 'c'])
  const a = new Float64Array(dTeacher)
  a[0] = 1
  const ones = new Float64Array(dTeacher).fill(1)
  return diagonalSsm({ a, b: options.b ?? ones, c: options.c ?? ones })
}

/**
 * The teacher of Theorem 1 (Slutzky et al.) for a student of dimension d ≥ 2: A* = diag(1, 0),
 * B* = C*ᵀ = (1, √(d−1)); impulse response k*(0) = 1 + (d−1) = d, k*(j) = 1 for j ≥ 1.
 * @example impulseResponse(theoremTeacher(10), 3) // Float64Array [10, 1, 1]
 */
export function theoremTeacher(studentDim: number): Teacher {
  assertInteger('studentDim', studentDim, { min: 2 })
  const s = Math.sqrt(studentDim - 1)
  return lowDimTeacher(2, { b: [1, s], c: [1, s] })
}

/**
 * A teacher SSM from its parameters (a diagonal SSM whose outputs label the data): A* = diag(a),
 * B* = b, C* = c, impulse response k*(j) = Σ_i c_i b_i a_i^j.
 * @example const t = teacher({ a: [1, 0], b: [1, 3], c: [1, 3] }) // = theoremTeacher(10)
 */
export function teacher(params: { a: VectorLike; b: VectorLike; c: VectorLike }): Teacher {
  return diagonalSsm(params)
}
