import * as tf from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, resolveOptimizerSpec, resolveRng, toMatrix, trainerLoop, type MatrixLike, type Params, type Rng, type TrainerState } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { TRAIN_PENDULUM_CONTROLLER_DEFAULTS, assertPendulum, checkTrainPendulumOptions, rolloutTargets, type Pendulum, type RolloutCostOptions, type TrainPendulumOptionsOf, type TrainPendulumResultOf } from './pendulum'
import { assertMlpController, mlpSizes, type MlpController as Float64MlpController } from './pendulum-float64'

/**
 * A ReLU MLP state-feedback controller on the tfjs track, u = W_L relu(… relu(s W_1 + b_1) …) + b_L,
 * with tf variables: the float64 track's `mlpController` (`@theoryml/rl-lqr`) with autodiff.
 */
export interface MlpController {
  /** Layer sizes [inputs, …hidden, outputs]. */
  readonly sizes: readonly number[]
  /** Layer weights W_l (in × out), trainable tf variables. */
  readonly weights: tf.Variable[]
  /** Layer biases b_l (out), trainable tf variables. */
  readonly biases: tf.Variable[]
  /** u for a batch of states [N, inputs] → [N, outputs]. Call inside tf.tidy. */
  apply(states: tf.Tensor2D): tf.Tensor2D
  /** Free the variables; applying the controller afterwards throws. Calling it again does nothing. */
  dispose(): void
}

/** Options of {@link mlpController}. */
export interface MlpControllerOptions {
  /** Hidden layer widths (default [50, 50, 50]: the paper's depth 4, width 50). */
  hidden?: readonly number[]
  /** Seed or stream for the initialization (PyTorch's default U(−1/√fan_in, 1/√fan_in)). */
  rng?: Rng | number
  /** Input size (default 2: θ, ω). */
  inputs?: number
  /** Output size (default 1: the torque). */
  outputs?: number
  /** Copy the weights of a float64-track controller (`mlpController` of `@theoryml/rl-lqr`) instead of drawing new ones. */
  initial?: Float64MlpController
}

function build(sizes: readonly number[], weightsOf: (l: number, fanIn: number, fanOut: number) => { w: Float32Array; b: Float32Array }): MlpController {
  const weights: tf.Variable[] = []
  const biases: tf.Variable[] = []
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l] as number
    const fanOut = sizes[l + 1] as number
    const { w, b } = weightsOf(l, fanIn, fanOut)
    // tf.variable keeps its own reference to the data: the initial tensors are disposed at once.
    const wt = tf.tensor2d(w, [fanIn, fanOut])
    const bt = tf.tensor1d(b)
    weights.push(tf.variable(wt, true, undefined, 'float32'))
    biases.push(tf.variable(bt, true, undefined, 'float32'))
    wt.dispose()
    bt.dispose()
  }
  const last = weights.length - 1
  let disposed = false
  return {
    sizes: [...sizes],
    weights,
    biases,
    apply(states) {
      if (disposed) throw new Error('controller: this mlpController was disposed; build a new one')
      let h: tf.Tensor2D = states
      for (let l = 0; l <= last; l++) {
        h = tf.fused.matMul({ a: h, b: weights[l] as tf.Tensor2D, bias: biases[l] as tf.Tensor1D, activation: l < last ? 'relu' : 'linear' }) as tf.Tensor2D
      }
      return h
    },
    dispose() {
      if (disposed) return
      disposed = true
      for (const v of [...weights, ...biases]) v.dispose()
    },
  }
}

/**
 * A ReLU MLP state controller on the tfjs track, initialized like PyTorch's nn.Linear
 * (weights and biases U(−1/√fan_in, 1/√fan_in)) from core's seeded RNG — the same draws as the
 * float64 `mlpController` with that seed — or copied from a float64 controller (`initial`).
 * u = W_L relu(… relu(s W_1 + b_1) …) + b_L. Needs `await initTf()` first; free it with `dispose()`.
 * @example const controller = mlpController({ hidden: [50, 50, 50], rng: 0 }) // …; controller.dispose()
 */
