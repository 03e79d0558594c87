import type * as TF from '@tensorflow/tfjs'
import type { MlpPolicy } from './pendulum-float64'
import { assertFinite, assertInteger, assertKnownOptions, assertPositive, resolveRng, toMatrix, type MatrixLike, type OptimizerSpec, type Rng } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'

/** A controlled pendulum (the paper's swing-up task), state (θ, ω), control a torque u. */
export interface Pendulum {
  /** Time step (0.05). */
  readonly dt: number
  /** Gravity g (10). */
  readonly gravity: number
  /** Mass m (1). */
  readonly mass: number
  /** Rod length l (1). */
  readonly length: number
  /** Weight c of the control cost c·u² (0, the paper's). */
  readonly controlCost: number
  /** The goal state (π, 0): upright and at rest. */
  readonly target: readonly [number, number]
  readonly stateDim: 2
  readonly controlDim: 1
}

/** Options of {@link pendulum}. */
export interface PendulumOptions {
  dt?: number
  gravity?: number
  mass?: number
  length?: number
  controlCost?: number
}

/**
 * The paper's pendulum: explicit Euler with step dt on θ'' = (u − m g sin θ)/(m l²):
 * θ_{h+1} = θ_h + dt·ω_h, ω_{h+1} = ω_h + dt·(u_h − m g sin θ_h)/(m l²); θ = 0 hangs down, θ = π is
 * upright. Cost per step ‖s_h − (π, 0)‖² + c·u_h², averaged over h = 0 … H and the initial states.
 * Defaults dt = 0.05, g = 10, m = l = 1, c = 0.
 * @example const p = pendulum() // p.dt === 0.05, p.gravity === 10
 */
export function pendulum(options: PendulumOptions = {}): Pendulum {
  assertKnownOptions('pendulum', options, ['dt', 'gravity', 'mass', 'length', 'controlCost'])
  const dt = options.dt ?? 0.05
  const gravity = options.gravity ?? 10
  const mass = options.mass ?? 1
  const length = options.length ?? 1
  const controlCost = options.controlCost ?? 0
  assertPositive('dt', dt)
  assertPositive('gravity', gravity, true)
  assertPositive('mass', mass)
  assertPositive('length', length)
  assertPositive('controlCost', controlCost, true)
  return Object.freeze({ dt, gravity, mass, length, controlCost, target: [Math.PI, 0] as const, stateDim: 2 as const, controlDim: 1 as const })
}

/** An MLP controller u = W_L relu(… relu(s W_1 + b_1) …) + b_L on the tfjs track. */
export interface MlpController {
  /** Layer weights (in × out) and biases (out), as trainable tf variables. */
  readonly weights: TF.Variable[]
  readonly biases: TF.Variable[]
  /** u for a batch of states [N, 2] → [N, 1]. Call inside tf.tidy. */
  apply(states: TF.Tensor2D): TF.Tensor2D
  /** Free the variables. */
  dispose(): void
}

/** Options of {@link mlpController}. */
export interface MlpControllerOptions {
  /** Hidden layer widths (default [50, 50, 50]: the paper's depth 4, width 50). */
  hidden?: number[]
  /** Seed or stream for the initialization (PyTorch's default U(−1/√fan_in, 1/√fan_in)). */
  rng?: Rng | number
  /** Input size (default 2) and output size (default 1). */
  inputs?: number
  outputs?: number
  /** Copy the weights of a float64 policy (mlpPolicy) instead of drawing new ones. */
  policy?: MlpPolicy
}

/**
 * A ReLU MLP state controller on the tfjs track, initialized like PyTorch's nn.Linear
 * (weights and biases U(−1/√fan_in, 1/√fan_in)) from core's seeded RNG — the same draws as
 * mlpPolicy with that seed — or copied from a float64 `policy`.
 * u = W_L relu(… relu(s W_1 + b_1) …) + b_L.
 * @example const ctrl = mlpController(tf, { hidden: [50, 50, 50], rng: 0 })
 */
