import { Matrix, assertKnownOptions, assertPositive, createOptimizer, train, type History, type MatrixLike, type Optimizer, type OptimizerSpec } from '@theoryml/core'
import { FiniteHorizonKernel } from './cost'
import { assertSystem, controllerFromRow, controllerToRow, toStates, type LqrSystem } from './system'

/** Options of {@link policyGradient}. */
export interface PolicyGradientOptions {
  system: LqrSystem
  /** Initial states trained on, one per row. */
  trainStates: MatrixLike
  /** Initial controller in the system's convention (default 0, the paper's). */
  K0?: MatrixLike
  /** 'gd' (default, the paper's), 'momentum', 'adam', an optimizer spec or a core Optimizer. */
  optimizer?: 'gd' | 'momentum' | 'adam' | OptimizerSpec | Optimizer
  /** Learning rate (default 1e-3, the paper's) when `optimizer` is a name. */
  lr?: number
  /** Number of gradient steps (default 1e5, the paper's). */
  steps?: number
  /** Extra columns recorded in the history: each gets the current K (system's convention) and step. */
  record?: Record<string, (K: Matrix, step: number) => number>
  /** Record every `every` steps (default steps/100). */
  every?: number
  /** Stop early once ‖∇J‖_F ≤ gradTol (default 0: run all steps). */
  gradTol?: number
}

/** What {@link policyGradient} returns. */
export interface PolicyGradientResult {
  /** The learned controller, in the system's convention. */
  K: Matrix
  /** Columns `step`, `loss` (the training cost J(K; trainStates)) and the recorded extras. */
  history: History
}

function toRowMatrix(v: Float64Array, n: number, m: number): Matrix {
  const K = new Matrix(n, m)
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) K.set(i, k, v[i * m + k] as number)
  return K
}

/**
 * Policy gradient on the finite-horizon LQR cost of the training states (the paper's training):
 * K_{t+1} = K_t − η ∇J(K_t; X_train) with the exact BPTT gradient (see finiteHorizonCostAndGradient),
 * J(K; X) = (1/|X|) Σ_{x₀∈X} Σ_{h=0}^{H} x_h Q x_hᵀ + u_h R u_hᵀ, u_h = x_h K. Uses core's train loop
 * (throws a DivergenceError naming the step if the cost blows up); no allocation per step.
 * With `gradTol` it stops at the first step where ‖∇J‖_F ≤ gradTol.
 * @example const { K, history } = policyGradient({ system: shiftSystem(5), trainStates: [[1, 0, 0, 0, 0]], lr: 1e-3, steps: 1e5 })
 */
export function policyGradient(options: PolicyGradientOptions): PolicyGradientResult {
  assertKnownOptions('policyGradient', options, ['system', 'trainStates', 'K0', 'optimizer', 'lr', 'steps', 'record', 'every', 'gradTol'])
  const { system } = options
  assertSystem(system)
  const n = system.stateDim
  const m = system.controlDim
  const X0 = toStates(system, options.trainStates, 'trainStates')
  const K0 = options.K0 === undefined ? new Matrix(n, m) : controllerToRow(system, options.K0, 'K0')
  const lr = options.lr ?? 1e-3
  assertPositive('lr', lr)
  const steps = options.steps ?? 100_000
  const spec = options.optimizer ?? 'gd'
  let optimizer: Optimizer
  if (typeof spec === 'string') {
    if (spec !== 'gd' && spec !== 'momentum' && spec !== 'adam') throw new Error(`optimizer: expected 'gd', 'momentum', 'adam', a spec or an Optimizer, got '${spec}'`)
    optimizer = createOptimizer({ type: spec, lr })
  } else {
    optimizer = createOptimizer(spec)
  }
  const gradTol = options.gradTol ?? 0
  assertPositive('gradTol', gradTol, true)
  const kernel = new FiniteHorizonKernel(system, X0)
  const K = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) K[i * m + k] = K0.get(i, k)
  const record: Record<string, (s: { step: number; params: Record<string, Float64Array> }) => number> = {}
  for (const [name, fn] of Object.entries(options.record ?? {})) {
    if (typeof fn !== 'function') throw new Error(`record.${name}: expected a function (K, step) => number`)
    record[name] = (s) => fn(controllerFromRow(system, toRowMatrix(s.params.K as Float64Array, n, m)), s.step)
  }
  const { history } = train({
    params: { K },
    optimizer,
    steps,
    ...(options.every !== undefined ? { every: options.every } : {}),
    lossAndGrad: (p, g) => kernel.evaluate(p.K as Float64Array, g.K as Float64Array),
    record,
    ...(gradTol > 0
      ? {
          stopWhen: (s: { grad: Record<string, Float64Array> }) => {
            const g = s.grad.K as Float64Array
            let sq = 0
            for (let i = 0; i < g.length; i++) sq += (g[i] as number) * (g[i] as number)
            return Math.sqrt(sq) <= gradTol
          },
        }
      : {}),
  })
  return { K: controllerFromRow(system, toRowMatrix(K, n, m)), history }
}
