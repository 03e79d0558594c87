import {
  Matrix,
  TRAINER_OPTION_KEYS,
  assertKnownOptions,
  resolveOptimizer,
  trainerLoop,
  type MatrixLike,
  type OptimizerName,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from '@theoryml/core'
import { FiniteHorizonKernel } from './cost'
import { assertSystem, controllerFromRow, controllerToRow, toStates, type LqrSystem } from './system'

/**
 * Defaults of {@link policyGradient} (the paper's): plain gradient descent with learning rate 1e-3
 * for 10⁵ steps from K₀ = 0.
 */
export const POLICY_GRADIENT_DEFAULTS: Readonly<{ optimizer: OptimizerName; lr: number; steps: number }> = Object.freeze({
  optimizer: 'gd',
  lr: 1e-3,
  steps: 100_000,
})

/** What `record`, `onStep` and `stopWhen` see in {@link policyGradient}. */
export interface PolicyGradientState extends TrainerState {
  /** The current controller, in the system's convention (a fresh copy at each read). */
  readonly K: Matrix
  /** ∂J/∂K at the current controller, in the system's convention (a fresh copy at each read). */
  readonly grad: Matrix
  /** ‖∂J/∂K‖_F at the current controller, e.g. `stopWhen: (s) => s.gradNorm <= 1e-10`. */
  readonly gradNorm: number
}

/** Options of {@link policyGradient}: the common trainer options plus the problem. */
export interface PolicyGradientOptions extends Omit<TrainerOptions<PolicyGradientState>, 'rng'> {
  system: LqrSystem
  /** Initial states trained on, one per row. */
  trainStates: MatrixLike
  /** Initial controller K₀ in the system's convention (default 0, the paper's). */
  initial?: MatrixLike
}

/** What {@link policyGradient} returns. */
export interface PolicyGradientResult extends TrainerResult {
  /** The learned controller, in the system's convention. */
  K: Matrix
}

function toRowMatrix(v: Float64Array, n: number, m: number): Matrix {
  const K = new Matrix(n, m)
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) K.set(i, k, v[i * m + k] as number)
  return K
}

/**
 * Policy gradient on the finite-horizon LQR cost of the training states (the paper's training):
 * K_{t+1} = K_t − η ∇J(K_t; X_train) with the exact BPTT gradient (see finiteHorizonCostAndGrad),
 * J(K; X) = (1/|X|) Σ_{x₀∈X} Σ_{h=0}^{H} x_h Q x_hᵀ + u_h R u_hᵀ, u_h = x_h K. Speaks core's trainer
 * vocabulary (optimizer + lr or a spec, steps, every, record, onStep, stopAtLoss, stopWhen, signal;
 * defaults in {@link POLICY_GRADIENT_DEFAULTS}); the history's `loss` is the training cost. Throws a
 * DivergenceError naming the step if the cost blows up; allocates nothing per step (the state's `K`
 * and `grad` are built only when read).
 * @example
 * const { K, stoppedBy } = policyGradient({ system: shiftSystem(5), trainStates: [[1, 0, 0, 0, 0]], lr: 1e-3, steps: 1e5, stopWhen: (s) => s.gradNorm <= 1e-10 })
 */
export function policyGradient(options: PolicyGradientOptions): PolicyGradientResult {
  assertKnownOptions('policyGradient', options, ['system', 'trainStates', 'initial', ...TRAINER_OPTION_KEYS.filter((k) => k !== 'rng')])
  const { system } = options
  assertSystem(system)
  const n = system.stateDim
  const m = system.controlDim
  const X0 = toStates(system, options.trainStates, 'trainStates')
  const K0 = options.initial === undefined ? new Matrix(n, m) : controllerToRow(system, options.initial, 'initial')
  const optimizer = resolveOptimizer(options, POLICY_GRADIENT_DEFAULTS)
  const loop = trainerLoop<PolicyGradientState>(options, { steps: POLICY_GRADIENT_DEFAULTS.steps })
  const kernel = new FiniteHorizonKernel(system, X0)
  const K = new Float64Array(n * m)
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) K[i * m + k] = K0.get(i, k)
  const G = new Float64Array(n * m)
  const params = { K }
  const grads = { K: G }
  let gradNorm = NaN
  const state: PolicyGradientState = {
    step: 0,
    loss: NaN,
    get K() { return controllerFromRow(system, toRowMatrix(K, n, m)) },
    get grad() { return controllerFromRow(system, toRowMatrix(G, n, m)) },
    get gradNorm() { return gradNorm },
  }
  for (; ; state.step++) {
    state.loss = kernel.evaluate(K, G)
    let sq = 0
    for (let i = 0; i < G.length; i++) sq += (G[i] as number) * (G[i] as number)
    gradNorm = Math.sqrt(sq)
    if (loop.stop(state)) break
    optimizer.step(params, grads)
  }
  return { K: controllerFromRow(system, toRowMatrix(K, n, m)), ...loop.result() }
}
