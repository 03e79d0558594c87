import { createOptimizer, type Optimizer, type OptimizerSpec, type Params } from './optim'
import { assertInteger, assertKnownOptions } from './validate'

/** Recorded metrics as columns: `history.step[i]` is the step at which row i was taken. */
export type History = Record<string, Array<number | number[]>> & { step: number[]; loss: number[] }

/** What recorders and callbacks see. */
export interface TrainState {
  /** Number of updates applied so far. */
  step: number
  /** The loss at the current parameters. */
  loss: number
  params: Params
  grads: Params
  optimizer: Optimizer
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Named float64 parameters, updated in place. */
  params: Params
  /** Loss at `params`; writes ∂loss/∂param into `grads` (pre-allocated, same shapes; overwrite them). */
  lossAndGrad: (params: Params, grads: Params, step: number) => number
  /** An optimizer or its spec. */
  optimizer: Optimizer | OptimizerSpec
  /** Maximum number of updates. */
  steps: number
  /** Extra metrics to record, by column name; each returns a number or a vector. */
  record?: Record<string, (state: TrainState) => number | number[] | Float64Array>
  /** Record every `every` steps (default max(1, steps/100)); step 0 and the last step always. */
  every?: number
  /** Stop early when this returns true (checked every step, before the update). */
  stopWhen?: (state: TrainState) => boolean
  /** Called each time a row is recorded. */
  onProgress?: (state: TrainState, history: History) => void
  /** Abort between steps. */
  signal?: AbortSignal
}

/** What {@link train} returns. */
export interface TrainResult {
  params: Params
  history: History
  /** Why training stopped. */
  stoppedBy: 'steps' | 'stopWhen' | 'signal'
  /** Number of updates applied. */
  steps: number
}

const DIVERGENCE_BRAND = Symbol.for('@theoryml/core/DivergenceError')

/**
 * Thrown when the loss becomes non-finite: names the step and the last finite loss.
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

/**
 * Minimize a loss over named float64 parameters: at each step compute (loss, grads), record, then
 * update in place. Gradient buffers are allocated once. A non-finite loss throws a DivergenceError.
 * @example
 * const { history } = train({ params: { w }, lossAndGrad: (p, g) => { … return loss }, optimizer: { type: 'gd', lr: 0.1 }, steps: 1000 })
 */
export function train(options: TrainOptions): TrainResult {
  assertKnownOptions('train', options, ['params', 'lossAndGrad', 'optimizer', 'steps', 'record', 'every', 'stopWhen', 'onProgress', 'signal'])
  const { params, lossAndGrad, steps } = options
  if (!params || typeof params !== 'object') throw new Error('params: expected an object of Float64Array parameters')
  for (const [k, v] of Object.entries(params)) {
    if (!(v instanceof Float64Array)) throw new Error(`params.${k}: expected a Float64Array`)
  }
  if (typeof lossAndGrad !== 'function') throw new Error('lossAndGrad: expected a function (params, grads, step) => loss')
  assertInteger('steps', steps, { min: 0 })
  const every = options.every ?? Math.max(1, Math.floor(steps / 100))
  assertInteger('every', every, { min: 1 })
  const optimizer = createOptimizer(options.optimizer)
  const grads: Params = {}
  for (const [k, v] of Object.entries(params)) grads[k] = new Float64Array(v.length)
  const history = { step: [], loss: [] } as unknown as History
  const recorders = Object.entries(options.record ?? {})
  for (const [name] of recorders) history[name] = []
  const state: TrainState = { step: 0, loss: NaN, params, grads, optimizer }
  let lastFinite: number | undefined
  let stoppedBy: TrainResult['stoppedBy'] = 'steps'

  const recordRow = (): void => {
    history.step.push(state.step)
    history.loss.push(state.loss)
    for (const [name, fn] of recorders) {
      const v = fn(state)
      ;(history[name] as Array<number | number[]>).push(typeof v === 'number' ? v : Array.from(v))
    }
    options.onProgress?.(state, history)
  }

  for (let step = 0; ; step++) {
    state.step = step
    const loss = lossAndGrad(params, grads, step)
    if (!Number.isFinite(loss)) throw new DivergenceError(step, lastFinite, loss)
    lastFinite = loss
    state.loss = loss
    const last = step === steps
    const stop = options.stopWhen?.(state) ?? false
    const aborted = options.signal?.aborted ?? false
    if (step % every === 0 || last || stop || aborted) recordRow()
    if (last) break
    if (stop) { stoppedBy = 'stopWhen'; break }
    if (aborted) { stoppedBy = 'signal'; break }
    optimizer.step(params, grads)
  }
  return { params, history, stoppedBy, steps: state.step }
}
