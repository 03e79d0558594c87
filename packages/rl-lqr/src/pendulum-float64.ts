import { assertFinite, assertInteger, assertKnownOptions, resolveRng, toMatrix, train, type History, type MatrixLike, type Optimizer, type OptimizerSpec, type Params, type Rng } from '@theoryml/core'
import type { Pendulum } from './pendulum'

/**
 * A ReLU MLP state controller on the float64 track: u = W_L relu(… relu(s W_1 + b_1) …) + b_L, with
 * parameters `W0, b0, W1, b1, …` (row-major W_l of size in×out) as core `Params`, so core's train
 * loop and optimizers update them in place.
 */
export interface MlpPolicy {
  /** Layer sizes [inputs, …hidden, outputs]. */
  readonly sizes: readonly number[]
  /** W0, b0, W1, b1, … */
  readonly params: Params
}

/** Options of {@link mlpPolicy}. */
export interface MlpPolicyOptions {
  /** Hidden widths (default [50, 50, 50], the paper's depth 4 and width 50). */
  hidden?: number[]
  /** Seed or stream: the same draws as `mlpController` with that seed, so both tracks start equal. */
  rng?: Rng | number
  inputs?: number
  outputs?: number
}

/**
 * A float64 MLP policy initialized like PyTorch's nn.Linear: W_l, b_l ~ U(−1/√fan_in, 1/√fan_in),
 * drawn layer by layer (weights, then biases) from core's seeded RNG — the same numbers
 * `mlpController(tf, { rng })` draws for the tfjs track.
 * @example const policy = mlpPolicy({ hidden: [50, 50, 50], rng: 0 })
 */
export function mlpPolicy(options: MlpPolicyOptions = {}): MlpPolicy {
  assertKnownOptions('mlpPolicy', options, ['hidden', 'rng', 'inputs', 'outputs'])
  const hidden = options.hidden ?? [50, 50, 50]
  if (!Array.isArray(hidden)) throw new Error('hidden: expected an array of layer widths')
  hidden.forEach((h, i) => assertInteger(`hidden[${i}]`, h, { min: 1 }))
  const inputs = options.inputs ?? 2
  const outputs = options.outputs ?? 1
  assertInteger('inputs', inputs, { min: 1 })
  assertInteger('outputs', outputs, { min: 1 })
  const rng = resolveRng(options.rng)
  const sizes = [inputs, ...hidden, outputs]
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

/** Options of the rollout cost: per-state goals and weights (the paper's non-extrapolating baseline). */
export interface RolloutCostOptions {
  /** Per-state goal states (N × 2, default (π, 0) for all). */
  targets?: MatrixLike
  /** Per-state weights (default 1). */
  stateWeights?: readonly number[]
}

/**
 * Allocation-free float64 rollout of the pendulum under an MLP policy with its exact BPTT gradient
 * (internal hot path; see pendulumCostAndGradient for the formulas).
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
    if (sizes[0] !== 2 || sizes[sizes.length - 1] !== 1) throw new Error('policy: expected an MLP from 2 inputs (θ, ω) to 1 output (torque)')
    const X = toMatrix('states', states, { columns: 2 })
    this.sizes = [...sizes]
    this.L = sizes.length - 1
    this.wKeys = Array.from({ length: this.L }, (_, l) => `W${l}`)
    this.bKeys = Array.from({ length: this.L }, (_, l) => `b${l}`)
    this.N = X.rows
    this.H = horizon
    this.s0 = Float64Array.from(X.to1DArray())
    this.target = new Float64Array(2 * this.N)
    if (options.targets !== undefined) this.target.set(toMatrix('targets', options.targets, { rows: this.N, columns: 2 }).to1DArray())
    else for (let i = 0; i < this.N; i++) this.target[2 * i] = system.target[0]
    this.weight = new Float64Array(this.N).fill(1)
    if (options.stateWeights !== undefined) {
      if (options.stateWeights.length !== this.N) throw new Error(`stateWeights: expected ${this.N} weights, got ${options.stateWeights.length}`)
      options.stateWeights.forEach((w, i) => { assertFinite(`stateWeights[${i}]`, w); this.weight[i] = w })
    }
    const maxWidth = Math.max(...sizes)
    this.act = Array.from({ length: horizon + 1 }, () => this.sizes.map((w) => new Float64Array(this.N * w)))
    this.u = Array.from({ length: horizon + 1 }, () => new Float64Array(this.N))
    this.deltaA = new Float64Array(this.N * maxWidth)
    this.deltaB = new Float64Array(this.N * maxWidth)
    this.lam = new Float64Array(2 * this.N)
    this.lamNext = new Float64Array(2 * this.N)
  }

  private forwardPolicy(params: Params, h: number): void {
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
   * Mean cost (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − target_i‖² + c u_h², and, when `grads` is given,
   * its gradient with respect to every parameter (overwritten).
   */
  evaluate(params: Params, grads?: Params): number {
    const { N, H, L, sizes, system, target, weight } = this
    const { dt, gravity: g, mass: m, length: len, controlCost: cu } = system
    const inertia = m * len * len
    const scale = 1 / (N * (H + 1))
    let cost = 0
    for (let h = 0; h <= H; h++) {
      const s = (this.act[h] as Float64Array[])[0] as Float64Array
      if (h === 0) s.set(this.s0)
      this.forwardPolicy(params, h)
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
          next[2 * i + 1] = om + (dt * ((u[i] as number) - m * g * Math.sin(th))) / inertia
        }
      }
    }
    cost *= scale
    if (!grads) return cost
    const { wKeys, bKeys } = this
    for (let l = 0; l < L; l++) {
      ;(grads[wKeys[l] as string] as Float64Array).fill(0)
      ;(grads[bKeys[l] as string] as Float64Array).fill(0)
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
        lam[2 * i] = w * (th - (target[2 * i] as number)) + lt - (lo * dt * m * g * Math.cos(th)) / inertia
        lam[2 * i + 1] = w * ((s[2 * i + 1] as number) - (target[2 * i + 1] as number)) + dt * lt + lo
        delta[i] = w * cu * (u[i] as number) + (lo * dt) / inertia
      }
      // Back through the MLP: δ at the output, then layer by layer (ReLU masks from the activations).
      let other = this.deltaB
      for (let l = L - 1; l >= 0; l--) {
        const a = acts[l] as Float64Array
        const W = params[wKeys[l] as string] as Float64Array
        const gW = grads[wKeys[l] as string] as Float64Array
        const gb = grads[bKeys[l] as string] as Float64Array
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
      // delta now holds ∂J/∂s_h through the policy.
      for (let i = 0; i < 2 * N; i++) lam[i] = (lam[i] as number) + (delta[i] as number)
      lamNext.set(lam)
    }
    return cost
  }
}