export function mlpController(options: MlpControllerOptions = {}): MlpController {
  assertKnownOptions('mlpController', options, ['hidden', 'rng', 'inputs', 'outputs', 'initial'])
  const from = options.initial
  if (from !== undefined) {
    for (const key of ['hidden', 'inputs', 'outputs'] as const) {
      if (options[key] !== undefined) throw new Error(`${key}: give either the layer sizes or initial (a controller to copy), not both`)
    }
    assertMlpController(from, 'initial')
    return build(from.sizes, (l) => ({ w: Float32Array.from(from.params[`W${l}`] as Float64Array), b: Float32Array.from(from.params[`b${l}`] as Float64Array) }))
  }
  const sizes = mlpSizes(options)
  const rng = resolveRng(options.rng)
  return build(sizes, (_, fanIn, fanOut) => {
    const bound = 1 / Math.sqrt(fanIn)
    const w = rng.fillUniform(new Float32Array(fanIn * fanOut), -bound, bound)
    const b = rng.fillUniform(new Float32Array(fanOut), -bound, bound)
    return { w, b }
  })
}

function assertTfController(controller: unknown, name = 'controller'): asserts controller is MlpController {
  const c = controller as MlpController | undefined
  if (!c || typeof c !== 'object' || typeof c.apply !== 'function' || !Array.isArray(c.weights) || !Array.isArray(c.biases)) {
    throw new Error(`${name}: expected a tfjs MLP controller from mlpController({ hidden, rng }) of '@theoryml/rl-lqr/tf'`)
  }
}

function copyController(from: MlpController): MlpController {
  const data = (v: tf.Variable): Float32Array => Float32Array.from(v.dataSync() as Float32Array)
  return build(from.sizes, (l) => ({ w: data(from.weights[l] as tf.Variable), b: data(from.biases[l] as tf.Variable) }))
}

function stateTensor(states: MatrixLike, name: string): tf.Tensor2D {
  const X = toMatrix(name, states, { columns: 2 })
  return tf.tensor2d(Float32Array.from(X.to1DArray()), [X.rows, 2])
}

/** The goal and weight tensors of a rollout from N states (undefined where the defaults apply). */
function rolloutTensors(system: Pendulum, N: number, options: RolloutCostOptions): { targets?: tf.Tensor2D; stateWeights?: tf.Tensor1D } {
  const { target, weight } = rolloutTargets(system, N, options)
  return {
    ...(options.targets !== undefined ? { targets: tf.tensor2d(Float32Array.from(target), [N, 2]) } : {}),
    ...(options.stateWeights !== undefined ? { stateWeights: tf.tensor1d(Float32Array.from(weight)) } : {}),
  }
}

/**
 * The mean cost of a rollout as a scalar tensor, differentiable in the controller's variables (the
 * building block of the tfjs track's costs and trainer):
 * (1/(N(H+1))) Σ_i Σ_{h=0}^{H} w_i (‖s_h − target_i‖² + c u_h²), with the pendulum's dynamics.
 * `targets` (N × 2) overrides the goal per state and `stateWeights` (N) reweights them (the paper's
 * non-extrapolating baseline). Call inside tf.tidy.
 * @example const cost = tf.tidy(() => pendulumRolloutCost(pendulum(), controller, tf.tensor2d([[3, 0]]), 100))
 */
export function pendulumRolloutCost(
  system: Pendulum,
  controller: MlpController,
  states: tf.Tensor2D,
  horizon: number,
  extra: { targets?: tf.Tensor2D; stateWeights?: tf.Tensor1D } = {},
): tf.Scalar {
  const N = states.shape[0]
  const { dt, gravity: g, mass: m, length: l, controlCost } = system
  const lin = tf.tensor2d([1, 0, dt, 1], [2, 2]) // [θ, ω] ↦ [θ + dt ω, ω]
  const pickTheta = tf.tensor2d([1, 0], [2, 1])
  const kick = tf.tensor2d([0, dt / (m * l * l)], [1, 2])
  const target = extra.targets ?? tf.tensor2d([Math.PI, 0], [1, 2])
  let s = states
  const costs: tf.Tensor[] = []
  for (let h = 0; h <= horizon; h++) {
    const u = controller.apply(s)
    let c: tf.Tensor = tf.sum(tf.square(tf.sub(s, target)), 1)
    if (controlCost > 0) c = tf.add(c, tf.mul(controlCost, tf.reshape(tf.square(u), [N])))
    costs.push(c)
    if (h < horizon) {
      const torque = tf.sub(u, tf.mul(m * g, tf.sin(tf.matMul(s, pickTheta))))
      s = tf.add(tf.matMul(s, lin), tf.matMul(torque, kick))
    }
  }
  let perState: tf.Tensor = tf.addN(costs)
  if (extra.stateWeights) perState = tf.mul(perState, extra.stateWeights)
  return tf.div(tf.sum(perState), N * (horizon + 1)) as tf.Scalar
}

