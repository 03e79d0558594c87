// Every tfjs model owns its variables (issue 21, item 1): for each tfjs constructor, create → train →
// dispose leaves tf.memory() where it started, and a disposed model throws instead of computing with
// freed parameters. One trainer runs 10⁴ steps with flat memory.
import * as tf from '@tensorflow/tfjs'
import { initTf } from '@theoryml/core/tf'
import { karateClub } from '@theoryml/gnn-walk-index'
import { gcn, gin, linearPropagation, trainNodeClassifier } from '@theoryml/gnn-walk-index/tf'
import { disposePolicy, mlpLogits, mlpPolicy, policyProbs, pretrainSoft } from '@theoryml/preference-opt/tf'
import { countTask } from '@theoryml/rasp'
import { createTransformer, trainTransformer } from '@theoryml/rasp/tf'
import { pendulum } from '@theoryml/rl-lqr'
import { mlpController, trainPendulumController } from '@theoryml/rl-lqr/tf'
import { baselineSequences } from '@theoryml/ssm'
import { networkDataset, ssmLayer, ssmNetwork, trainSsmNetwork } from '@theoryml/ssm/tf'
import { locallyConnected, trainLocalConvNet, trainLocallyConnected } from '@theoryml/tensor-factorization/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => { await initTf() })

/** Run `body` and check that tf.memory() (tensors and bytes) is back where it was. */
function leaksNothing(body: () => void): void {
  const before = tf.memory()
  body()
  const after = tf.memory()
  expect(after.numTensors).toBe(before.numTensors)
  expect(after.numBytes).toBe(before.numBytes)
}

describe('create → train → dispose frees everything, and a disposed model throws', () => {
  test('ssmLayer (real and complex)', () => {
    for (const complex of [false, true]) {
      leaksNothing(() => {
        const layer = ssmLayer({ stateDim: 3, complex, output: 'sequence', rng: 1 })
        const opt = tf.train.adam(0.01)
        const x = tf.ones([2, 5])
        for (let s = 0; s < 3; s++) opt.minimize(() => tf.mean(tf.square(layer.apply(x))) as tf.Scalar, false, layer.variables)
        tf.dispose(layer.impulseResponse(4))
        x.dispose()
        opt.dispose()
        layer.dispose()
        layer.dispose() // a second dispose does nothing
        expect(() => tf.tidy(() => layer.apply(tf.ones([1, 3])))).toThrow(/ssmLayer was disposed/)
        expect(() => layer.impulseResponse(3)).toThrow(/ssmLayer was disposed/)
      })
    }
  })

  test('ssmNetwork with trainSsmNetwork', () => {
    leaksNothing(() => {
      const teacher = ssmNetwork({ stateDim: 1, hidden: 3, depth: 1, rng: 0 })
      const student = ssmNetwork({ stateDim: 2, hidden: 3, depth: 1, rng: 1 })
      const data = networkDataset({ teacher, sequences: baselineSequences({ length: 4, count: 4, positions: [0, 1], values: 'gaussian', rng: 2 }) })
      trainSsmNetwork({ network: student, data, steps: 5 })
      student.dispose()
      teacher.dispose()
      expect(() => tf.tidy(() => student.predict(tf.ones([1, 4])))).toThrow(/ssmNetwork was disposed/)
    })
  })

  test('mlpController (rl-lqr/tf) with trainPendulumController', () => {
    leaksNothing(() => {
      const c = mlpController({ hidden: [4], rng: 0 })
      tf.dispose(tf.tidy(() => c.apply(tf.ones([2, 2]))))
      c.dispose()
      expect(() => tf.tidy(() => c.apply(tf.ones([1, 2])))).toThrow(/mlpController was disposed/)
      const { controller } = trainPendulumController({ system: pendulum(), trainStates: [[2.6, 0]], hidden: [4], horizon: 5, steps: 3, rng: 0 })
      controller.dispose()
    })
  })

  test('mlpPolicy (preference-opt/tf) with pretrainSoft', () => {
    leaksNothing(() => {
      const model = mlpPolicy({ sizes: [2, 3, 2], rng: 0 })
      pretrainSoft({ model, inputs: [[1, 0], [0, 1]], targets: [[0.9, 0.1], [0.2, 0.8]], steps: 5 })
      disposePolicy(model)
      disposePolicy(model)
      expect(() => policyProbs(model, [[1, 0]])).toThrow(/MlpPolicy was disposed/)
      expect(() => tf.tidy(() => mlpLogits(model, tf.ones([1, 2])))).toThrow(/MlpPolicy was disposed/)
    })
  })

  test('createTransformer (rasp/tf) with trainTransformer', () => {
    leaksNothing(() => {
      const model = createTransformer({ vocabSize: 8, maxPositions: 8, dModel: 8, heads: 2, layers: 1, rng: 0 })
      trainTransformer(model, { task: countTask({ maxNumber: 2 }), trainLengths: [1], steps: 2, contextLength: 8, batchSize: 2, rng: 0 })
      model.dispose()
      expect(() => tf.tidy(() => model.logits(tf.zeros([1, 2], 'int32')))).toThrow(/transformer was disposed/)
    })
  })

  test('gcn, gin and linearPropagation (gnn-walk-index/tf) with trainNodeClassifier', async () => {
    const { graph, clubs: labels } = karateClub()
    const n = graph.numNodes
    const features = new Float32Array(n * n)
    for (let i = 0; i < n; i++) features[i * n + i] = 1
    const ids = Array.from({ length: n }, (_, i) => i)
    const split = { train: Int32Array.from(ids.slice(0, 10)), val: Int32Array.from(ids.slice(10, 20)), test: Int32Array.from(ids.slice(20)) }
    for (const model of [gcn({ depth: 2, hidden: 4 }), gin({ depth: 2, hidden: 4 }), linearPropagation({ depth: 2 })]) {
      const before = tf.memory()
      await trainNodeClassifier({ model, graph, features, featureDim: n, labels, split, steps: 3, rng: 0 })
      expect(tf.memory().numTensors, model.name).toBe(before.numTensors)
      expect(tf.memory().numBytes, model.name).toBe(before.numBytes)
    }
  })

  test('locallyConnected and trainLocalConvNet (tensor-factorization/tf)', () => {
    leaksNothing(() => {
      const model = locallyConnected({ length: 4, channels: 1, hidden: 3, rng: 0 })
      trainLocallyConnected(model, { x: new Float32Array(8 * 4).map((_, i) => Math.sin(i)), y: [0, 1, 0, 1, 1, 0, 1, 0], steps: 3, batchSize: 4, rng: 1 })
      model.dispose()
      expect(() => tf.tidy(() => model.predict(tf.ones([1, 4, 1])))).toThrow(/locallyConnected model was disposed/)
      const X = Array.from({ length: 8 }, (_, i) => [Math.sin(i), Math.cos(i), i % 2, 1 - (i % 2)])
      const net = trainLocalConvNet(X, [-1, 1, -1, 1, -1, 1, -1, 1], { steps: 3, channels: 2, rng: 0 })
      net.dispose()
      expect(() => net.predict(X)).toThrow(/was disposed/)
    })
  })
})

