import { beforeAll, describe, expect, test } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { initTf } from '@theoryml/core/tf'
import { relabeledMixture } from '../../src/index'
import { disposePolicy, finetune, mlpPolicy, policyProbs, pretrainSoft } from '../../src/tf'

beforeAll(async () => { await initTf() })

describe('mlpPolicy', () => {
  test('disposePolicy frees every tensor the policy holds (the initial values included)', () => {
    const before = tf.memory().numTensors
    const model = mlpPolicy({ sizes: [5, 7, 3], rng: 0 })
    expect(tf.memory().numTensors).toBe(before + 4)
    disposePolicy(model)
    expect(tf.memory().numTensors).toBe(before)
  })

  test('the same seed gives the same He-normal weights; biases start at zero', () => {
    const a = mlpPolicy({ sizes: [4, 3], rng: 5 })
    const b = mlpPolicy({ sizes: [4, 3], rng: 5 })
    const wa = Array.from(a.weights[0]!.dataSync())
    expect(Array.from(b.weights[0]!.dataSync())).toEqual(wa)
    expect(Array.from(a.biases[0]!.dataSync())).toEqual([0, 0, 0])
    // N(0, 2/fan_in): the sample variance of 12 draws is of that order.
    const v = wa.reduce((s, x) => s + x * x, 0) / wa.length
    expect(v).toBeGreaterThan(0.1)
    expect(v).toBeLessThan(2)
    disposePolicy(a)
    disposePolicy(b)
  })
})