export function mlpController(tf: typeof TF, options: MlpControllerOptions = {}): MlpController {
  assertKnownOptions('mlpController', options, ['hidden', 'rng', 'inputs', 'outputs', 'policy'])
  const from = options.policy
  const hidden = from ? from.sizes.slice(1, -1) : options.hidden ?? [50, 50, 50]
  if (!Array.isArray(hidden)) throw new Error('hidden: expected an array of layer widths')
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h, { min: 1 }))
  const inputs = from ? (from.sizes[0] as number) : options.inputs ?? 2
  const outputs = from ? (from.sizes[from.sizes.length - 1] as number) : options.outputs ?? 1
  assertInteger('inputs', inputs, { min: 1 })
  assertInteger('outputs', outputs, { min: 1 })
  const rng = resolveRng(options.rng)
  const sizes = [inputs, ...hidden, outputs]
  const weights: TF.Variable[] = []
  const biases: TF.Variable[] = []
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l] as number
    const fanOut = sizes[l + 1] as number
    const bound = 1 / Math.sqrt(fanIn)
    const w = from ? Float32Array.from(from.params[`W${l}`] as Float64Array) : rng.fillUniform(new Float32Array(fanIn * fanOut), -bound, bound)
    const b = from ? Float32Array.from(from.params[`b${l}`] as Float64Array) : rng.fillUniform(new Float32Array(fanOut), -bound, bound)
    if (w.length !== fanIn * fanOut || b.length !== fanOut) throw new Error(`policy: layer ${l} has the wrong size`)
    weights.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, undefined, 'float32'))
    biases.push(tf.variable(tf.tensor1d(b), true, undefined, 'float32'))
  }
  const last = weights.length - 1
  return {
    weights,
    biases,
    apply(states) {
      let h: TF.Tensor2D = states
      for (let l = 0; l <= last; l++) {
        h = tf.fused.matMul({ a: h, b: weights[l] as TF.Tensor2D, bias: biases[l] as TF.Tensor1D, activation: l < last ? 'relu' : 'linear' }) as TF.Tensor2D
      }
      return h
    },
    dispose() {
      for (const v of [...weights, ...biases]) v.dispose()
    },
  }
}

function toStateTensor(tf: typeof TF, states: MatrixLike, name: string): TF.Tensor2D {
  const X = toMatrix(name, states, { columns: 2 })
  return tf.tensor2d(Float32Array.from(X.to1DArray()), [X.rows, 2])
}

/**
 * The mean cost of a rollout as a scalar tensor (differentiable in the controller's variables):
 * (1/(N(H+1))) Σ_i Σ_{h=0}^{H} w_i (‖s_h − target_i‖² + c u_h²), with the pendulum's dynamics.
 * `targets` (N × 2) overrides the goal per state and `stateWeights` (N) reweights them (the paper's
 * non-extrapolating baseline). Call inside tf.tidy.
 * @example const cost = tf.tidy(() => pendulumRolloutCost(tf, pendulum(), ctrl, tf.tensor2d([[3, 0]]), 100))
 */
export function pendulumRolloutCost(
  tf: typeof TF,
  system: Pendulum,
  controller: MlpController,
  states: TF.Tensor2D,
  horizon: number,
  extra: { targets?: TF.Tensor2D; stateWeights?: TF.Tensor1D } = {},
): TF.Scalar {
  const N = states.shape[0]
  const { dt, gravity: g, mass: m, length: l, controlCost } = system
  const lin = tf.tensor2d([1, 0, dt, 1], [2, 2]) // [θ, ω] ↦ [θ + dt ω, ω]
  const pickTheta = tf.tensor2d([1, 0], [2, 1])
  const kick = tf.tensor2d([0, dt / (m * l * l)], [1, 2])
  const target = extra.targets ?? tf.tensor2d([Math.PI, 0], [1, 2])
  let s = states
  const costs: TF.Tensor[] = []
  for (let h = 0; h <= horizon; h++) {
    const u = controller.apply(s)
    let c: TF.Tensor = tf.sum(tf.square(tf.sub(s, target)), 1)
    if (controlCost > 0) c = tf.add(c, tf.mul(controlCost, tf.reshape(tf.square(u), [N])))
    costs.push(c)
    if (h < horizon) {
      const torque = tf.sub(u, tf.mul(m * g, tf.sin(tf.matMul(s, pickTheta))))
      s = tf.add(tf.matMul(s, lin), tf.matMul(torque, kick))
    }
  }
  let perState: TF.Tensor = tf.addN(costs)
  if (extra.stateWeights) perState = tf.mul(perState, extra.stateWeights)
  return tf.div(tf.sum(perState), N * (horizon + 1)) as TF.Scalar
}

