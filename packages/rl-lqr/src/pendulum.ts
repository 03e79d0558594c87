import { assertFinite, assertKnownOptions, assertPositive, toMatrix, TRAINER_OPTION_KEYS, type MatrixLike, type OptimizerName, type TrainerOptions, type TrainerResult, type TrainerState } from '@theoryml/core'

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

/** Throw unless `system` is a {@link pendulum}. */
export function assertPendulum(system: unknown): asserts system is Pendulum {
  const s = system as Pendulum | undefined
  if (!s || typeof s !== 'object' || typeof s.dt !== 'number' || typeof s.gravity !== 'number') throw new Error('system: expected a pendulum() system')
}

/** Per-state goals and weights of the rollout cost (the paper's non-extrapolating baseline uses both). */
export interface RolloutCostOptions {
  /** Per-state goal states (N × 2, default (π, 0) for all). */
  targets?: MatrixLike
  /** Per-state weights (default 1). */
  stateWeights?: readonly number[]
}

/** The validated `targets` (N × 2, row-major) and `stateWeights` (N) of a rollout from N states. */
export function rolloutTargets(system: Pendulum, N: number, options: RolloutCostOptions): { target: Float64Array; weight: Float64Array } {
  const target = new Float64Array(2 * N)
  if (options.targets !== undefined) target.set(toMatrix('targets', options.targets, { rows: N, columns: 2 }).to1DArray())
  else for (let i = 0; i < N; i++) target[2 * i] = system.target[0]
  const weight = new Float64Array(N).fill(1)
  if (options.stateWeights !== undefined) {
    if (!Array.isArray(options.stateWeights)) throw new Error('stateWeights: expected an array of numbers')
    if (options.stateWeights.length !== N) throw new Error(`stateWeights: expected ${N} weights, got ${options.stateWeights.length}`)
    options.stateWeights.forEach((w, i) => { assertFinite(`stateWeights[${i}]`, w); weight[i] = w })
  }
  return { target, weight }
}

/**
 * Defaults of `trainPendulumController` on both tracks: the paper's MLP (depth 4, width 50) and
 * horizon 100, trained with Adam (lr 1e-3) for 1000 steps (the paper uses SGD 5e-4 over 75k epochs).
 */
export const TRAIN_PENDULUM_CONTROLLER_DEFAULTS: Readonly<{ hidden: readonly number[]; horizon: number; optimizer: OptimizerName; lr: number; steps: number }> = Object.freeze({
  hidden: Object.freeze([50, 50, 50]),
  horizon: 100,
  optimizer: 'adam',
  lr: 1e-3,
  steps: 1000,
})

/** The option names of `trainPendulumController` besides core's trainer options (both tracks). */
export const TRAIN_PENDULUM_CONTROLLER_KEYS = ['system', 'trainStates', 'horizon', 'hidden', 'initial', 'targets', 'stateWeights'] as const

/**
 * Internal: the options of `trainPendulumController`, the same on both tracks but for the controller
 * type C (the float64 or the tfjs `MlpController`) and the state S that `record`, `onStep` and
 * `stopWhen` see; each track names its instance `TrainPendulumControllerOptions`.
 */
export interface TrainPendulumOptionsOf<C, S extends TrainerState> extends TrainerOptions<S>, RolloutCostOptions {
  system: Pendulum
  /** Initial states (θ, ω), one per row. */
  trainStates: MatrixLike
  /** Horizon H (default 100, the paper's). */
  horizon?: number
  /** Hidden widths of a new controller drawn with `rng` (default [50, 50, 50]); not with `initial`. */
  hidden?: readonly number[]
  /** Start from a copy of this controller instead of drawing a new one (it is not modified). */
  initial?: C
}

/** Internal: what `trainPendulumController` returns on either track, C its controller type. */
export interface TrainPendulumResultOf<C> extends TrainerResult {
  /** The trained controller. */
  controller: C
}

/**
 * Internal: the checks both tracks' `trainPendulumController` begin with, in this order: the option
 * names, the system, and an `initial` controller (checked by `assertController`) given without `hidden`.
 * Returns the system.
 */
export function checkTrainPendulumOptions<C, S extends TrainerState>(options: TrainPendulumOptionsOf<C, S>, assertController: (controller: unknown, name: string) => void): Pendulum {
  assertKnownOptions('trainPendulumController', options, [...TRAIN_PENDULUM_CONTROLLER_KEYS, ...TRAINER_OPTION_KEYS])
  const { system } = options
  assertPendulum(system)
  if (options.initial !== undefined) {
    if (options.hidden !== undefined) throw new Error('hidden: give either hidden (a new controller) or initial (a controller to start from), not both')
    assertController(options.initial, 'initial')
  }
  return system
}
