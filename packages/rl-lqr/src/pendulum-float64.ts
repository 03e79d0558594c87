import { assertInteger, assertKnownOptions, dmath, type MatrixLike, type Params, resolveOptimizer, resolveRng, type Rng, toMatrix, trainerLoop, type TrainerState } from '@theoryml/core'
import { TRAIN_PENDULUM_CONTROLLER_DEFAULTS, assertPendulum, checkTrainPendulumOptions, rolloutTargets, type Pendulum, type RolloutCostOptions, type TrainPendulumOptionsOf, type TrainPendulumResultOf } from './pendulum'

/**
 * A ReLU MLP state-feedback controller on the float64 track: u = W_L relu(… relu(s W_1 + b_1) …) + b_L,
 * with parameters `W0, b0, W1, b1, …` (row-major W_l of size in×out) as core `Params`, so core's
 * optimizers update them in place. The tfjs track's `mlpController` (`@theoryml/rl-lqr/tf`) is the
 * same controller with tf variables.
 */
export interface MlpController {
  /** Layer sizes [inputs, …hidden, outputs]. */
  readonly sizes: readonly number[]
  /** W0, b0, W1, b1, … */
  readonly params: Params
}

/** Options of {@link mlpController}. */
export interface MlpControllerOptions {
  /** Hidden widths (default [50, 50, 50], the paper's depth 4 and width 50). */
  hidden?: readonly number[]
  /** Seed or stream: the same draws as the tfjs track's `mlpController` with that seed, so both tracks start equal. */
  rng?: Rng | number
  /** Input size (default 2: θ, ω). */
  inputs?: number
  /** Output size (default 1: the torque). */
  outputs?: number
}

/**
 * A float64 MLP controller initialized like PyTorch's nn.Linear: W_l, b_l ~ U(−1/√fan_in, 1/√fan_in),
 * drawn layer by layer (weights, then biases) in float32 from core's seeded RNG — the same numbers
 * the tfjs track's `mlpController({ rng })` draws. u = W_L relu(… relu(s W_1 + b_1) …) + b_L.
 * @example const controller = mlpController({ hidden: [50, 50, 50], rng: 0 }) // controller.params.W0: 2×50
 */
export function mlpController(options: MlpControllerOptions = {}): MlpController {
  assertKnownOptions('mlpController', options, ['hidden', 'rng', 'inputs', 'outputs'])
  const sizes = mlpSizes(options)
  const rng = resolveRng(options.rng)
  const params: Params = {}
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l] as number
    const fanOut = sizes[l + 1] as number
    const bound = 1 / Math.sqrt(fanIn)
    // Draw in float32 like the tfjs track, so both tracks start from identical weights.
    params[`W${l}`] = Float64Array.from(rng.fillUniform(new Float32Array(fanIn * fanOut), -bound, bound))
    params[`b${l}`] = Float64Array.from(rng.fillUniform(new Float32Array(fanOut), -bound, bound))
  }
  return { sizes, params }
}

/** The validated layer sizes [inputs, …hidden, outputs] of an MLP controller's options (both tracks). */
export function mlpSizes(options: Pick<MlpControllerOptions, 'hidden' | 'inputs' | 'outputs'>): number[] {
  const hidden = options.hidden ?? TRAIN_PENDULUM_CONTROLLER_DEFAULTS.hidden
  if (!Array.isArray(hidden)) throw new Error('hidden: expected an array of layer widths')
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h, { min: 1 }))
  const inputs = options.inputs ?? 2
  const outputs = options.outputs ?? 1
  assertInteger('inputs', inputs, { min: 1 })
  assertInteger('outputs', outputs, { min: 1 })
  return [inputs, ...hidden, outputs]
}