/**
 * The mean cost of the controller from `states` over `horizon` steps, as a number (no gradient).
 * @example pendulumCost(tf, pendulum(), ctrl, [[Math.PI - 0.5, 0]], 100)
 */
export function pendulumCost(tf: typeof TF, system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number): number {
  assertInteger('horizon', horizon, { min: 1 })
  return tf.tidy(() => {
    const s = toStateTensor(tf, states, 'states')
    return pendulumRolloutCost(tf, system, controller, s, horizon).dataSync()[0] as number
  })
}

/**
 * The states s_0 … s_H of a rollout from each initial state: result[i][h] = [θ_h, ω_h] (N × (H+1) × 2).
 * @example pendulumTrajectory(tf, pendulum(), ctrl, [[0, 0]], 100)[0] // [[θ₀, ω₀], [θ₁, ω₁], …]
 */
export function pendulumTrajectory(tf: typeof TF, system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number): number[][][] {
  assertInteger('horizon', horizon, { min: 1 })
  const X = toMatrix('states', states, { columns: 2 })
  const out: number[][][] = Array.from({ length: X.rows }, () => [])
  tf.tidy(() => {
    let s = toStateTensor(tf, X, 'states')
    const { dt, gravity: g, mass: m, length: l } = system
    for (let h = 0; h <= horizon; h++) {
      const v = s.arraySync()
      v.forEach((row, i) => out[i]!.push(row))
      if (h < horizon) {
        const u = controller.apply(s)
        const theta = tf.slice(s, [0, 0], [-1, 1])
        const omega = tf.slice(s, [0, 1], [-1, 1])
        const w2 = tf.add(omega, tf.mul(dt / (m * l * l), tf.sub(u, tf.mul(m * g, tf.sin(theta)))))
        s = tf.concat([tf.add(theta, tf.mul(dt, omega)), w2], 1) as TF.Tensor2D
      }
    }
  })
  return out
}

/** Options of {@link trainPendulumController}. */
export interface TrainPendulumOptions {
  system: Pendulum
  controller: MlpController
  /** Initial states (θ, ω), one per row. */
  trainStates: MatrixLike
  /** Horizon H (default 100, the paper's). */
  horizon?: number
  /** Optimizer spec (default { type: 'adam', lr: 1e-3 }; the paper uses SGD 5e-4 over 75k epochs). */
  optimizer?: OptimizerSpec
  /** Number of gradient steps. */
  steps: number
  /** Per-state goal states (default (π, 0) for all). */
  targets?: MatrixLike
  /** Per-state weights of the cost (default 1). */
  stateWeights?: readonly number[]
  /** Record the training cost every `every` steps (default steps/50). */
  every?: number
  /** Called after each recorded step. */
  onProgress?: (step: number, cost: number) => void
}

/**
 * Train an MLP controller by back-propagation through time of the rollout cost
 * (pendulumRolloutCost) with a tfjs optimizer. Each step runs inside tf.tidy; no tensor leaks.
 * Throws naming the step when the cost becomes non-finite. Returns the recorded costs.
 * @example const { history } = trainPendulumController(tf, { system: pendulum(), controller: ctrl, trainStates: [[2.641, 0], [3.641, 0]], steps: 500 })
 */