/**
 * The mean rollout cost of the controller from `states` over `horizon` steps, as a number (no
 * gradient): J = (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − s*_i‖² + c u_h², in float32 — the float64
 * track's `pendulumCost` computed with tfjs.
 * @example pendulumCost(pendulum(), controller, [[Math.PI - 0.5, 0]], 100)
 */
export function pendulumCost(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): number {
  assertKnownOptions('pendulumCost', options, ['targets', 'stateWeights'])
  assertPendulum(system)
  assertTfController(controller)
  assertInteger('horizon', horizon, { min: 1 })
  return tf.tidy(() => {
    const s = stateTensor(states, 'states')
    return pendulumRolloutCost(system, controller, s, horizon, rolloutTensors(system, s.shape[0], options)).dataSync()[0] as number
  })
}

/**
 * The mean rollout cost and its gradient by tfjs autodiff (back-propagation through time), in
 * float32 returned as float64: the float64 track's `pendulumCostAndGrad` (exact closed-form BPTT)
 * computed independently. `grad` has the keys W0, b0, W1, b1, … of the float64 controller's params.
 * @example const { cost, grad } = pendulumCostAndGrad(pendulum(), controller, [[Math.PI - 0.5, 0]], 100)
 */
export function pendulumCostAndGrad(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): { cost: number; grad: Params } {
  assertKnownOptions('pendulumCostAndGrad', options, ['targets', 'stateWeights'])
  assertPendulum(system)
  assertTfController(controller)
  assertInteger('horizon', horizon, { min: 1 })
  const s = stateTensor(states, 'states')
  const extra = rolloutTensors(system, s.shape[0], options)
  try {
    const { value, grads } = tf.variableGrads(() => pendulumRolloutCost(system, controller, s, horizon, extra), [...controller.weights, ...controller.biases])
    const grad: Params = {}
    controller.weights.forEach((w, l) => { grad[`W${l}`] = Float64Array.from((grads[w.name] as tf.Tensor).dataSync()) })
    controller.biases.forEach((b, l) => { grad[`b${l}`] = Float64Array.from((grads[b.name] as tf.Tensor).dataSync()) })
    const cost = value.dataSync()[0] as number
    tf.dispose([value, ...Object.values(grads)])
    return { cost, grad }
  } finally {
    tf.dispose([s, ...Object.values(extra)])
  }
}

/**
 * The states s_0 … s_H of a rollout from each initial state: result[i][h] = [θ_h, ω_h] (N × (H+1) × 2),
 * s_{h+1} = f(s_h, controller(s_h)), in float32.
 * @example pendulumTrajectory(pendulum(), controller, [[0, 0]], 100)[0] // [[θ₀, ω₀], [θ₁, ω₁], …]
 */
export function pendulumTrajectory(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number): number[][][] {
  assertPendulum(system)
  assertTfController(controller)
  assertInteger('horizon', horizon, { min: 1 })
  const X = toMatrix('states', states, { columns: 2 })
  const out: number[][][] = Array.from({ length: X.rows }, () => [])
  tf.tidy(() => {
    let s = stateTensor(X, 'states')
    const { dt, gravity: g, mass: m, length: l } = system
    for (let h = 0; h <= horizon; h++) {
      const v = s.arraySync()
      v.forEach((row, i) => out[i]!.push(row))
      if (h < horizon) {
        const u = controller.apply(s)
        const theta = tf.slice(s, [0, 0], [-1, 1])
        const omega = tf.slice(s, [0, 1], [-1, 1])
        const w2 = tf.add(omega, tf.mul(dt / (m * l * l), tf.sub(u, tf.mul(m * g, tf.sin(theta)))))
        s = tf.concat([tf.add(theta, tf.mul(dt, omega)), w2], 1) as tf.Tensor2D
      }
    }
  })
  return out
}

