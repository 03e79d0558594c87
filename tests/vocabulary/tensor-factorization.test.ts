// Every trainer of @theoryml/tensor-factorization speaks core's trainer vocabulary: the same common
// options (optimizer + lr or a spec, steps, every, record, onStep, stopWhen/stopAtLoss, signal, rng)
// and the same result (learned parameters, history, steps, stoppedBy), on both entries.
import { createRng, Matrix, sampleObservations, type History } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { cpCompletion, cpToTensor, htf, htfCompletion, htfToTensor, isSameClassSequences, randomCp } from '@theoryml/tensor-factorization'
import { locallyConnected, trainLocallyConnected, trainLocalConvNet } from '@theoryml/tensor-factorization/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => {
  await initTf({ warn: false })
})

/** The common options of one run: 6 steps, a row every 2 steps, one extra column, onStep counted. */
function common<S extends { step: number; loss: number }>(calls: { n: number }, extra: (s: S) => number) {
  return {
    steps: 6,
    every: 2,
    record: { extra },
    onStep: (_s: S, _h: History) => {
      calls.n++
    },
    signal: new AbortController().signal,
  }
}

/** One row per recorded step (0, 2, 4, 6), the extra column beside step and loss, onStep once per row. */
function expectCommon(res: { history: History; steps: number; stoppedBy: string }, calls: { n: number }): void {
  expect(res.history.step).toEqual([0, 2, 4, 6])
  expect(res.history.loss).toHaveLength(4)
  expect(res.history.extra).toHaveLength(4)
  expect(res.history.loss.every(Number.isFinite)).toBe(true)
  expect(res.steps).toBe(6)
  expect(res.stoppedBy).toBe('steps')
  expect(calls.n).toBe(4)
}

describe('float64 track (@theoryml/tensor-factorization)', () => {
  const shape = [4, 3, 5]
  const target = cpToTensor(randomCp(shape, 2, 1))
  const observations = sampleObservations(target, { count: 30, rng: 2 })

  test('cpCompletion', () => {
    const calls = { n: 0 }
    const res = cpCompletion({ shape, observations, rank: 3, init: 'gaussian', initStd: 0.3, optimizer: 'adam', lr: 1e-2, rng: createRng(3), ...common(calls, (s) => s.componentNorms[0]!) })
    expectCommon(res, calls)
    expect(res.factors.map((f) => [f.rows, f.columns])).toEqual([[4, 3], [3, 3], [5, 3]])
    const early = cpCompletion({ shape, observations, rank: 3, initStd: 0.3, optimizer: { type: 'gd', lr: 0.05 }, steps: 50, rng: 3, stopWhen: (s) => s.step === 5 })
    expect([early.steps, early.stoppedBy]).toEqual([5, 'stopWhen'])
    const atLoss = cpCompletion({ shape, observations, rank: 3, initStd: 0.3, steps: 50, rng: 3, stopAtLoss: 1e6 })
    expect([atLoss.steps, atLoss.stoppedBy]).toEqual([0, 'stopAtLoss'])
  })

  test('htfCompletion', () => {
    const hShape = [3, 2, 3, 2]
    const hTarget = htfToTensor(htf({ shape: hShape, widths: 2, rng: 4 }))
    const hObs = sampleObservations(hTarget, { count: 20, rng: 5 })
    const calls = { n: 0 }
    const res = htfCompletion({ shape: hShape, observations: hObs, widths: 2, init: 'gaussian', initStd: 0.5, optimizer: 'adam', lr: 1e-2, rng: 6, ...common(calls, (s) => s.componentNorms[0]!) })
    expectCommon(res, calls)
    expect(res.htf.weights).toHaveLength(7)
    expect(res.htf.shape).toEqual(hShape)
    const early = htfCompletion({ shape: hShape, observations: hObs, widths: 2, initStd: 0.5, optimizer: { type: 'adam', lr: 1e-2 }, steps: 50, rng: 6, stopWhen: (s) => s.step === 5 })
    expect([early.steps, early.stoppedBy]).toEqual([5, 'stopWhen'])
  })
})

describe('tfjs track (@theoryml/tensor-factorization/tf)', () => {
  test('trainLocallyConnected', () => {
    const task = isSameClassSequences({ length: 8, channels: 2, segment: 1, gap: 6, train: 32, test: 8, rng: 7 })
    const model = locallyConnected({ length: 8, channels: 2, hidden: 4, rng: 8 })
    const calls = { n: 0 }
    const res = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, batchSize: 16, optimizer: 'adam', lr: 1e-2, rng: 9, regularizer: { lambda: 0.1, patch: task.patch, swap: task.swap }, ...common(calls, (s) => s.regularizer) })
    expectCommon(res, calls)
    expect(res.model).toBe(model)
    expect(res.history.extra).toEqual(res.history.regularizer)
    const early = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, optimizer: { type: 'adam', lr: 1e-2 }, steps: 50, rng: 9, stopWhen: (s) => s.step === 5 })
    expect([early.steps, early.stoppedBy]).toEqual([5, 'stopWhen'])
    model.dispose()
  })

  test('trainLocalConvNet', () => {
    const rng = createRng(10)
    const X = new Matrix(24, 8)
    const y: number[] = []
    for (let m = 0; m < 24; m++) {
      y.push(m % 2 === 0 ? 1 : -1)
      for (let f = 0; f < 8; f++) X.set(m, f, rng.normal() + (m % 2 === 0 ? 0.5 : -0.5))
    }
    const calls = { n: 0 }
    const net = trainLocalConvNet(X, y, { channels: 4, optimizer: 'adam', lr: 1e-2, rng: 11, ...common(calls, (s) => s.loss * 2) })
    expectCommon(net, calls)
    expect(net.model.layers).toHaveLength(3)
    expect(net.predict(X)).toHaveLength(24)
    net.dispose()
    const early = trainLocalConvNet(X, y, { channels: 4, optimizer: { type: 'adam', lr: 1e-2 }, steps: 50, rng: 11, stopAtLoss: 1e6 })
    expect([early.steps, early.stoppedBy]).toEqual([0, 'stopAtLoss'])
    early.dispose()
  })
})
