/**
 * The training vocabulary every theoryml trainer speaks, on both tracks: the common options
 * ({@link TrainerOptions}), the common result ({@link TrainerResult}), the optimizer choice rule
 * ({@link resolveOptimizer}), and the loop controller ({@link trainerLoop}) that records history,
 * detects divergence and decides when to stop, so that no trainer re-implements them.
 */
import { createOptimizer, type Optimizer, type OptimizerName, type OptimizerSpec } from './optim'
import { type Rng } from './rng'
import { assertFinite, assertInteger, assertPositive } from './validate'

/** Recorded metrics as columns: `history.step[i]` is the step at which row i was taken. */
export type History = Record<string, Array<number | number[]>> & { step: number[]; loss: number[] }

/** What every trainer's `record`, `onStep` and `stopWhen` callbacks receive (each trainer adds its own fields). */
export interface TrainerState {
  /** Number of updates applied so far. */
  step: number
  /** The loss at the current parameters. */
  loss: number
}

/** A recorder: one history column, computed from the trainer's state at each recorded row. */
export type Recorder<S> = (state: S) => number | readonly number[] | Float64Array

/** Why a trainer stopped. */
export type StopReason = 'steps' | 'stopAtLoss' | 'stopWhen' | 'signal'

/**
 * The options every trainer accepts, with the same meaning everywhere (docs/CONTRIBUTING.md has the
 * table). A trainer documents its defaults for `optimizer`, `lr` and `steps`.
 */
export interface TrainerOptions<S extends TrainerState = TrainerState> {
  /** 'gd', 'momentum', 'adam', 'groupRmsprop' or 'adaptiveGd' with `lr`; or a spec `{ type, lr, … }`; or (float64 track) an optimizer instance. */
  optimizer?: OptimizerName | OptimizerSpec | Optimizer
  /** Learning rate, when `optimizer` is a name (giving both `lr` and a spec is an error). */
  lr?: number
  /** Maximum number of updates. */
  steps?: number
  /** Take a history row every `every` steps (default max(1, ⌊steps/100⌋)); the first and the last row always. */
  every?: number
  /** Extra history columns, by name: each computed from the state at every recorded row. */
  record?: Record<string, Recorder<S>>
  /** Progress callback, called at every recorded row with the state and the history so far. */
  onStep?: (state: S, history: History) => void
  /** Stop once the loss is at or below this value. */
  stopAtLoss?: number
  /** Stop when this returns true (checked every step, before the update). */
  stopWhen?: (state: S) => boolean
  /** Stop between steps once this signal is aborted. */
  signal?: AbortSignal
  /** Seed or stream for everything random in the run (initialization, sampling, batches). */
  rng?: Rng | number
}

/** What every trainer returns beside its learned parameters. */
export interface TrainerResult {
  /** The recorded rows: `step`, `loss`, the trainer's own columns and those of `record`. */
  history: History
  /** Number of updates applied. */
  steps: number
  /** Why training stopped. */
  stoppedBy: StopReason
}

/** The option names of {@link TrainerOptions}, for `assertKnownOptions`. */
export const TRAINER_OPTION_KEYS = ['optimizer', 'lr', 'steps', 'every', 'record', 'onStep', 'stopAtLoss', 'stopWhen', 'signal', 'rng'] as const

const OPTIMIZER_NAMES: readonly OptimizerName[] = ['gd', 'momentum', 'adam', 'groupRmsprop', 'adaptiveGd']

/**
 * The optimizer spec a trainer's options ask for, by one rule everywhere: a name takes `lr` (or the
 * trainer's default learning rate), a spec carries its own `lr` (giving `lr` beside it throws), and
 * no choice means the trainer's default name with `lr`. The tfjs track builds its optimizer from
 * this spec (`tfOptimizer`); the float64 track uses {@link resolveOptimizer}.
 * @example resolveOptimizerSpec({ optimizer: 'adam', lr: 3e-3 }, { optimizer: 'gd', lr: 1e-2 }) // { type: 'adam', lr: 0.003 }
 */
export function resolveOptimizerSpec(
  options: Pick<TrainerOptions, 'optimizer' | 'lr'>,
  defaults: { optimizer: OptimizerName; lr: number },
): OptimizerSpec {
  const choice = options.optimizer ?? defaults.optimizer
  if (typeof choice === 'string') {
    if (!OPTIMIZER_NAMES.includes(choice)) throw new Error(`optimizer: expected one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or a spec { type, lr }, got '${choice}'`)
    const lr = options.lr ?? defaults.lr
    assertPositive('lr', lr)
    return { type: choice, lr } as OptimizerSpec
  }
  if (!choice || typeof choice !== 'object') throw new Error(`optimizer: expected a name or a spec { type, lr }, got ${String(choice)}`)
  if (options.lr !== undefined) throw new Error("lr: give the learning rate inside the optimizer spec, or name the optimizer ('adam', …) and pass lr beside it")
  if (typeof (choice as Optimizer).step === 'function') throw new Error('optimizer: an optimizer instance works on the float64 track only; give a spec { type, lr }')
  return choice as OptimizerSpec
}

/**
 * The float64 optimizer a trainer's options ask for (see {@link resolveOptimizerSpec} for the rule);
 * an optimizer instance passes through.
 * @example const opt = resolveOptimizer({ optimizer: 'groupRmsprop', lr: 1e-2 }, { optimizer: 'gd', lr: 1e-2 })
 */
