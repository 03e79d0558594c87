// Every trainer of @theoryml/ssm speaks core's training vocabulary (issue 16): the common options
// and the common result, on both tracks, imported from the package entries as users do.
import { initTf } from '@theoryml/core/tf'
import { baselineSequences, dataset, gradientFlow, lowDimTeacher, specialSequences, trainSsm } from '@theoryml/ssm'
import { networkDataset, ssmNetwork, trainSsmNetwork } from '@theoryml/ssm/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => {
  await initTf()
})

const sequences = () => [
  baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 1 }),
  specialSequences({ length: 6, count: 4, values: 'gaussian', rng: 2 }),
]

/** The common result: one history row per recorded step, onStep once per row, steps and stoppedBy. */
function expectCommon(r: { history: Record<string, unknown[]> & { step: number[]; loss: number[] }; steps: number; stoppedBy: string }, calls: number[], steps: number, every: number) {
  const rows = Array.from({ length: Math.floor(steps / every) + 1 }, (_, i) => i * every)
  if (rows.at(-1) !== steps) rows.push(steps)
  expect(r.steps).toBe(steps)
  expect(r.stoppedBy).toBe('steps')
  expect(r.history.step).toEqual(rows)
  expect(r.history.loss).toHaveLength(rows.length)
  expect(r.history.extra).toHaveLength(rows.length)
  expect(r.history.extra).toEqual(rows.map((t) => 2 * t))
  expect(calls).toEqual(rows)
}

describe('@theoryml/ssm trainers speak the vocabulary', () => {
  test('trainSsm (float64): optimizer + lr, steps, every, record, onStep, stopWhen/stopAtLoss, signal, init + rng', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: sequences() })
    const calls: number[] = []
    const signal = new AbortController().signal
    const common = { optimizer: 'adam', lr: 1e-3, steps: 25, every: 10, record: { extra: (s: { step: number }) => 2 * s.step }, onStep: (s: { step: number }) => void calls.push(s.step), signal, init: 'normal', dim: 6, rng: 3 } as const
    const r = trainSsm({ data, ...common })
    expect(r.student.dim).toBe(6)
    expect(r.student.a).toBeInstanceOf(Float64Array)
    expectCommon(r, calls, 25, 10)
    // the same seed draws the same student and trains it to the same numbers
    expect(Array.from(trainSsm({ data, ...common, onStep: () => {} }).student.a)).toEqual(Array.from(r.student.a))
    // a spec, and an optimizer instance (gradient flow, this package's) in the same `optimizer` slot
    expect(trainSsm({ data, dim: 6, rng: 3, optimizer: { type: 'adaptiveGd', lr: 0.01 }, steps: 5 })).toMatchObject({ steps: 5, stoppedBy: 'steps' })
    const byWhen = trainSsm({ data, dim: 6, rng: 3, optimizer: gradientFlow({ lr: 1e-3 }), steps: 100, stopWhen: (s) => s.step === 12 })
    expect(byWhen).toMatchObject({ steps: 12, stoppedBy: 'stopWhen' })
    const byLoss = trainSsm({ data, dim: 6, rng: 3, optimizer: 'adaptiveGd', lr: 0.01, steps: 100_000, stopAtLoss: 0.05 })
    expect(byLoss.stoppedBy).toBe('stopAtLoss')
    expect(byLoss.history.loss.at(-1)).toBeLessThanOrEqual(0.05)
    const aborted = new AbortController()
    aborted.abort()
    expect(trainSsm({ data, dim: 6, steps: 100, signal: aborted.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
  })

  test('trainSsmNetwork (tfjs): optimizer + lr or a spec, steps, every, record, onStep, stopWhen/stopAtLoss, signal', () => {
    const teacher = ssmNetwork({ stateDim: 1, hidden: 3, depth: 1, initial: { a: [1], b: [1], c: [1], output: [[[1, 1, 1]], [[0.5], [0.5], [0.5]]] } })
    const data = networkDataset({ teacher, sequences: sequences() })
    const network = ssmNetwork({ stateDim: 3, hidden: 3, depth: 1, initStd: 0.3, mlpInitStd: 0.3, rng: 4 })
    const calls: number[] = []
    const r = trainSsmNetwork({
      network, data, optimizer: 'adam', lr: 1e-2, steps: 25, every: 10, signal: new AbortController().signal,
      record: { extra: (s) => 2 * s.step }, onStep: (s) => void calls.push(s.step),
    })
    expect(r.network).toBe(network)
    expectCommon(r, calls, 25, 10)
    const byWhen = trainSsmNetwork({ network, data, optimizer: { type: 'adam', lr: 1e-2, eps: 1e-3 }, steps: 100, stopWhen: (s) => s.step === 4 })
    expect(byWhen).toMatchObject({ steps: 4, stoppedBy: 'stopWhen' })
    const start = r.history.loss[0] as number
    const byLoss = trainSsmNetwork({ network, data, optimizer: 'adam', lr: 1e-2, steps: 5000, stopAtLoss: 0.5 * start })
    expect(byLoss.stoppedBy).toBe('stopAtLoss')
    const aborted = new AbortController()
    aborted.abort()
    expect(trainSsmNetwork({ network, data, steps: 100, signal: aborted.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    network.dispose()
    teacher.dispose()
  })
})
