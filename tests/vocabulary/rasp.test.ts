// The training vocabulary (docs/CONTRIBUTING.md): every rasp trainer (trainTransformer,
// lengthGeneralization) with the common options and the common result, through the package entries.
import { initTf } from '@theoryml/core/tf'
import { copyTask } from '@theoryml/rasp'
import { createTransformer, lengthGeneralization, trainTransformer, type Transformer } from '@theoryml/rasp/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => {
  await initTf()
})

const task = copyTask({ symbols: 4 })
const sizes = { dModel: 8, heads: 2, layers: 1, maxPositions: 24 }
const data = { task, trainLengths: [1, 2], contextLength: 16, batchSize: 4 }

describe('rasp trainers speak the vocabulary', () => {
  test('trainTransformer: optimizer + lr, steps, every, record(state), onStep, rng; the common result', () => {
    const model = createTransformer({ vocabSize: task.vocabSize, ...sizes, rng: 0 })
    const rows: number[] = []
    const r = trainTransformer(model, {
      ...data, optimizer: 'adam', lr: 3e-3, steps: 6, every: 2, rng: 1,
      record: { extra: (s) => s.lr },
      onStep: (s, h) => { rows.push(s.step); expect(h.step.at(-1)).toBe(s.step) },
    })
    expect(r.model).toBe(model)
    expect(r.history.step).toEqual([0, 2, 4, 6])
    expect(r.history.loss).toHaveLength(4)
    expect(r.history.extra).toHaveLength(4)
    expect(rows).toEqual([0, 2, 4, 6])
    expect(r).toMatchObject({ steps: 6, stoppedBy: 'steps' })

    // A spec instead of name + lr; early stopping and cancellation.
    const spec = { optimizer: { type: 'gd', lr: 1e-2 } as const, steps: 50, rng: 2 }
    expect(trainTransformer(model, { ...data, ...spec, stopWhen: (s) => s.step === 3 })).toMatchObject({ steps: 3, stoppedBy: 'stopWhen' })
    expect(trainTransformer(model, { ...data, ...spec, stopAtLoss: 1e9 })).toMatchObject({ steps: 0, stoppedBy: 'stopAtLoss' })
    const ac = new AbortController()
    ac.abort()
    expect(trainTransformer(model, { ...data, ...spec, signal: ac.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    // The same rng gives the same run.
    const again = (seed: number): number[] => {
      const m: Transformer = createTransformer({ vocabSize: task.vocabSize, ...sizes, rng: 0 })
      const loss = trainTransformer(m, { ...data, optimizer: 'adam', lr: 3e-3, steps: 3, every: 1, rng: seed }).history.loss
      m.dispose()
      return loss
    }
    expect(again(5)).toEqual(again(5))
    model.dispose()
  })

  test('lengthGeneralization: the common options per seed, the common result per run and in aggregate', () => {
    const rows: Array<[number, number]> = []
    const common = { ...data, model: sizes, testLengths: [1, 3], evalSamples: 4, seeds: [0, 1] }
    const r = lengthGeneralization({
      ...common, optimizer: 'adam', lr: 3e-3, steps: 4, every: 2,
      record: { extra: (s) => s.seed },
      onStep: (s) => void rows.push([s.seedIndex, s.step]),
    })
    // Learned models: each run's training result (models returned with keepModels), and the measurement.
    expect(r.runs.map((run) => run.seed)).toEqual([0, 1])
    for (const run of r.runs) {
      expect(run.history.step).toEqual([0, 2, 4])
      expect(run.history.extra).toHaveLength(3)
      expect(run).toMatchObject({ steps: 4, stoppedBy: 'steps' })
    }
    expect(r.median).toHaveLength(2)
    expect(r.history.step).toEqual([0, 2, 4, 0, 2, 4])
    expect(r.history.loss).toHaveLength(6)
    expect(r.history.extra).toEqual([0, 0, 0, 1, 1, 1])
    expect(r.history.seedIndex).toEqual([0, 0, 0, 1, 1, 1])
    expect(rows).toEqual([[0, 0], [0, 2], [0, 4], [1, 0], [1, 2], [1, 4]])
    expect(r).toMatchObject({ steps: 8, stoppedBy: 'steps' })

    const kept = lengthGeneralization({ ...common, optimizer: { type: 'adam', lr: 3e-3 }, steps: 20, stopAtLoss: 1e9, keepModels: true })
    expect(kept).toMatchObject({ steps: 0, stoppedBy: 'stopAtLoss' })
    for (const run of kept.runs) {
      expect(run.model?.parameterCount()).toBeGreaterThan(0)
      run.model?.dispose()
    }
    expect(lengthGeneralization({ ...common, steps: 20, stopWhen: (s) => s.step === 2 })).toMatchObject({ steps: 4, stoppedBy: 'stopWhen' })
    const ac = new AbortController()
    ac.abort()
    const cut = lengthGeneralization({ ...common, steps: 20, signal: ac.signal })
    expect(cut).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    expect(cut.runs).toHaveLength(1)
  })
})