export function resolveOptimizer(
  options: Pick<TrainerOptions, 'optimizer' | 'lr'>,
  defaults: { optimizer: OptimizerName; lr: number },
): Optimizer {
  const choice = options.optimizer
  if (choice && typeof choice === 'object' && typeof (choice as Optimizer).step === 'function') {
    if (options.lr !== undefined) throw new Error('lr: set the learning rate on the optimizer instance, not beside it')
    return choice as Optimizer
  }
  return createOptimizer(resolveOptimizerSpec(options, defaults))
}

const DIVERGENCE_BRAND = Symbol.for('@theoryml/core/DivergenceError')

/**
 * Thrown by every trainer when the loss becomes non-finite: names the step and the last finite loss.
 * `instanceof DivergenceError` holds across copies of core (an app that loads both its ESM and CJS
 * builds gets two classes): the check reads a `Symbol.for` brand, not the prototype chain.
 * @example try { train(…) } catch (e) { if (e instanceof DivergenceError) console.log(e.step) }
 */
export class DivergenceError extends Error {
  /** @internal */
  readonly [DIVERGENCE_BRAND] = true

  /** True for a DivergenceError made by any copy of @theoryml/core. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DIVERGENCE_BRAND] === true
  }

  constructor(readonly step: number, readonly lastFiniteLoss: number | undefined, readonly loss: number) {
    super(
      `training diverged: loss is ${loss} at step ${step}` +
        (lastFiniteLoss === undefined ? '' : ` (last finite loss ${lastFiniteLoss.toPrecision(6)})`) +
        '; lower the learning rate or the initialization scale',
    )
    this.name = 'DivergenceError'
  }
}

/** The loop controller returned by {@link trainerLoop}. */
export interface TrainerLoop<S extends TrainerState> {
  /** The number of steps the run may take. */
  readonly steps: number
  /**
   * Call once per step with the loss at the current parameters (before the update): throws a
   * DivergenceError on a non-finite loss, takes a history row when one is due (then calls
   * `onStep`), and returns true when the run must stop now (no update follows).
   */
  stop(state: S): boolean
  /** The history, the number of updates applied and why the run stopped. */
  result(): TrainerResult
}

/**
 * The one training loop controller behind every trainer: validates the common options, records
 * `history` (step, loss, the trainer's own `columns`, then the user's `record` columns) every
 * `every` steps and at the first and last step, calls `onStep` at each row, throws
 * {@link DivergenceError} on a non-finite loss, and stops at `steps`, at `stopAtLoss`, when
 * `stopWhen` says so, or when `signal` is aborted. The trainer owns the parameters and the update:
 * @example
 * const loop = trainerLoop(options, { steps: 1000, columns: { norm: (s) => s.norm } })
 * for (const state = { step: 0, loss: NaN }; ; state.step++) {
 *   state.loss = lossAndGrad()
 *   if (loop.stop(state)) break
 *   update()
 * }
 * return { weights, ...loop.result() }
 */
export function trainerLoop<S extends TrainerState>(
  options: Omit<TrainerOptions<S>, 'optimizer' | 'lr' | 'rng'>,
  defaults: { steps: number; columns?: Record<string, Recorder<S>> },
): TrainerLoop<S> {
  const steps = options.steps ?? defaults.steps
  assertInteger('steps', steps, { min: 0 })
  const every = options.every ?? Math.max(1, Math.floor(steps / 100))
  assertInteger('every', every, { min: 1 })
  const stopAtLoss = options.stopAtLoss
  if (stopAtLoss !== undefined) assertFinite('stopAtLoss', stopAtLoss)
  for (const [name, f] of [['onStep', options.onStep], ['stopWhen', options.stopWhen]] as const) {
    if (f !== undefined && typeof f !== 'function') throw new Error(`${name}: expected a function (state) => …, got ${typeof f}`)
  }
  const user = options.record ?? {}
  if (typeof user !== 'object' || user === null) throw new Error('record: expected an object of functions (state) => number | number[]')
  const recorders: Array<[string, Recorder<S>]> = []
  for (const [name, f] of [...Object.entries(defaults.columns ?? {}), ...Object.entries(user)]) {
    if (typeof f !== 'function') throw new Error(`record.${name}: expected a function (state) => number | number[]`)
    if (name === 'step' || name === 'loss') throw new Error(`record.${name}: '${name}' is always recorded; choose another column name`)
    recorders.push([name, f])
  }
  const history = { step: [], loss: [] } as unknown as History
  for (const [name] of recorders) history[name] = []
  let lastFinite: number | undefined
  let stoppedBy: StopReason = 'steps'
  let applied = 0
  const row = (state: S): void => {
    history.step.push(state.step)
    history.loss.push(state.loss)
    for (const [name, fn] of recorders) {
      const v = fn(state)
      ;(history[name] as Array<number | number[]>).push(typeof v === 'number' ? v : Array.from(v))
    }
    options.onStep?.(state, history)
  }
  return {
    steps,
    stop(state) {
      const { step, loss } = state
      if (typeof loss !== 'number') throw new Error(`loss: expected the loss at step ${step} to be a number, got ${loss === null ? 'null' : typeof loss} (does lossAndGrad return it?)`)
      if (!Number.isFinite(loss)) throw new DivergenceError(step, lastFinite, loss)
      lastFinite = loss
      applied = step
      let reason: StopReason | null = null
      if (step >= steps) reason = 'steps'
      else if (stopAtLoss !== undefined && loss <= stopAtLoss) reason = 'stopAtLoss'
      else if (options.stopWhen?.(state)) reason = 'stopWhen'
      else if (options.signal?.aborted) reason = 'signal'
      if (step % every === 0 || reason !== null) row(state)
      if (reason !== null) stoppedBy = reason
      return reason !== null
    },
    result: () => ({ history, steps: applied, stoppedBy }),
  }
}