/** Throw unless `controller` is a float64 MLP controller whose parameters match its sizes; the error names `name`. */
export function assertMlpController(controller: unknown, name = 'controller'): asserts controller is MlpController {
  const c = controller as MlpController | undefined
  if (!c || typeof c !== 'object' || !Array.isArray(c.sizes) || !c.params || typeof c.params !== 'object') {
    throw new Error(`${name}: expected an MLP controller from mlpController({ hidden, rng })`)
  }
  for (let l = 0; l + 1 < c.sizes.length; l++) {
    const W = c.params[`W${l}`]
    const b = c.params[`b${l}`]
    const fanIn = c.sizes[l] as number
    const fanOut = c.sizes[l + 1] as number
    if (!(W instanceof Float64Array) || W.length !== fanIn * fanOut) throw new Error(`${name}.params.W${l}: expected a Float64Array of ${fanIn * fanOut} entries (${fanIn}×${fanOut})`)
    if (!(b instanceof Float64Array) || b.length !== fanOut) throw new Error(`${name}.params.b${l}: expected a Float64Array of ${fanOut} entries`)
  }
}

/**
 * Allocation-free float64 rollout of the pendulum under an MLP controller with its exact BPTT
 * gradient (internal hot path; see pendulumCostAndGrad for the formulas).
 */
export class PendulumKernel {
  private readonly sizes: number[]
  private readonly L: number
  private readonly N: number
  private readonly H: number
  private readonly s0: Float64Array
  private readonly target: Float64Array
  private readonly weight: Float64Array
  /** Activations per step and layer: act[h][l] is N × sizes[l] (post-ReLU; act[h][0] = s_h). */
  private readonly act: Float64Array[][]
  /** Outputs u_h (N). */
  private readonly u: Float64Array[]
  private readonly deltaA: Float64Array
  private readonly deltaB: Float64Array
  private readonly lam: Float64Array
  private readonly lamNext: Float64Array
  private readonly wKeys: string[]
  private readonly bKeys: string[]

  constructor(private readonly system: Pendulum, sizes: readonly number[], states: MatrixLike, horizon: number, options: RolloutCostOptions = {}) {
    assertInteger('horizon', horizon, { min: 1 })
    if (sizes[0] !== 2 || sizes[sizes.length - 1] !== 1) throw new Error('controller: expected an MLP from 2 inputs (θ, ω) to 1 output (torque)')
    const X = toMatrix('states', states, { columns: 2 })
    this.sizes = [...sizes]
    this.L = sizes.length - 1
    this.wKeys = Array.from({ length: this.L }, (_, l) => `W${l}`)
    this.bKeys = Array.from({ length: this.L }, (_, l) => `b${l}`)
    this.N = X.rows
    this.H = horizon
    this.s0 = Float64Array.from(X.to1DArray())
    const { target, weight } = rolloutTargets(system, this.N, options)
    this.target = target
    this.weight = weight
    const maxWidth = Math.max(...sizes)
    this.act = Array.from({ length: horizon + 1 }, () => this.sizes.map((w) => new Float64Array(this.N * w)))
    this.u = Array.from({ length: horizon + 1 }, () => new Float64Array(this.N))
    this.deltaA = new Float64Array(this.N * maxWidth)
    this.deltaB = new Float64Array(this.N * maxWidth)
    this.lam = new Float64Array(2 * this.N)
    this.lamNext = new Float64Array(2 * this.N)
  }

  private forwardController(params: Params, h: number): void {
    const { N, L, sizes, wKeys, bKeys } = this
    const acts = this.act[h] as Float64Array[]
    for (let l = 0; l < L; l++) {
      const a = acts[l] as Float64Array
      const W = params[wKeys[l] as string] as Float64Array
      const b = params[bKeys[l] as string] as Float64Array
      const din = sizes[l] as number
      const dout = sizes[l + 1] as number
      const hiddenLayer = l + 1 < L
      const out = hiddenLayer ? (acts[l + 1] as Float64Array) : (this.u[h] as Float64Array)
      for (let i = 0; i < N; i++) {
        const o = i * dout
        for (let j = 0; j < dout; j++) out[o + j] = b[j] as number
        for (let k = 0; k < din; k++) {
          const aik = a[i * din + k] as number
          if (aik === 0) continue
          const w = k * dout
          for (let j = 0; j < dout; j++) out[o + j] = (out[o + j] as number) + aik * (W[w + j] as number)
        }
        if (hiddenLayer) for (let j = 0; j < dout; j++) if ((out[o + j] as number) < 0) out[o + j] = 0
      }
    }
  }

