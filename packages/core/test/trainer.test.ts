import { describe, expect, test } from 'vitest'
import { createOptimizer, DivergenceError, resolveOptimizer, resolveOptimizerSpec, trainerLoop, type TrainerState } from '../src/index'

const defaults = { optimizer: 'gd', lr: 0.01 } as const

describe('resolveOptimizerSpec: one rule for the optimizer choice', () => {
  test('a name takes lr (or the default lr); a spec carries its own; no choice means the default', () => {
    expect(resolveOptimizerSpec({ optimizer: 'adam', lr: 3e-3 }, defaults)).toEqual({ type: 'adam', lr: 3e-3 })
    expect(resolveOptimizerSpec({ optimizer: 'adam' }, defaults)).toEqual({ type: 'adam', lr: 0.01 })
    expect(resolveOptimizerSpec({}, defaults)).toEqual({ type: 'gd', lr: 0.01 })
    expect(resolveOptimizerSpec({ lr: 0.5 }, defaults)).toEqual({ type: 'gd', lr: 0.5 })
    expect(resolveOptimizerSpec({ optimizer: { type: 'momentum', lr: 0.1, beta: 0.5 } }, defaults)).toEqual({ type: 'momentum', lr: 0.1, beta: 0.5 })
  })
  test('lr beside a spec, an unknown name, a bad lr and an instance on the tfjs track are errors', () => {
    expect(() => resolveOptimizerSpec({ optimizer: { type: 'adam', lr: 1 }, lr: 2 }, defaults)).toThrow(/lr: give the learning rate inside/)
    expect(() => resolveOptimizerSpec({ optimizer: 'sgd' as never }, defaults)).toThrow(/optimizer: expected one of/)
    expect(() => resolveOptimizerSpec({ optimizer: 'adam', lr: -1 }, defaults)).toThrow(/lr/)
    expect(() => resolveOptimizerSpec({ optimizer: createOptimizer({ type: 'gd', lr: 1 }) }, defaults)).toThrow(/float64 track only/)
  })
  test('resolveOptimizer builds the float64 optimizer and passes an instance through', () => {
    expect(resolveOptimizer({ optimizer: 'adaptiveGd', lr: 0.1 }, defaults).name).toBe('adaptiveGd')
    const opt = createOptimizer({ type: 'adam', lr: 1e-3 })
    expect(resolveOptimizer({ optimizer: opt }, defaults)).toBe(opt)
    expect(() => resolveOptimizer({ optimizer: opt, lr: 1 }, defaults)).toThrow(/lr: set the learning rate on the optimizer instance/)
  })
})

/** Drive a loop over a fixed loss sequence; returns the result and the onStep calls. */
function drive(losses: number[], options: Parameters<typeof trainerLoop<TrainerState & { x: number }>>[0]) {
  const calls: number[] = []
  const loop = trainerLoop<TrainerState & { x: number }>({ ...options, onStep: (s) => void calls.push(s.step) }, { steps: losses.length - 1, columns: { x: (s) => s.x } })
  const state = { step: 0, loss: NaN, x: 0 }
  for (; ; state.step++) {
    state.loss = losses[state.step] as number
    state.x = 10 * state.step
    if (loop.stop(state)) break
  }
  return { ...loop.result(), calls }
}

describe('trainerLoop: history, stopping and divergence for every trainer', () => {
  const losses = [5, 4, 3, 2, 1, 0.5, 0.25, 0.125, 0.0625, 0.03, 0.01]
  test('rows every `every` steps plus the first and last; trainer columns before the user record; onStep at each row', () => {
    const r = drive(losses, { every: 4, record: { twice: (s) => [s.loss, 2 * s.loss] } })
    expect(r.history.step).toEqual([0, 4, 8, 10])
    expect(r.history.loss).toEqual([5, 1, 0.0625, 0.01])
    expect(r.history.x).toEqual([0, 40, 80, 100])
    expect(r.history.twice).toEqual([[5, 10], [1, 2], [0.0625, 0.125], [0.01, 0.02]])
    expect(Object.keys(r.history)).toEqual(['step', 'loss', 'x', 'twice'])
    expect(r.calls).toEqual([0, 4, 8, 10])
    expect(r).toMatchObject({ steps: 10, stoppedBy: 'steps' })
  })
  test('stopAtLoss, stopWhen and signal stop before the update and take a last row', () => {
    expect(drive(losses, { every: 100, stopAtLoss: 0.3 })).toMatchObject({ steps: 6, stoppedBy: 'stopAtLoss', history: { step: [0, 6] } })
    expect(drive(losses, { every: 100, stopWhen: (s) => s.x >= 30 })).toMatchObject({ steps: 3, stoppedBy: 'stopWhen' })
    const ac = new AbortController()
    ac.abort()
    expect(drive(losses, { signal: ac.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
  })
  test('a non-finite loss throws a DivergenceError naming the step and the last finite loss', () => {
    try {
      drive([1, 2, Number.POSITIVE_INFINITY, 3], {})
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(DivergenceError)
      expect((e as DivergenceError).step).toBe(2)
      expect((e as DivergenceError).lastFiniteLoss).toBe(2)
    }
  })
  test('bad options are named', () => {
    expect(() => trainerLoop({ steps: -1 }, { steps: 1 })).toThrow(/steps/)
    expect(() => trainerLoop({ every: 0 }, { steps: 1 })).toThrow(/every/)
    expect(() => trainerLoop({ stopAtLoss: Number.NaN }, { steps: 1 })).toThrow(/stopAtLoss/)
    expect(() => trainerLoop({ record: { loss: () => 1 } }, { steps: 1 })).toThrow(/record.loss: 'loss' is always recorded/)
    expect(() => trainerLoop({ record: { a: 1 as never } }, { steps: 1 })).toThrow(/record.a: expected a function/)
    expect(() => trainerLoop({ onStep: 'x' as never }, { steps: 1 })).toThrow(/onStep: expected a function/)
  })
})

describe('input that used to pass silently (issue 21)', () => {
  test('optimizer decay factors must lie in [0, 1)', () => {
    expect(() => createOptimizer({ type: 'adam', lr: 1e-3, beta1: 1.5 })).toThrow(/beta1: expected a number in \[0, 1\), got 1.5/)
    expect(() => createOptimizer({ type: 'adam', lr: 1e-3, beta1: 1 })).toThrow(/beta1: expected a number in \[0, 1\)/)
    expect(() => createOptimizer({ type: 'adam', lr: 1e-3, beta2: -0.1 })).toThrow(/beta2/)
    expect(() => createOptimizer({ type: 'momentum', lr: 1e-3, beta: 2 })).toThrow(/beta: expected a number in \[0, 1\), got 2/)
    expect(() => createOptimizer({ type: 'groupRmsprop', lr: 1e-3, beta: 1 })).toThrow(/beta: expected a number in \[0, 1\)/)
    expect(createOptimizer({ type: 'adam', lr: 1e-3, beta1: 0 }).name).toBe('adam')
  })
  test('a loss function returning no number is named as such, not reported as divergence', () => {
    const loop = trainerLoop({}, { steps: 3 })
    expect(() => loop.stop({ step: 0, loss: undefined as never })).toThrow(/loss: expected the loss at step 0 to be a number, got undefined/)
  })
})
