// Public functions and the argument each case varies: shared by the fast-check properties
// (validation.property.test.ts) and the issue-21 probe (scripts/probe/issue21.ts). A case calls the
// function with one argument replaced by `value` (the others valid) and says whether a returned
// result is well formed (finite, of the expected shape).
import {
  adam, createRng, effectiveRank, expm, frobeniusNorm, gd, inverse, Matrix, momentum, ndarray, nuclearNorm, relativeError,
  singularValues, solve, solveDiscreteLyapunov, svd, symmetricPower, toMatrix, toVector, zeros,
} from '@theoryml/core'
import { fromEdges, walkCounts, walkIndex } from '@theoryml/gnn-walk-index'
import { lowRankMatrix } from '@theoryml/linear-nets'
import { preferenceLoss } from '@theoryml/preference-opt'
import { aggregate, select, equals, toSequence, tokMap } from '@theoryml/rasp'
import { finiteHorizonCost, identitySystem, lqrSystem, randomSystem } from '@theoryml/rl-lqr'
import { diagonalSsm, impulseResponse } from '@theoryml/ssm'
import { randomCp, unfold } from '@theoryml/tensor-factorization'

export interface ApiCase {
  /** The function (and the error prefix an overflow error may use instead of the argument). */
  fn: string
  /** The argument's name as errors must spell it. */
  arg: string
  /** Call with the argument replaced by `value`. */
  call: (value: unknown) => unknown
  /** A returned result is well formed (finite entries, expected shape). */
  valid: (result: unknown, value: unknown) => boolean
  /** What kind of value the argument is: picks the generators. */
  kind: 'matrix' | 'vector' | 'size' | 'number' | 'shape' | 'sequence'
}

const finiteArray = (a: ArrayLike<number>): boolean => Array.from(a).every(Number.isFinite)
const finiteMatrix = (m: unknown): boolean => Matrix.isMatrix(m) && finiteArray((m as Matrix).to1DArray())
const finiteNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x)
const square = (x: unknown): x is number[][] => Array.isArray(x) && x.length > 0 && x.every((r) => Array.isArray(r) && r.length === x.length)

const graph = fromEdges(4, [[0, 1], [1, 2], [2, 3]])
const ssm = diagonalSsm({ a: [0.5, -0.3], b: [1, 1], c: [1, 2] }, { warn: false })
const system = identitySystem(2)