  /**
   * Mean cost (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − target_i‖² + c u_h², and, when `grad` is given,
   * its gradient with respect to every parameter (overwritten).
   */
  evaluate(params: Params, grad?: Params): number {
    const { N, H, L, sizes, system, target, weight } = this
    const { dt, gravity: g, mass: m, length: len, controlCost: cu } = system
    const inertia = m * len * len
    const scale = 1 / (N * (H + 1))
    let cost = 0
    for (let h = 0; h <= H; h++) {
      const s = (this.act[h] as Float64Array[])[0] as Float64Array
      if (h === 0) s.set(this.s0)
      this.forwardController(params, h)
      const u = this.u[h] as Float64Array
      for (let i = 0; i < N; i++) {
        const dth = (s[2 * i] as number) - (target[2 * i] as number)
        const dom = (s[2 * i + 1] as number) - (target[2 * i + 1] as number)
        const ui = u[i] as number
        cost += (weight[i] as number) * (dth * dth + dom * dom + cu * ui * ui)
      }
      if (h < H) {
        const next = (this.act[h + 1] as Float64Array[])[0] as Float64Array
        for (let i = 0; i < N; i++) {
          const th = s[2 * i] as number
          const om = s[2 * i + 1] as number
          next[2 * i] = th + dt * om
          next[2 * i + 1] = om + (dt * ((u[i] as number) - m * g * dmath.sin(th))) / inertia
        }
      }
    }
    cost *= scale
    if (!grad) return cost
    const { wKeys, bKeys } = this
    for (let l = 0; l < L; l++) {
      ;(grad[wKeys[l] as string] as Float64Array).fill(0)
      ;(grad[bKeys[l] as string] as Float64Array).fill(0)
    }
    const { lam, lamNext } = this
    lamNext.fill(0)
    for (let h = H; h >= 0; h--) {
      const acts = this.act[h] as Float64Array[]
      const s = acts[0] as Float64Array
      const u = this.u[h] as Float64Array
      // Direct cost terms and the dynamics' Jacobian: λ_h = ∂c_h/∂s_h + J_sᵀ λ_{h+1}; g_u = ∂c_h/∂u_h + J_uᵀ λ_{h+1}.
      let delta = this.deltaA
      for (let i = 0; i < N; i++) {
        const w = 2 * scale * (weight[i] as number)
        const th = s[2 * i] as number
        const lt = h < H ? (lamNext[2 * i] as number) : 0
        const lo = h < H ? (lamNext[2 * i + 1] as number) : 0
        lam[2 * i] = w * (th - (target[2 * i] as number)) + lt - (lo * dt * m * g * dmath.cos(th)) / inertia
        lam[2 * i + 1] = w * ((s[2 * i + 1] as number) - (target[2 * i + 1] as number)) + dt * lt + lo
        delta[i] = w * cu * (u[i] as number) + (lo * dt) / inertia
      }
      // Back through the MLP: δ at the output, then layer by layer (ReLU masks from the activations).
      let other = this.deltaB
      for (let l = L - 1; l >= 0; l--) {
        const a = acts[l] as Float64Array
        const W = params[wKeys[l] as string] as Float64Array
        const gW = grad[wKeys[l] as string] as Float64Array
        const gb = grad[bKeys[l] as string] as Float64Array
        const din = sizes[l] as number
        const dout = sizes[l + 1] as number
        for (let i = 0; i < N; i++) {
          const o = i * dout
          for (let j = 0; j < dout; j++) gb[j] = (gb[j] as number) + (delta[o + j] as number)
          for (let k = 0; k < din; k++) {
            const aik = a[i * din + k] as number
            if (aik === 0) continue
            const w = k * dout
            for (let j = 0; j < dout; j++) gW[w + j] = (gW[w + j] as number) + aik * (delta[o + j] as number)
          }
        }
        for (let i = 0; i < N; i++) {
          for (let k = 0; k < din; k++) {
            if (l > 0 && (a[i * din + k] as number) <= 0) {
              other[i * din + k] = 0
              continue
            }
            let sum = 0
            for (let j = 0; j < dout; j++) sum += (W[k * dout + j] as number) * (delta[i * dout + j] as number)
            other[i * din + k] = sum
          }
        }
        const t = delta
        delta = other
        other = t
      }
      // delta now holds ∂J/∂s_h through the controller.
      for (let i = 0; i < 2 * N; i++) lam[i] = (lam[i] as number) + (delta[i] as number)
      lamNext.set(lam)
    }
    return cost
  }