/** What `record`, `onStep` and `stopWhen` see in {@link trainPendulumController}. */
export interface TrainPendulumControllerState extends TrainerState {
  /** The controller being trained (its variables change at every step). */
  readonly controller: MlpController
}

/**
 * Options of {@link trainPendulumController}: the same as the float64 track's (defaults in
 * `TRAIN_PENDULUM_CONTROLLER_DEFAULTS` of `@theoryml/rl-lqr`), with a tfjs `initial` controller.
 * The optimizer is a name with `lr` or a spec (gd, momentum, adam on tfjs).
 */
export type TrainPendulumControllerOptions = TrainPendulumOptionsOf<MlpController, TrainPendulumControllerState>

/**
 * What {@link trainPendulumController} returns: the trained controller (new tf variables: free them
 * with `controller.dispose()`), with core's trainer result.
 */
export type TrainPendulumControllerResult = TrainPendulumResultOf<MlpController>

/**
 * Train an MLP controller of the pendulum by back-propagation through time of the rollout cost
 * (pendulumRolloutCost) with tfjs autodiff and a tfjs optimizer: θ ← optimizer(θ, ∂J/∂θ). The same
 * options, draws (`mlpController({ hidden, rng })`, or a copy of `initial`) and result as the float64
 * track's `trainPendulumController`; each step runs inside tf.tidy and nothing leaks but the returned
 * controller. Throws a DivergenceError naming the step when the cost becomes non-finite.
 * @example
 * await initTf()
 * const { controller, history } = trainPendulumController({ system: pendulum(), trainStates: [[2.641, 0], [3.641, 0]], hidden: [32, 32], rng: 0, optimizer: 'adam', lr: 1e-2, steps: 500 })
 */
export function trainPendulumController(options: TrainPendulumControllerOptions): TrainPendulumControllerResult {
  const system = checkTrainPendulumOptions(options, assertTfController)
  const horizon = options.horizon ?? TRAIN_PENDULUM_CONTROLLER_DEFAULTS.horizon
  assertInteger('horizon', horizon, { min: 1 })
  const X = toMatrix('trainStates', options.trainStates, { columns: 2 })
  const { target, weight } = rolloutTargets(system, X.rows, options) // validate before allocating tensors
  const spec = resolveOptimizerSpec(options, TRAIN_PENDULUM_CONTROLLER_DEFAULTS)
  const loop = trainerLoop<TrainPendulumControllerState>(options, { steps: TRAIN_PENDULUM_CONTROLLER_DEFAULTS.steps })
  const controller = options.initial !== undefined
    ? copyController(options.initial)
    : mlpController({ ...(options.hidden !== undefined ? { hidden: options.hidden } : {}), ...(options.rng !== undefined ? { rng: options.rng } : {}) })
  const states = stateTensor(X, 'trainStates')
  const extra = {
    ...(options.targets !== undefined ? { targets: tf.tensor2d(Float32Array.from(target), [X.rows, 2]) } : {}),
    ...(options.stateWeights !== undefined ? { stateWeights: tf.tensor1d(Float32Array.from(weight)) } : {}),
  }
  const opt = tfOptimizer(spec)
  const vars = [...controller.weights, ...controller.biases]
  const state = { step: 0, loss: NaN, controller }
  try {
    for (; ; state.step++) {
      const { value, grads } = tf.tidy(() => tf.variableGrads(() => pendulumRolloutCost(system, controller, states, horizon, extra), vars))
      try {
        state.loss = value.dataSync()[0] as number
        if (loop.stop(state)) break
        opt.applyGradients(grads)
      } finally {
        tf.dispose([value, ...Object.values(grads)])
      }
    }
  } catch (err) {
    controller.dispose()
    throw err
  } finally {
    tf.dispose([states, ...Object.values(extra)])
    opt.dispose()
  }
  return { controller, ...loop.result() }
}