export function trainPendulumController(tf: typeof TF, options: TrainPendulumOptions): { history: { step: number[]; cost: number[] } } {
  assertKnownOptions('trainPendulumController', options, ['system', 'controller', 'trainStates', 'horizon', 'optimizer', 'steps', 'targets', 'stateWeights', 'every', 'onProgress'])
  const { system, controller } = options
  if (!system || typeof system.dt !== 'number') throw new Error('system: expected a pendulum() system')
  if (!controller || typeof controller.apply !== 'function') throw new Error('controller: expected an mlpController')
  const horizon = options.horizon ?? 100
  assertInteger('horizon', horizon, { min: 1 })
  assertInteger('steps', options.steps, { min: 0 })
  const every = options.every ?? Math.max(1, Math.floor(options.steps / 50))
  assertInteger('every', every, { min: 1 })
  const X = toMatrix('trainStates', options.trainStates, { columns: 2 })
  const states = toStateTensor(tf, X, 'trainStates')
  const targets = options.targets === undefined ? undefined : toStateTensor(tf, toMatrix('targets', options.targets, { rows: X.rows, columns: 2 }), 'targets')
  let weights: TF.Tensor1D | undefined
  if (options.stateWeights !== undefined) {
    if (options.stateWeights.length !== X.rows) throw new Error(`stateWeights: expected ${X.rows} weights, got ${options.stateWeights.length}`)
    options.stateWeights.forEach((w, i) => assertFinite(`stateWeights[${i}]`, w))
    weights = tf.tensor1d(Float32Array.from(options.stateWeights))
  }
  const opt = tfOptimizer(options.optimizer ?? { type: 'adam', lr: 1e-3 })
  const vars = [...controller.weights, ...controller.biases]
  const history = { step: [] as number[], cost: [] as number[] }
  const extra = { ...(targets ? { targets } : {}), ...(weights ? { stateWeights: weights } : {}) }
  try {
    for (let step = 0; step <= options.steps; step++) {
      const record = step % every === 0 || step === options.steps
      if (step === options.steps) {
        const c = tf.tidy(() => pendulumRolloutCost(tf, system, controller, states, horizon, extra).dataSync()[0] as number)
        history.step.push(step)
        history.cost.push(c)
        options.onProgress?.(step, c)
        break
      }
      const cost = tf.tidy(() => opt.minimize(() => pendulumRolloutCost(tf, system, controller, states, horizon, extra), true, vars) as TF.Scalar)
      if (record) {
        const c = cost.dataSync()[0] as number
        if (!Number.isFinite(c)) throw new Error(`training diverged: cost is ${c} at step ${step}; lower the learning rate`)
        history.step.push(step)
        history.cost.push(c)
        options.onProgress?.(step, c)
      }
      cost.dispose()
    }
  } finally {
    states.dispose()
    targets?.dispose()
    weights?.dispose()
    opt.dispose()
  }
  return { history }
}

/**
 * The paper's normalized cost measure of extrapolation (used for non-linear systems):
 * E_cost = (J_test(θ) − J*_test) / (J_test(θ_noext) − J*_test), where θ_noext fits the training states
 * without extrapolating and J*_test is the best test cost reached (e.g. by training on the test states).
 * @example costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 5, minimalTestCost: 1 }) // 0.25
 */
export function costExtrapolationError(costs: { testCost: number; noExtrapolationTestCost: number; minimalTestCost: number }): number {
  assertFinite('testCost', costs.testCost)
  assertFinite('noExtrapolationTestCost', costs.noExtrapolationTestCost)
  assertFinite('minimalTestCost', costs.minimalTestCost)
  const gap = costs.noExtrapolationTestCost - costs.minimalTestCost
  if (!(gap > 0)) throw new Error(`noExtrapolationTestCost: expected it above minimalTestCost (${costs.noExtrapolationTestCost} ≤ ${costs.minimalTestCost})`)
  return (costs.testCost - costs.minimalTestCost) / gap
}
