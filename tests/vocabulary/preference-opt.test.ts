// The training vocabulary (docs/CONTRIBUTING.md) in @theoryml/preference-opt: every trainer, on both
// tracks, with the common options and the common result.
import { beforeAll, describe, expect, test } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { initTf } from '@theoryml/core/tf'
import { relabeledMixture, trainPreference, ufmPolicy, type TrainPreferenceState } from '@theoryml/preference-opt'
import { disposePolicy, finetune, mlpPolicy, pretrainSoft, type FinetuneState, type PretrainSoftState } from '@theoryml/preference-opt/tf'

const pairs = [{ prompt: 'q', chosen: [2], rejected: [3] }, { prompt: 'r', chosen: [1, 4], rejected: [0] }]

describe('trainPreference (float64)', () => {
  test('optimizer name + lr, steps, every, record(state), onStep, and the common result', () => {
    const model = ufmPolicy({ vocab: 6, dim: 4, rng: 0 })
    const W0 = Float64Array.from(model.W)
    const seen: number[] = []
    const r = trainPreference({
      model, pairs, optimizer: 'adam', lr: 0.05, steps: 12, every: 4,
      record: { extra: (s: TrainPreferenceState) => s.logpChosen[0]! - s.logpRejected[0]!, gradW0: (s) => s.grad.W![0]! },
      onStep: (s, h) => { seen.push(s.step); expect(h.step.at(-1)).toBe(s.step) },
    })
    expect(r.model).toBe(model)
    expect(Array.from(model.W)).not.toEqual(Array.from(W0))
    expect(r.history.step).toEqual([0, 4, 8, 12])
    expect(r.history.loss).toHaveLength(4)
    expect(r.history.extra).toHaveLength(4)
    expect(r.history.gradW0).toHaveLength(4)
    expect(r.history.logpChosen).toHaveLength(4)
    expect(seen).toEqual([0, 4, 8, 12])
    expect(r).toMatchObject({ steps: 12, stoppedBy: 'steps' })
  })

  test('a spec, stopWhen, stopAtLoss and signal', () => {
    const base = { pairs, optimizer: { type: 'gd', lr: 0.5 } as const, steps: 1000, every: 1 }
    let calls = 0
    const a = trainPreference({ ...base, model: ufmPolicy({ vocab: 6, dim: 4, rng: 0 }), stopWhen: (s) => s.step === 5, onStep: () => void calls++ })
    expect(a).toMatchObject({ steps: 5, stoppedBy: 'stopWhen' })
    expect(a.history.step).toEqual([0, 1, 2, 3, 4, 5])
    expect(calls).toBe(6)
    const b = trainPreference({ ...base, model: ufmPolicy({ vocab: 6, dim: 4, rng: 0 }), stopAtLoss: 0.6 })
    expect(b.stoppedBy).toBe('stopAtLoss')
    expect(b.history.loss.at(-1)).toBeLessThanOrEqual(0.6)
    const ac = new AbortController()
    ac.abort()
    expect(trainPreference({ ...base, model: ufmPolicy({ vocab: 6, dim: 4, rng: 0 }), signal: ac.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
  })
})

describe('pretrainSoft and finetune (tfjs track)', () => {
  beforeAll(async () => { await initTf() })
  const task = relabeledMixture({ classes: 3, dim: 4, samplesPerClass: 8, labelsPerClass: 2, relabelFraction: 0.25, rng: 0 })
  const data = { inputs: task.inputs, labels: task.labels }

  test('pretrainSoft: optimizer name + lr, steps, every, record(state), onStep, stopWhen, signal', () => {
    const model = mlpPolicy({ sizes: [4, 8, 3], rng: 1 })
    const w0 = Array.from(model.weights[0]!.dataSync())
    let calls = 0
    const r = pretrainSoft({
      model, inputs: task.inputs, targets: task.pretrainTargets, optimizer: 'adam', lr: 1e-2, steps: 6, every: 2,
      record: { extra: (s: PretrainSoftState) => s.model.biases[0]!.dataSync()[0]! }, onStep: () => void calls++,
    })
    expect(r.model).toBe(model)
    expect(Array.from(model.weights[0]!.dataSync())).not.toEqual(w0)
    expect(r.history.step).toEqual([0, 2, 4, 6])
    expect(r.history.loss).toHaveLength(4)
    expect(r.history.extra).toHaveLength(4)
    expect(calls).toBe(4)
    expect(r).toMatchObject({ steps: 6, stoppedBy: 'steps' })
    expect(pretrainSoft({ model, inputs: task.inputs, targets: task.pretrainTargets, optimizer: { type: 'gd', lr: 0.1 }, steps: 50, stopWhen: (s) => s.step === 3 })).toMatchObject({ steps: 3, stoppedBy: 'stopWhen' })
    const ac = new AbortController()
    ac.abort()
    expect(pretrainSoft({ model, inputs: task.inputs, targets: task.pretrainTargets, steps: 5, signal: ac.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    disposePolicy(model)
  })

  test('finetune: optimizer spec, steps, every, record(state), onStep, rng, stopWhen and stopAtLoss; no tensor leak', () => {
    const model = mlpPolicy({ sizes: [4, 8, 3], rng: 2 })
    const w0 = Array.from(model.weights[0]!.dataSync())
    const before = tf.memory().numTensors
    let calls = 0
    const run = () => finetune({
      model, data, method: 'sft-then-rft', sftSteps: 2, sftFraction: 0.25, optimizer: { type: 'adam', lr: 1e-2 }, steps: 6, every: 3, rng: 3,
      record: { extra: (s: FinetuneState) => -s.loss }, onStep: () => void calls++,
    })
    const r = run()
    expect(tf.memory().numTensors).toBe(before)
    expect(r.model).toBe(model)
    expect(Array.from(model.weights[0]!.dataSync())).not.toEqual(w0)
    expect(r.history.step).toEqual([0, 3, 6])
    expect(r.history.loss).toHaveLength(3)
    expect(r.history.extra).toEqual(r.history.loss.map((l) => -l))
    expect(r.history.smallAccuracy).toHaveLength(3)
    expect(calls).toBe(3)
    expect(r).toMatchObject({ steps: 6, stoppedBy: 'steps' })
    // The rng picks the SFT inputs: the same seed, the same inputs.
    expect(finetune({ model, data, method: 'sft-then-rft', sftSteps: 0, sftFraction: 0.25, steps: 0, rng: 3 }).sftIndices).toEqual(r.sftIndices)
    expect(finetune({ model, data, method: 'rft', optimizer: 'adam', lr: 1e-2, steps: 50, stopWhen: (s) => s.step === 2 })).toMatchObject({ steps: 2, stoppedBy: 'stopWhen' })
    expect(finetune({ model, data, method: 'sft', optimizer: 'adam', lr: 5e-2, steps: 500, stopAtLoss: 0.5 }).stoppedBy).toBe('stopAtLoss')
    disposePolicy(model)
  })
})