  /** The states of the last evaluated rollout: result[i][h] = [θ_h, ω_h]. */
  trajectory(): number[][][] {
    const { N, H } = this
    return Array.from({ length: N }, (_, i) =>
      Array.from({ length: H + 1 }, (_, h) => {
        const s = (this.act[h] as Float64Array[])[0] as Float64Array
        return [s[2 * i] as number, s[2 * i + 1] as number]
      }),
    )
  }
}


/**
 * Mean rollout cost of the pendulum under a float64 MLP controller (no gradient):
 * J = (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − s*_i‖² + c u_h², s_{h+1} = f(s_h, u_h) (see pendulum),
 * u_h = controller(s_h); goals s*_i default to (π, 0) and weights w_i to 1.
 * @example pendulumCost(pendulum(), mlpController({ rng: 0 }), [[0, 0]], 100)
 */
export function pendulumCost(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): number {
  assertKnownOptions('pendulumCost', options, ['targets', 'stateWeights'])
  assertPendulum(system)
  assertMlpController(controller)
  return new PendulumKernel(system, controller.sizes, states, horizon, options).evaluate(controller.params)
}

/**
 * Mean rollout cost of the pendulum under a float64 MLP controller and its exact gradient by
 * back-propagation through time: J = (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − s*_i‖² + c u_h²,
 * s_{h+1} = f(s_h, u_h) (see pendulum). Adjoint λ_h = ∂c_h/∂s_h + (∂f/∂s)ᵀλ_{h+1} + (∂u/∂s)ᵀ g_h with
 * g_h = ∂c_h/∂u_h + (∂f/∂u)ᵀλ_{h+1}, ∂f/∂s = [[1, dt], [−dt g cos θ / l², 1]], ∂f/∂u = (0, dt/(m l²)).
 * `grad` has the keys of `controller.params` (W0, b0, …).
 * @example const { cost, grad } = pendulumCostAndGrad(pendulum(), mlpController({ rng: 0 }), [[Math.PI - 0.5, 0]], 100)
 */
export function pendulumCostAndGrad(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): { cost: number; grad: Params } {
  assertKnownOptions('pendulumCostAndGrad', options, ['targets', 'stateWeights'])
  assertPendulum(system)
  assertMlpController(controller)
  const grad: Params = {}
  for (const [k, v] of Object.entries(controller.params)) grad[k] = new Float64Array(v.length)
  const cost = new PendulumKernel(system, controller.sizes, states, horizon, options).evaluate(controller.params, grad)
  return { cost, grad }
}

/**
 * The states s_0 … s_H of a rollout under a float64 MLP controller from each initial state:
 * result[i][h] = [θ_h, ω_h] (N × (H+1) × 2), s_{h+1} = f(s_h, controller(s_h)).
 * @example pendulumTrajectory(pendulum(), mlpController({ rng: 0 }), [[0, 0]], 100)[0] // [[θ₀, ω₀], [θ₁, ω₁], …]
 */