/**
 * Mean rollout cost of the pendulum under a float64 MLP policy and its exact gradient by
 * back-propagation through time: J = (1/(N(H+1))) Σ_i w_i Σ_{h=0}^{H} ‖s_h − s*_i‖² + c u_h²,
 * s_{h+1} = f(s_h, u_h) (see pendulum). Adjoint λ_h = ∂c_h/∂s_h + (∂f/∂s)ᵀλ_{h+1} + (∂u/∂s)ᵀ g_h with
 * g_h = ∂c_h/∂u_h + (∂f/∂u)ᵀλ_{h+1}, ∂f/∂s = [[1, dt], [−dt g cos θ / l², 1]], ∂f/∂u = (0, dt/(m l²)).
 * @example const { cost, grads } = pendulumCostAndGradient(pendulum(), mlpPolicy({ rng: 0 }), [[Math.PI - 0.5, 0]], 100)
 */
export function pendulumCostAndGradient(system: Pendulum, policy: MlpPolicy, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): { cost: number; grads: Params } {
  assertKnownOptions('pendulumCostAndGradient', options, ['targets', 'stateWeights'])
  const grads: Params = {}
  for (const [k, v] of Object.entries(policy.params)) grads[k] = new Float64Array(v.length)
  const cost = new PendulumKernel(system, policy.sizes, states, horizon, options).evaluate(policy.params, grads)
  return { cost, grads }
}

/**
 * Mean rollout cost of a float64 MLP policy (no gradient).
 * @example pendulumPolicyCost(pendulum(), policy, [[0, 0]], 100)
 */
export function pendulumPolicyCost(system: Pendulum, policy: MlpPolicy, states: MatrixLike, horizon: number, options: RolloutCostOptions = {}): number {
  assertKnownOptions('pendulumPolicyCost', options, ['targets', 'stateWeights'])
  return new PendulumKernel(system, policy.sizes, states, horizon, options).evaluate(policy.params)
}

/** Options of {@link trainPendulumPolicy}. */
export interface TrainPendulumPolicyOptions extends RolloutCostOptions {
  system: Pendulum
  policy: MlpPolicy
  trainStates: MatrixLike
  /** Horizon H (default 100, the paper's). */
  horizon?: number
  /** Optimizer or spec (default { type: 'adam', lr: 1e-3 }). */
  optimizer?: OptimizerSpec | Optimizer
  steps: number
  every?: number
}

/**
 * Train a float64 MLP policy by BPTT (pendulumCostAndGradient) with core's train loop and
 * optimizers; parameters are updated in place, nothing is allocated per step.
 * @example const { history } = trainPendulumPolicy({ system: pendulum(), policy, trainStates: [[2.641, 0], [3.641, 0]], steps: 2000 })
 */
export function trainPendulumPolicy(options: TrainPendulumPolicyOptions): { history: History } {
  assertKnownOptions('trainPendulumPolicy', options, ['system', 'policy', 'trainStates', 'horizon', 'optimizer', 'steps', 'every', 'targets', 'stateWeights'])
  const { system, policy } = options
  if (!system || typeof system.dt !== 'number') throw new Error('system: expected a pendulum() system')
  if (!policy || !policy.params) throw new Error('policy: expected an mlpPolicy')
  const extra: RolloutCostOptions = {}
  if (options.targets !== undefined) extra.targets = options.targets
  if (options.stateWeights !== undefined) extra.stateWeights = options.stateWeights
  const kernel = new PendulumKernel(system, policy.sizes, options.trainStates, options.horizon ?? 100, extra)
  const { history } = train({
    params: policy.params,
    optimizer: options.optimizer ?? { type: 'adam', lr: 1e-3 },
    steps: options.steps,
    ...(options.every !== undefined ? { every: options.every } : {}),
    lossAndGrad: (p, g) => kernel.evaluate(p, g),
  })
  return { history }
}