export const CASES: ApiCase[] = [
  { fn: 'svd', arg: 'A', kind: 'matrix', call: (v) => svd(v as never), valid: (r) => finiteArray((r as { S: Float64Array }).S) && finiteMatrix((r as { U: Matrix }).U) },
  { fn: 'singularValues', arg: 'A', kind: 'matrix', call: (v) => singularValues(v as never), valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'effectiveRank', arg: 'x', kind: 'matrix', call: (v) => effectiveRank(v as never), valid: (r) => finiteNumber(r) && (r as number) >= 0 },
  { fn: 'nuclearNorm', arg: 'A', kind: 'matrix', call: (v) => nuclearNorm(v as never), valid: finiteNumber },
  { fn: 'frobeniusNorm', arg: 'x', kind: 'vector', call: (v) => frobeniusNorm(v as never), valid: finiteNumber },
  { fn: 'expm', arg: 'A', kind: 'matrix', call: (v) => expm(v as never), valid: (r, v) => finiteMatrix(r) && square(v) && (r as Matrix).rows === v.length },
  { fn: 'inverse', arg: 'A', kind: 'matrix', call: (v) => inverse(v as never), valid: finiteMatrix },
  { fn: 'solve', arg: 'A', kind: 'matrix', call: (v) => solve(v as never, Array.from({ length: Array.isArray(v) ? Math.max(v.length, 1) : 2 }, (_, i) => [i + 1])), valid: finiteMatrix },
  { fn: 'symmetricPower', arg: 'S', kind: 'matrix', call: (v) => symmetricPower(v as never, 0.5), valid: finiteMatrix },
  { fn: 'solveDiscreteLyapunov', arg: 'A', kind: 'matrix', call: (v) => { const n = Array.isArray(v) ? Math.max(v.length, 1) : 2; return solveDiscreteLyapunov(v as never, Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))) }, valid: finiteMatrix },
  { fn: 'relativeError', arg: 'estimate', kind: 'matrix', call: (v) => relativeError(v as never, [[1, 2], [3, 4]]), valid: finiteNumber },
  { fn: 'toMatrix', arg: 'M', kind: 'matrix', call: (v) => toMatrix('M', v), valid: finiteMatrix },
  { fn: 'toVector', arg: 'v', kind: 'vector', call: (v) => toVector('v', v), valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'ndarray', arg: 'shape', kind: 'shape', call: (v) => ndarray(new Float64Array(6), v as never), valid: (r) => finiteArray((r as { data: Float64Array }).data) },
  { fn: 'zeros', arg: 'shape', kind: 'shape', call: (v) => zeros(v as never), valid: (r) => finiteArray((r as { data: Float64Array }).data) },
  { fn: 'permutation', arg: 'n', kind: 'size', call: (v) => createRng(0).permutation(v as number), valid: (r, v) => Array.isArray(r) && r.length === v },
  { fn: 'normal', arg: 'std', kind: 'number', call: (v) => createRng(0).normal(0, v as number), valid: finiteNumber },
  { fn: 'int', arg: 'n', kind: 'size', call: (v) => createRng(0).int(v as number), valid: finiteNumber },
  { fn: 'gd', arg: 'lr', kind: 'number', call: (v) => gd({ lr: v as number }), valid: (r) => typeof (r as { step?: unknown }).step === 'function' },
  { fn: 'momentum', arg: 'beta', kind: 'number', call: (v) => momentum({ lr: 0.1, beta: v as number }), valid: (r) => typeof (r as { step?: unknown }).step === 'function' },
  { fn: 'adam', arg: 'beta1', kind: 'number', call: (v) => adam({ lr: 0.1, beta1: v as number }), valid: (r) => typeof (r as { step?: unknown }).step === 'function' },
  { fn: 'gd.step', arg: 'grads', kind: 'vector', call: (v) => { const p = { w: new Float64Array(3) }; gd({ lr: 0.1 }).step(p, { w: v as Float64Array }); return p.w }, valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'fromEdges', arg: 'numNodes', kind: 'size', call: (v) => fromEdges(v as number, []), valid: (r, v) => (r as { numNodes: number }).numNodes === v },
  { fn: 'walkCounts', arg: 'length', kind: 'size', call: (v) => walkCounts(graph, v as number), valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'walkIndex', arg: 'length', kind: 'size', call: (v) => walkIndex(graph, [0, 1], { length: v as number }), valid: finiteNumber },
  { fn: 'lowRankMatrix', arg: 'shape', kind: 'shape', call: (v) => lowRankMatrix({ shape: v as never, rank: 1 }), valid: finiteMatrix },
  { fn: 'lowRankMatrix', arg: 'rank', kind: 'size', call: (v) => lowRankMatrix({ shape: [4, 5], rank: v as number }), valid: finiteMatrix },
  { fn: 'randomSystem', arg: 'n', kind: 'size', call: (v) => randomSystem(v as number, 1), valid: (r) => finiteMatrix((r as { A: Matrix }).A) },
  { fn: 'lqrSystem', arg: 'A', kind: 'matrix', call: (v) => lqrSystem({ A: v as never, B: [[1]], horizon: 3 }), valid: (r) => finiteMatrix((r as { A: Matrix }).A) },
  { fn: 'finiteHorizonCost', arg: 'K', kind: 'matrix', call: (v) => finiteHorizonCost(system, v as never, [[1, 0]]), valid: finiteNumber },
  { fn: 'impulseResponse', arg: 'length', kind: 'size', call: (v) => impulseResponse(ssm, v as number), valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'diagonalSsm', arg: 'a', kind: 'vector', call: (v) => { const ones = Array((v as { length?: number })?.length ?? 2).fill(1); return impulseResponse(diagonalSsm({ a: v as never, b: ones, c: ones }, { warn: false }), 50) }, valid: (r) => finiteArray(r as Float64Array) },
  { fn: 'preferenceLoss', arg: 'policyChosenLogps', kind: 'vector', call: (v) => preferenceLoss({ policyChosenLogps: v as never, policyRejectedLogps: [-1, -2], refChosenLogps: [-1, -1], refRejectedLogps: [-1, -1] }, 'ipo'), valid: (r) => finiteNumber((r as { loss: number }).loss) },
  { fn: 'randomCp', arg: 'shape', kind: 'shape', call: (v) => randomCp(v as never, 2, 0), valid: (r) => (r as { factors: Matrix[] }).factors.every(finiteMatrix) },
  { fn: 'unfold', arg: 'rowModes', kind: 'size', call: (v) => unfold(zeros([2, 3, 4]), [v as number]), valid: finiteMatrix },
  { fn: 'toSequence', arg: 'x', kind: 'sequence', call: (v) => toSequence('x', v), valid: (r) => r instanceof Int32Array },
  { fn: 'tokMap', arg: 'x', kind: 'sequence', call: (v) => tokMap(v as never, (t) => t + 1), valid: (r) => r instanceof Int32Array },
  { fn: 'select', arg: 'keys', kind: 'sequence', call: (v) => select(v as never, v as never, equals), valid: (r) => (r as { matrix: Uint8Array }).matrix instanceof Uint8Array },
  { fn: 'aggregate', arg: 'values', kind: 'sequence', call: (v) => aggregate(select([1, 2], [1, 2], equals), v as never, { reduction: 'max' }), valid: (r) => r instanceof Int32Array },
]

/** Whether an error message names the case's argument (or, for an overflow or instability, the function). */
export function namesArgument(c: ApiCase, message: string): boolean {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^\\w])${esc(c.arg)}([^\\w]|$)`).test(message) || new RegExp(`^${esc(c.fn.split('.')[0] as string)}\\b`).test(message)
}