export function pendulumTrajectory(system: Pendulum, controller: MlpController, states: MatrixLike, horizon: number): number[][][] {
  assertPendulum(system)
  assertMlpController(controller)
  const kernel = new PendulumKernel(system, controller.sizes, states, horizon)
  kernel.evaluate(controller.params)
  return kernel.trajectory()
}

/** What `record`, `onStep` and `stopWhen` see in {@link trainPendulumController}. */
export interface TrainPendulumControllerState extends TrainerState {
  /** The controller being trained (its parameters change in place at every step). */
  readonly controller: MlpController
  /** ∂J/∂params at the current parameters (same keys as `controller.params`). */
  readonly grad: Params
}

/**
 * Options of {@link trainPendulumController}: the common trainer options (defaults in
 * {@link TRAIN_PENDULUM_CONTROLLER_DEFAULTS}), the problem, and the controller to start from.
 */
export type TrainPendulumControllerOptions = TrainPendulumOptionsOf<MlpController, TrainPendulumControllerState>

/** What {@link trainPendulumController} returns: the trained controller, with core's trainer result. */
export type TrainPendulumControllerResult = TrainPendulumResultOf<MlpController>

/**
 * Train an MLP controller of the pendulum by exact BPTT (pendulumCostAndGrad) on the float64 track:
 * θ ← optimizer(θ, ∂J/∂θ) with J the mean rollout cost of the training states (see pendulumCost).
 * The controller is drawn as `mlpController({ hidden, rng })` (or copied from `initial`); speaks core's
 * trainer vocabulary (history `loss` = J); nothing is allocated per step. The tfjs track's
 * `trainPendulumController` takes the same options and computes the same gradients by autodiff.
 * @example
 * const { controller, history } = trainPendulumController({ system: pendulum(), trainStates: [[2.641, 0], [3.641, 0]], hidden: [32, 32], rng: 0, optimizer: 'adam', lr: 1e-2, steps: 1000 })
 */
export function trainPendulumController(options: TrainPendulumControllerOptions): TrainPendulumControllerResult {
  const system = checkTrainPendulumOptions(options, assertMlpController)
  let controller: MlpController
  if (options.initial !== undefined) {
    const params: Params = {}
    for (const [k, v] of Object.entries(options.initial.params)) params[k] = Float64Array.from(v)
    controller = { sizes: [...options.initial.sizes], params }
  } else {
    controller = mlpController({ ...(options.hidden !== undefined ? { hidden: options.hidden } : {}), ...(options.rng !== undefined ? { rng: options.rng } : {}) })
  }
  const extra: RolloutCostOptions = {}
  if (options.targets !== undefined) extra.targets = options.targets
  if (options.stateWeights !== undefined) extra.stateWeights = options.stateWeights
  const horizon = options.horizon ?? TRAIN_PENDULUM_CONTROLLER_DEFAULTS.horizon
  const kernel = new PendulumKernel(system, controller.sizes, toMatrix('trainStates', options.trainStates, { columns: 2 }), horizon, extra)
  const optimizer = resolveOptimizer(options, TRAIN_PENDULUM_CONTROLLER_DEFAULTS)
  const loop = trainerLoop<TrainPendulumControllerState>(options, { steps: TRAIN_PENDULUM_CONTROLLER_DEFAULTS.steps })
  const grad: Params = {}
  for (const [k, v] of Object.entries(controller.params)) grad[k] = new Float64Array(v.length)
  const state = { step: 0, loss: NaN, controller, grad }
  for (; ; state.step++) {
    state.loss = kernel.evaluate(controller.params, grad)
    if (loop.stop(state)) break
    optimizer.step(controller.params, grad)
  }
  return { controller, ...loop.result() }
}
