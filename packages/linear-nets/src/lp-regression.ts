/**
 * ℓp regression with an overparameterized (deep linear) predictor, the setting of "On the
 * optimization of deep networks: implicit acceleration by overparameterization" (Arora, Cohen,
 * Hazan 2018, Section 8).
 */
import { assertFinite, assertKnownOptions, dmath, Matrix, type MatrixLike, toMatrix, toVector, TRAINER_OPTION_KEYS, type TrainerResult } from '@theoryml/core'
import { toFlat } from '@theoryml/core'
import type { DeepLinearInit } from './deep-linear'
import { FACTORIZATION_DEFAULTS, initialLayers, runDeepLinear, type DeepFactorizationOptions } from './factorization'

/** Options of {@link lpRegression}: the common trainer options plus the data and the net. */
export interface LpRegressionOptions extends Omit<DeepFactorizationOptions, 'shape' | 'topK'> {
  /** Design matrix, n × d. */
  X: MatrixLike
  /** Targets, length n. */
  y: readonly number[] | Float64Array
  /** Exponent p ≥ 1 of the loss (default 2). */
  p?: number
  /**
   * Depth N ≥ 1 of the predictor w = W_N⋯W₁ (default 2). Hidden width 1 by default: depth 2 is the
   * paper's overparameterization of w by a single scalar, w = w₂·w₁.
   */
  depth?: number
  /** Initialization scheme (default 'balanced': every depth starts from the same end-to-end w). */
  init?: DeepLinearInit
  /** Explicit initial layers W₁ … W_N (W₁ has d columns, W_N one row), instead of depth, width, init and scale. */
  initial?: readonly MatrixLike[]
}

/** What {@link lpRegression} returns. */
export interface LpRegressionResult extends TrainerResult {
  /** The trained layers W₁ … W_N (W_N is 1 × width). */
  weights: Matrix[]
  /** The end-to-end linear predictor w = W_N⋯W₁ (length d). */
  w: Float64Array
}

/**
 * Defaults of {@link lpRegression}, in one place: ℓ2, depth 2 with a scalar hidden layer, balanced
 * init of norm 1e-3, gradient descent with lr 1e-2, 1000 steps.
 * @example LP_REGRESSION_DEFAULTS.width // 1
 */
export const LP_REGRESSION_DEFAULTS = {
  p: 2,
  depth: 2,
  width: 1,
  init: 'balanced',
  scale: 1e-3,
  optimizer: FACTORIZATION_DEFAULTS.optimizer,
  lr: FACTORIZATION_DEFAULTS.lr,
  steps: FACTORIZATION_DEFAULTS.steps,
} as const

/**
 * ℓp loss of a linear predictor: L(w) = (1/(n·p)) Σ_i |x_iᵀw − y_i|^p.
 * @example lpLoss([[1, 0], [0, 1]], [1, 1], [0, 0], 4) // (1 + 1)/(2·4) = 0.25
 */
export function lpLoss(X: MatrixLike, y: readonly number[] | Float64Array, w: readonly number[] | Float64Array, p: number): number {
  return lpLossAndGrad(X, y, w, p).loss
}

/**
 * ℓp loss of a linear predictor and its gradient: L(w) = (1/(n·p)) Σ_i |x_iᵀw − y_i|^p,
 * ∇L(w) = (1/n) Σ_i |r_i|^{p−1} sign(r_i) x_i with r = Xw − y.
 * @example lpLossAndGrad([[1, 0], [0, 1]], [1, 1], [0, 0], 4) // { loss: 0.25, grad: [−0.5, −0.5] }
 */
export function lpLossAndGrad(X: MatrixLike, y: readonly number[] | Float64Array, w: readonly number[] | Float64Array, p: number): { loss: number; grad: Float64Array } {
  const Xm = toMatrix('X', X)
  const yv = toVector('y', y, Xm.rows)
  const wv = toVector('w', w, Xm.columns)
  checkP(p)
  const grad = new Float64Array(Xm.columns)
  const loss = lpLossFlat(toFlat(Xm), yv, Xm.rows, Xm.columns, wv, p, grad)
  return { loss, grad }
}

function checkP(p: unknown): asserts p is number {
  assertFinite('p', p)
  if (p < 1) throw new Error(`p: expected p ≥ 1, got ${p}`)
}

function lpLossFlat(X: Float64Array, y: Float64Array, n: number, d: number, w: Float64Array, p: number, grad: Float64Array): number {
  grad.fill(0)
  let loss = 0
  for (let i = 0; i < n; i++) {
    const off = i * d
    let r = -(y[i] as number)
    for (let j = 0; j < d; j++) r += (X[off + j] as number) * (w[j] as number)
    const a = Math.abs(r)
    // |r|^p and |r|^{p−1} sign(r), with the common exponents done by multiplication.
    let ap1: number
    if (p === 2) ap1 = a
    else if (p === 4) ap1 = a * a * a
    else ap1 = dmath.pow(a, p - 1)
    loss += ap1 * a
    const c = (r < 0 ? -ap1 : ap1) / n
    if (c !== 0) for (let j = 0; j < d; j++) grad[j] = (grad[j] as number) + c * (X[off + j] as number)
  }
  return loss / (n * p)
}

/**
 * Train a depth-N linear predictor w = W_N⋯W₁ on the ℓp loss L(w) = (1/(n·p)) Σ |x_iᵀw − y_i|^p by
 * gradient descent on the layers (or another optimizer). With the default balanced initialization
 * the initial end-to-end w is the same random vector of norm `scale` for every depth, so depths can
 * be compared from the same start. History columns: step, loss, then the `record` columns, each a
 * function of the DeepLinearState (its `product` is w as a 1 × d matrix). Defaults:
 * {@link LP_REGRESSION_DEFAULTS}.
 * @example const { w, history, stoppedBy } = lpRegression({ X, y, p: 4, depth: 2, optimizer: 'gd', lr: 1e-2, steps: 1000, record: { norm: (s) => s.product.norm('frobenius') } })
 */
export function lpRegression(options: LpRegressionOptions): LpRegressionResult {
  assertKnownOptions('lpRegression', options, ['X', 'y', 'p', 'depth', 'width', 'init', 'scale', 'initial', ...TRAINER_OPTION_KEYS])
  if (!options || typeof options !== 'object') throw new Error('lpRegression: expected an options object { X, y, p, depth, … }')
  const X = toMatrix('X', options.X)
  const n = X.rows
  const d = X.columns
  const y = toVector('y', options.y, n)
  const p = options.p ?? LP_REGRESSION_DEFAULTS.p
  checkP(p)
  const layers = initialLayers(options, [1, d], LP_REGRESSION_DEFAULTS)
  const Xf = toFlat(X)
  const run = runDeepLinear(options, layers, (kernel, ws, grads) => kernel.denseLossAndGrad(ws, grads, (P, G) => lpLossFlat(Xf, y, n, d, P, p, G)), { relErrorOf: null, topK: null })
  return { weights: run.weights, w: Float64Array.from(run.product.getRow(0)), history: run.history, steps: run.steps, stoppedBy: run.stoppedBy }
}
