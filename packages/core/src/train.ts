import { type Optimizer, type Params } from './optim'
import { resolveOptimizer, TRAINER_OPTION_KEYS, trainerLoop, type TrainerOptions, type TrainerResult, type TrainerState } from './trainer'
import { assertKnownOptions } from './validate'

/** What `record`, `onStep` and `stopWhen` see in {@link train}. */
export interface TrainState extends TrainerState {
  params: Params
  /** ∂loss/∂param at `params`, as `lossAndGrad` wrote it. */
  grad: Params
  optimizer: Optimizer
}

/** Options of {@link train}: the common trainer options plus the parameters and their loss. */
export interface TrainOptions extends Omit<TrainerOptions<TrainState>, 'rng'> {
  /** Named float64 parameters, updated in place. */
  params: Params
  /** Loss at `params`; writes ∂loss/∂param into `grad` (pre-allocated, same shapes; overwrite them). */
  lossAndGrad: (params: Params, grad: Params, step: number) => number
}

/** What {@link train} returns: the trained parameters (the same buffers, updated in place), history, steps, stoppedBy. */
export interface TrainResult extends TrainerResult {
  params: Params
}

/**
 * Minimize a loss over named float64 parameters: at each step compute (loss, grad), record, then
 * update in place, p ← optimizer(p, ∂loss/∂p). Gradient buffers are allocated once; the loop
 * (history, stopping, divergence) is core's {@link trainerLoop}, shared by every trainer.
 * `optimizer` and `steps` are required here (no model-specific default exists).
 * @example
 * const { history } = train({ params: { w }, lossAndGrad: (p, g) => { … return loss }, optimizer: 'gd', lr: 0.1, steps: 1000 })
 */
export function train(options: TrainOptions): TrainResult {
  assertKnownOptions('train', options, ['params', 'lossAndGrad', ...TRAINER_OPTION_KEYS.filter((k) => k !== 'rng')])
  const { params, lossAndGrad } = options
  if (!params || typeof params !== 'object') throw new Error('params: expected an object of Float64Array parameters')
  for (const [k, v] of Object.entries(params)) {
    if (!(v instanceof Float64Array)) throw new Error(`params.${k}: expected a Float64Array`)
  }
  if (typeof lossAndGrad !== 'function') throw new Error('lossAndGrad: expected a function (params, grad, step) => loss')
  if (options.optimizer === undefined) throw new Error("optimizer: required, e.g. 'gd' with lr, or { type: 'adam', lr: 1e-3 }")
  if (options.steps === undefined) throw new Error('steps: required (the maximum number of updates)')
  const optimizer = resolveOptimizer(options, { optimizer: 'gd', lr: 0.01 })
  const grad: Params = {}
  for (const [k, v] of Object.entries(params)) grad[k] = new Float64Array(v.length)
  const loop = trainerLoop<TrainState>(options, { steps: options.steps })
  const state: TrainState = { step: 0, loss: NaN, params, grad, optimizer }
  for (; ; state.step++) {
    state.loss = lossAndGrad(params, grad, state.step)
    if (loop.stop(state)) break
    optimizer.step(params, grad)
  }
  return { params, ...loop.result() }
}
