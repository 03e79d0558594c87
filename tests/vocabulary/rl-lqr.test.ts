// Every trainer of @theoryml/rl-lqr speaks core's trainer vocabulary (issue 16): the common options
// (optimizer + lr or a spec, steps, every, record, onStep, stopWhen/stopAtLoss, signal, rng) and the
// common result (learned parameters, history, steps, stoppedBy), on both tracks.
import { beforeAll, describe, expect, test } from 'vitest'
import { Matrix } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { basisStates, pendulum, pendulumCost, policyGradient, shiftSystem, trainPendulumController } from '@theoryml/rl-lqr'
import * as tfTrack from '@theoryml/rl-lqr/tf'

/** The common options, with an onStep that records the steps it sees in `seen`. */
function common() {
  const seen: number[] = []
  return {
    seen,
    options: {
      steps: 6,
      every: 2,
      record: { extra: (s: { step: number; loss: number }) => 2 * s.loss },
      onStep: (s: { step: number }, history: { step: number[] }) => {
        seen.push(s.step)
        expect(history.step.at(-1)).toBe(s.step)
      },
      signal: new AbortController().signal,
    },
  }
}

function expectCommonResult(r: { history: { step: number[]; loss: number[]; extra?: unknown }; steps: number; stoppedBy: string }, seen: number[]): void {
  expect(r.history.step).toEqual([0, 2, 4, 6])
  expect(r.history.loss.length).toBe(4)
  expect(r.history.extra).toEqual(r.history.loss.map((l) => 2 * l))
  expect(seen).toEqual(r.history.step)
  expect(r.steps).toBe(6)
  expect(r.stoppedBy).toBe('steps')
}

describe('@theoryml/rl-lqr (float64)', () => {
  const system = shiftSystem(3)
  const trainStates = basisStates(3, 0, 1)

  test('policyGradient', () => {
    const { seen, options } = common()
    const r = policyGradient({ system, trainStates, optimizer: 'gd', lr: 1e-2, ...options })
    expect(r.K).toBeInstanceOf(Matrix)
    expect([r.K.rows, r.K.columns]).toEqual([3, 3])
    expectCommonResult(r, seen)
    const spec = policyGradient({ system, trainStates, optimizer: { type: 'adam', lr: 1e-2 }, steps: 50, stopWhen: (s) => s.step === 3 && s.gradNorm > 0 })
    expect([spec.steps, spec.stoppedBy, spec.history.step.at(-1)]).toEqual([3, 'stopWhen', 3])
    const atLoss = policyGradient({ system, trainStates, lr: 0.1, steps: 10_000, stopAtLoss: 1.5 })
    expect(atLoss.stoppedBy).toBe('stopAtLoss')
    expect(atLoss.history.loss.at(-1) as number).toBeLessThanOrEqual(1.5)
    const controller = new AbortController()
    const aborted = policyGradient({ system, trainStates, steps: 100, onStep: (s) => { if (s.step >= 2) controller.abort() }, every: 1, signal: controller.signal })
    expect([aborted.stoppedBy, aborted.steps]).toEqual(['signal', 3])
  })

  test('trainPendulumController', () => {
    const { seen, options } = common()
    const sys = pendulum()
    const problem = { system: sys, trainStates: [[Math.PI - 0.5, 0], [Math.PI + 0.5, 0]], horizon: 10, hidden: [8] }
    const r = trainPendulumController({ ...problem, optimizer: 'adam', lr: 1e-2, rng: 3, ...options })
    expect(r.controller.sizes).toEqual([2, 8, 1])
    expect(Object.keys(r.controller.params)).toEqual(['W0', 'b0', 'W1', 'b1'])
    expectCommonResult(r, seen)
    expect(r.history.loss.at(-1)).toBe(pendulumCost(sys, r.controller, problem.trainStates, 10))
    const again = trainPendulumController({ ...problem, optimizer: 'adam', lr: 1e-2, rng: 3, steps: 6 })
    expect(again.history.loss.at(-1)).toBe(r.history.loss.at(-1)) // same rng, same run
    const spec = trainPendulumController({ ...problem, optimizer: { type: 'gd', lr: 1e-3 }, rng: 3, steps: 50, stopWhen: (s) => s.step === 2 && s.grad.W0 !== undefined })
    expect([spec.steps, spec.stoppedBy]).toEqual([2, 'stopWhen'])
  })
})

describe('@theoryml/rl-lqr/tf (tfjs)', () => {
  beforeAll(async () => {
    await initTf()
  })

  test('trainPendulumController', () => {
    const { seen, options } = common()
    const sys = pendulum()
    const problem = { system: sys, trainStates: [[Math.PI - 0.5, 0], [Math.PI + 0.5, 0]], horizon: 10, hidden: [8] }
    const r = tfTrack.trainPendulumController({ ...problem, optimizer: 'adam', lr: 1e-2, rng: 3, ...options })
    expect(r.controller.sizes).toEqual([2, 8, 1])
    expect(r.controller.weights.length).toBe(2)
    expectCommonResult(r, seen)
    expect(tfTrack.pendulumCost(sys, r.controller, problem.trainStates, 10) / (r.history.loss.at(-1) as number)).toBeCloseTo(1, 6)
    r.controller.dispose()
    const spec = tfTrack.trainPendulumController({ ...problem, optimizer: { type: 'gd', lr: 1e-3 }, rng: 3, steps: 50, stopAtLoss: 1e9 })
    expect([spec.steps, spec.stoppedBy]).toEqual([0, 'stopAtLoss'])
    spec.controller.dispose()
    const when = tfTrack.trainPendulumController({ ...problem, rng: 3, steps: 50, stopWhen: (s) => s.step === 2 && s.controller.weights.length === 2 })
    expect([when.steps, when.stoppedBy]).toEqual([2, 'stopWhen'])
    when.controller.dispose()
  })
})