describe('finetune and pretrainSoft (tfjs track)', () => {
  test('pretraining spreads mass over the class labels; relabeled inputs start with tiny reward std; no tensor leak', () => {
    const task = relabeledMixture({ classes: 4, dim: 6, samplesPerClass: 20, labelsPerClass: 2, relabelFraction: 0.2, rng: 0 })
    const model = mlpPolicy({ sizes: [6, 16, 4], rng: 1 })
    const pre = pretrainSoft({ model, inputs: task.inputs, targets: task.pretrainTargets, steps: 200, every: 1 })
    expect(pre.model).toBe(model)
    expect(pre.steps).toBe(200)
    expect(pre.stoppedBy).toBe('steps')
    expect(pre.history.step).toHaveLength(201)
    expect(pre.history.loss.at(-1)).toBeLessThan((pre.history.loss[0] as number) * 0.7)
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
    expect(h.history.step).toEqual([0, 5, 10, 15, 20])
    expect(h.steps).toBe(20)
    expect(h.history.smallAccuracy).toHaveLength(5)
    expect(h.history.sftSmallRewardStd).toHaveLength(5)
    expect(h.beforeSft).not.toBeNull()
    // RFT's loss is the negative mean expected reward.
    h.history.loss.forEach((l) => expect(l).toBeLessThanOrEqual(0))
    // the small-std group (initial std < 0.1) is made of relabeled inputs only, and holds most of them
    expect(h.groups.every((g, i) => g === 0 || task.relabeled[i])).toBe(true)
    expect(h.groups.filter((g) => g === 1).length).toBeGreaterThan(task.relabeled.filter(Boolean).length / 2)
    disposePolicy(model)
  })

  test('the group metrics are what they say: reward = mean p(label|x), reward std = mean sqrt(p(1 − p)), accuracy by argmax', () => {
    const task = relabeledMixture({ classes: 3, dim: 4, samplesPerClass: 10, labelsPerClass: 1, relabelFraction: 0.2, rng: 3 })
    const model = mlpPolicy({ sizes: [4, 8, 3], rng: 4 })
    const groups = task.inputs.map((_, i) => i % 2)
    const { history } = finetune({ model, data: { inputs: task.inputs, labels: task.labels }, method: 'sft', steps: 0, groups })
    const p = policyProbs(model, task.inputs)
    for (const [g, name] of [[0, 'large'], [1, 'small']] as const) {
      const idx = groups.flatMap((v, i) => (v === g ? [i] : []))
      const pl = idx.map((i) => (p[i] as Float32Array)[task.labels[i] as number] as number)
      const acc = idx.filter((i) => { const r = Array.from(p[i] as Float32Array); return r.indexOf(Math.max(...r)) === task.labels[i] }).length / idx.length
      expect(history[`${name}Reward`]![0]).toBeCloseTo(pl.reduce((s, v) => s + v, 0) / idx.length, 5)
      expect(history[`${name}RewardStd`]![0]).toBeCloseTo(pl.reduce((s, v) => s + Math.sqrt(v * (1 - v)), 0) / idx.length, 5)
      expect(history[`${name}Accuracy`]![0]).toBeCloseTo(acc, 6)
      expect(history[`${name}GradNorm`]![0]).toBeGreaterThan(0)
    }
    // SFT's loss is the cross-entropy −mean ln p(label|x).
    const ce = -task.inputs.reduce((s, _, i) => s + Math.log((p[i] as Float32Array)[task.labels[i] as number] as number), 0) / task.inputs.length
    expect(history.loss[0]).toBeCloseTo(ce, 4)
    expect(history.sftSmallAccuracy).toBeUndefined()
    disposePolicy(model)
  })

  test('the common options: stopAtLoss on the negative reward, signal, a spec or a name with lr', () => {
    const task = relabeledMixture({ classes: 3, dim: 4, samplesPerClass: 10, labelsPerClass: 1, relabelFraction: 0.1, rng: 5 })
    const model = mlpPolicy({ sizes: [4, 8, 3], rng: 6 })
    const data = { inputs: task.inputs, labels: task.labels }
    const a = finetune({ model, data, method: 'sft', optimizer: { type: 'adam', lr: 0.05 }, steps: 500, stopAtLoss: 0.3 })
    expect(a.stoppedBy).toBe('stopAtLoss')
    expect(a.history.loss.at(-1)).toBeLessThanOrEqual(0.3)
    expect(a.steps).toBeLessThan(500)
    const controller = new AbortController()
    controller.abort()
    const b = finetune({ model, data, method: 'rft', optimizer: 'gd', lr: 0.1, steps: 10, signal: controller.signal })
    expect(b.stoppedBy).toBe('signal')
    expect(b.steps).toBe(0)
    disposePolicy(model)
  })

  test('bad input gets named errors', () => {
    const model = mlpPolicy({ sizes: [2, 3], rng: 0 })
    const data = { inputs: [[0, 1], [1, 0]], labels: [0, 3] }
    expect(() => finetune({ model, data, method: 'rft', steps: 1 })).toThrow(/labels\[1\]: expected an integer in \[0, 2\]/)
    expect(() => finetune({ model, data: { inputs: [[0]], labels: [0] }, method: 'rft', steps: 1 })).toThrow(/inputs\[0\]: expected 2 features/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'ppo' as never, steps: 1 })).toThrow(/method/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft', steps: 1, sftFraction: 2 })).toThrow(/sftFraction/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft', optimizer: { type: 'adam', lr: 1e-3 }, lr: 1e-3 })).toThrow(/lr: give the learning rate inside the optimizer spec/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft', optimizer: 'groupRmsprop' })).toThrow(/optimizer: 'groupRmsprop' exists on the float64 track only/)
    expect(() => finetune({ model, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft', onProgress: () => {} } as never)).toThrow(/unknown option 'onProgress'/)
    expect(() => finetune({ model: {} as never, data: { inputs: [[0, 1]], labels: [0] }, method: 'rft' })).toThrow(/model: expected an MlpPolicy/)
    expect(() => pretrainSoft({ model, inputs: [[0, 1]], targets: [[1, 0, 0]], rng: 0 } as never)).toThrow(/unknown option 'rng'/)
    expect(() => pretrainSoft({ model, inputs: [[0, 1]], targets: [[1, 0]] })).toThrow(/targets\[0\]: expected 3 features/)
    expect(() => mlpPolicy({ sizes: [2] })).toThrow(/sizes/)
    disposePolicy(model)
  })
})
