import { assertFinite, assertInteger, trainerLoop, type History, type Recorder, type StopReason, type TrainerLoop, type TrainerOptions, type TrainerState } from '@theoryml/core'

/** Internal: what the fit-then-extra protocol adds to a trainer's state. */
export interface FitState extends TrainerState {
  /** Whether the loss has reached `stopAtLoss` (the extra steps then run). */
  fitted: boolean
}

/** Internal: the fit-then-extra loop and how its run ended. */
export interface FitLoop<S extends FitState> {
  /** Core's loop controller, bounded by steps + extraSteps; call `stop(state)` once per step. */
  loop: TrainerLoop<S>
  /** The common result and the fit, once the loop has stopped at `state`. */
  finish(state: S): { history: History; steps: number; stoppedBy: StopReason; fitted: boolean; stepsToFit: number | null }
}

/**
 * Internal: Slutzky et al.'s protocol on core's {@link trainerLoop}, shared by both trainers: at most
 * `steps` updates until the loss reaches `stopAtLoss`, then `extraSteps` more, in ONE loop, so that
 * the history, `onStep`, `record` and `stopWhen` see one run with one step count. `stoppedBy` is
 * 'stopAtLoss' once the fit and its extra steps are done, 'steps' when the loss never reached
 * `stopAtLoss` (or none was given), else the user's 'stopWhen' or 'signal'.
 */
export function fitThenExtraLoop<S extends FitState>(
  options: Omit<TrainerOptions<S>, 'optimizer' | 'lr' | 'rng'>,
  defaults: { steps: number; extraSteps: number | undefined; columns?: Record<string, Recorder<S>> },
): FitLoop<S> {
  const steps = options.steps ?? defaults.steps
  assertInteger('steps', steps, { min: 0 })
  const stopAtLoss = options.stopAtLoss
  if (stopAtLoss !== undefined) assertFinite('stopAtLoss', stopAtLoss)
  const extraSteps = defaults.extraSteps ?? 0
  assertInteger('extraSteps', extraSteps, { min: 0 })
  if (extraSteps > 0 && stopAtLoss === undefined) throw new Error('extraSteps: counts the updates after the loss reaches stopAtLoss; give stopAtLoss too')
  const userStop = options.stopWhen
  if (userStop !== undefined && typeof userStop !== 'function') throw new Error(`stopWhen: expected a function (state) => boolean, got ${typeof userStop}`)
  let fitAt: number | null = null
  let reason: StopReason | null = null
  const stopWhen = (s: S): boolean => {
    if (fitAt === null) {
      if (stopAtLoss !== undefined && s.loss <= stopAtLoss) {
        fitAt = s.step
        s.fitted = true
      } else if (s.step >= steps) {
        reason = 'steps'
        return true
      }
    }
    if (fitAt !== null && s.step >= fitAt + extraSteps) {
      reason = 'stopAtLoss'
      return true
    }
    return userStop !== undefined && userStop(s)
  }
  // stopAtLoss is handled here (it starts the extra steps instead of stopping)
  const loopOptions: Omit<TrainerOptions<S>, 'optimizer' | 'lr' | 'rng'> = { steps: steps + extraSteps, stopWhen }
  if (options.every !== undefined) loopOptions.every = options.every
  if (options.record !== undefined) loopOptions.record = options.record
  if (options.onStep !== undefined) loopOptions.onStep = options.onStep
  if (options.signal !== undefined) loopOptions.signal = options.signal
  const loop = trainerLoop<S>(loopOptions, { steps: steps + extraSteps, ...(defaults.columns ? { columns: defaults.columns } : {}) })
  return {
    loop,
    finish(state) {
      const result = loop.result()
      // the step bound is checked before stopWhen: a loss at stopAtLoss on the very last step is a fit
      if (fitAt === null && stopAtLoss !== undefined && state.loss <= stopAtLoss) {
        fitAt = state.step
        state.fitted = true
      }
      let stoppedBy = result.stoppedBy
      if (reason !== null && stoppedBy === 'stopWhen') stoppedBy = reason
      else if (stoppedBy === 'steps' && fitAt !== null) stoppedBy = 'stopAtLoss'
      return { ...result, stoppedBy, fitted: stopAtLoss === undefined || fitAt !== null, stepsToFit: fitAt }
    },
  }
}