test('10⁴ steps of a tfjs trainer (pretrainSoft on a tiny policy) keep memory flat', () => {
  const model = mlpPolicy({ sizes: [2, 2], rng: 0 })
  const counts: number[] = []
  const bytes: number[] = []
  pretrainSoft({
    model,
    inputs: [[1, 0], [0, 1]],
    targets: [[0.7, 0.3], [0.4, 0.6]],
    steps: 10_000,
    every: 1000,
    onStep: () => {
      counts.push(tf.memory().numTensors)
      bytes.push(tf.memory().numBytes)
    },
  })
  expect(counts).toHaveLength(11)
  // after the first row (optimizer slots are made on the first update) nothing grows
  expect(new Set(counts.slice(1)).size).toBe(1)
  expect(new Set(bytes.slice(1)).size).toBe(1)
  disposePolicy(model)
}, 120_000)

describe('the tfjs trainers have core train\'s divergence guard', () => {
  test('an absurd learning rate ends in a DivergenceError naming the step, and frees what the run made', async () => {
    const { DivergenceError } = await import('@theoryml/core')
    const before = tf.memory().numTensors
    // (A cross-entropy loss stays finite however large the logits: pretrainSoft at lr 1e30 ends at a
    // loss of 1.8e29 without diverging, as core's train would; a DivergenceError is a non-finite loss.)
    const net = locallyConnected({ length: 4, channels: 1, hidden: 3, rng: 0 })
    expect(() => trainLocallyConnected(net, { x: new Float32Array(8 * 4).map((_, i) => Math.sin(i)), y: [0, 1, 0, 1, 1, 0, 1, 0], steps: 200, batchSize: 4, optimizer: 'gd', lr: 1e30, rng: 1 })).toThrow(/training diverged: loss is (NaN|Infinity|-Infinity) at step \d+/)
    net.dispose()
    expect(() => trainPendulumController({ system: pendulum(), trainStates: [[2.6, 0]], hidden: [4], horizon: 5, steps: 200, optimizer: 'gd', lr: 1e30, rng: 0 })).toThrow(DivergenceError)
    expect(tf.memory().numTensors).toBe(before)
  })
})
