/**
 * ℓp regression with an overparameterized (deep linear) predictor, the setting of "On the
 * optimization of deep networks: implicit acceleration by overparameterization" (Arora, Cohen,
 * Hazan 2018, Section 8).
 */
import { Matrix, assertFinite, assertKnownOptions, resolveRng, toMatrix, toVector, type History } from '@theoryml/core'
import type { StopReason } from '@theoryml/core'
import { toFlat } from './dense'
import { initDeepLinear, toWeights } from './deep-linear'
import { runDeepLinear, type DeepFactorizationOptions } from './factorization'

/** Options of {@link lpRegression}. */
export interface LpRegressionOptions extends Omit<DeepFactorizationOptions, 'shape' | 'topK' | 'record'> {
  /** Design matrix, n × d. */
  X: Matrix | readonly (readonly number[])[]
  /** Targets, length n. */
  y: readonly number[] | Float64Array
  /** Exponent p ≥ 1 of the loss (default 2). */
  p?: number
  /**
   * Depth N ≥ 1 of the predictor w = W_N⋯W₁ (default 2). Hidden width 1 by default: depth 2 is the
   * paper's overparameterization of w by a single scalar, w = w₂·w₁.
   */
  depth?: number
}

/** What {@link lpRegression} returns. */
export interface LpRegressionResult {
  /** The trained layers W₁ … W_N (W_N is 1 × width). */
  weights: Matrix[]
  /** The end-to-end linear predictor w = W_N⋯W₁ (length d). */
  w: Float64Array
  /** Columns step, loss. */
  history: History
  steps: number
  stoppedBy: StopReason
}

/**
 * Defaults of {@link lpRegression}, in one place: ℓ2, depth 2 with a scalar hidden layer, balanced
 * init of norm 1e-3.
 * @example LP_REGRESSION_DEFAULTS.width // 1
 */
export const LP_REGRESSION_DEFAULTS = { p: 2, depth: 2, width: 1, init: 'balanced', scale: 1e-3 } as const

/**
 * ℓp loss of a linear predictor: L(w) = (1/(n·p)) Σ_i |x_iᵀw − y_i|^p, and its gradient
 * ∇L(w) = (1/n) Σ_i |r_i|^{p−1} sign(r_i) x_i (r = Xw − y), written into `grad` when given.
 * @example lpLoss([[1, 0], [0, 1]], [1, 1], [0, 0], 4) // (1 + 1)/(2·4) = 0.25
 */
export function lpLoss(X: Matrix | readonly (readonly number[])[], y: readonly number[] | Float64Array, w: readonly number[] | Float64Array, p: number, grad?: Float64Array): number {
  const Xm = toMatrix('X', X)
  const yv = toVector('y', y, Xm.rows)
  const wv = toVector('w', w, Xm.columns)
  checkP(p)
  if (grad !== undefined && grad.length !== Xm.columns) throw new Error(`grad: expected length ${Xm.columns}, got ${grad.length}`)
  return lpLossFlat(toFlat(Xm), yv, Xm.rows, Xm.columns, wv, p, grad ?? new Float64Array(Xm.columns))
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
    else ap1 = Math.pow(a, p - 1)
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
 * be compared from the same start. History columns: step, loss.
 * @example const { w, history } = lpRegression({ X, y, p: 4, depth: 2, lr: 1e-2, steps: 1000 })
 */
export function lpRegression(options: LpRegressionOptions): LpRegressionResult {
  assertKnownOptions('lpRegression', options, ['X', 'y', 'p', 'depth', 'width', 'init', 'scale', 'initialWeights', 'optimizer', 'lr', 'steps', 'every', 'stopAtLoss', 'onProgress', 'rng'])
  if (!options || typeof options !== 'object') throw new Error('lpRegression: expected an options object { X, y, p, depth, … }')
  const X = toMatrix('X', options.X)
  const n = X.rows
  const d = X.columns
  const y = toVector('y', options.y, n)
  const p = options.p ?? LP_REGRESSION_DEFAULTS.p
  checkP(p)
  let layers: Matrix[]
  if (options.initialWeights !== undefined) {
    layers = runInitCheck(options.initialWeights, d)
  } else {
    const depth = options.depth ?? LP_REGRESSION_DEFAULTS.depth
    const width = options.width ?? LP_REGRESSION_DEFAULTS.width
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth: expected an integer ≥ 1, got ${String(depth)}`)
    if (!Number.isInteger(width) || width < 1) throw new Error(`width: expected an integer ≥ 1, got ${String(width)}`)
    const dims = [d, ...Array.from({ length: depth - 1 }, () => width), 1]
    const init = options.init ?? LP_REGRESSION_DEFAULTS.init
    layers = initDeepLinear({ dims, init, scale: options.scale ?? LP_REGRESSION_DEFAULTS.scale, rng: resolveRng(options.rng) })
  }
  const Xf = toFlat(X)
  const run = runDeepLinear(options, layers, (kernel, ws, grads) => kernel.denseLossAndGrad(ws, grads, (P, G) => lpLossFlat(Xf, y, n, d, P, p, G)), null, false)
  return { weights: run.weights, w: Float64Array.from(run.product.getRow(0)), history: run.history, steps: run.steps, stoppedBy: run.stoppedBy }
}

function runInitCheck(initialWeights: NonNullable<LpRegressionOptions['initialWeights']>, d: number): Matrix[] {
  const ws = toWeights('initialWeights', initialWeights).map((w) => w.clone())
  const first = ws[0] as Matrix
  const last = ws[ws.length - 1] as Matrix
  if (first.columns !== d) throw new Error(`initialWeights[0]: expected ${d} columns (the features), got ${first.columns}`)
  if (last.rows !== 1) throw new Error(`initialWeights[${ws.length - 1}]: expected 1 row (a scalar output), got ${last.rows}`)
  return ws
}
