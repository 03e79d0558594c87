import { describe, expect, test } from 'vitest'
import { initTf } from '@theoryml/core/tf'
import { disposePolicy, finetune, mlpPolicy, policyProbs, pretrainSoft, relabeledMixture } from '../../src/index'

describe('finetune (tfjs track)', () => {
  test('pretraining spreads mass over the class labels; relabeled inputs start with tiny reward std; no tensor leak', async () => {
    const { tf } = await initTf()
    const task = relabeledMixture({ classes: 4, dim: 6, samplesPerClass: 20, labelsPerClass: 2, relabelFraction: 0.2, rng: 0 })
    const model = mlpPolicy(tf, { sizes: [6, 16, 4], rng: 1 })
    const losses = pretrainSoft({ model, inputs: task.inputs, targets: task.pretrainTargets, steps: 200 })
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) * 0.7)
    const p = policyProbs(model, task.inputs)
    const mass = task.inputs.map((_, i) => (p[i] as Float32Array)[task.labels[i] as number] as number)
    const relabeled = mass.filter((_, i) => task.relabeled[i])
    const kept = mass.filter((_, i) => !task.relabeled[i])
    expect(Math.max(...relabeled)).toBeLessThan(0.1)
    expect(Math.min(...kept)).toBeGreaterThan(0.2)
    const run = () => finetune({ model, data: { inputs: task.inputs, labels: task.labels }, method: 'sft-then-rft', steps: 20, sftSteps: 5, sftFraction: 0.2, every: 5, rng: 2 })
    run()
    const before = tf.memory().numTensors
    const h = run()
    expect(tf.memory().numTensors).toBe(before)
    expect(h.step).toEqual([-5, 0, 5, 10, 15, 20])
    expect(h.small.accuracy).toHaveLength(6)
    // the small-std group (initial std < 0.1) is made of relabeled inputs only, and holds most of them
    expect(h.groups.every((g, i) => g === 0 || task.relabeled[i])).toBe(true)
    expect(h.groups.filter((g) => g === 1).length).toBeGreaterThan(task.relabeled.filter(Boolean).length / 2)
    disposePolicy(model)
  })

  test('bad input gets named errors', async () => {
    const { tf } = await initTf()
    const model = mlpPolicy(tf, { sizes: [2, 3], rng: 0 })
    const data = { inputs: [[0, 1], [1, 0]], labels: [0, 3] }
    expect(() => finetune({ model, data, method: 'rft', steps: 1 })).toThrow(/labels\[1\]: expected an integer in \[0, 2\]/)
    expect(() => finetune({ model, data: { inputs: [[0]], labels: [0] }, method: 'rft', steps: 1 })).toThrow(/inputs\[0\]: expected 2 features/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'ppo' as never, steps: 1 })).toThrow(/method/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft', steps: 1, sftFraction: 2 })).toThrow(/sftFraction/)
    expect(() => mlpPolicy(tf, { sizes: [2] })).toThrow(/sizes/)
    disposePolicy(model)
  })
})
