import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { createRng, DivergenceError, Matrix } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { beforeAll, describe, expect, test } from 'vitest'
import { Graph, propagationMatrix, sparseMatMul as sparseMatMul64, toSparseFeatures } from '../src/index'
import { prepareFeatures, prepareOperator } from '../src/sparse-ops'
import { gcn, gin, linearPropagation, sparseFeatureMatMul, sparseMatMul, trainNodeClassifier } from '../src/tf'
import { randomGraph, selfLoopAdjacency } from './helpers'

beforeAll(async () => {
  await initTf()
})

/** Two-community stochastic block model with weakly informative features. */
function sbm(seed: number) {
  const rng = createRng(seed)
  const n = 80
  const labels = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1))
  const pairs: [number, number][] = []
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (rng.uniform() < (labels[u] === labels[v] ? 0.15 : 0.01)) pairs.push([u, v])
  const d = 4
  const X = new Float32Array(n * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = rng.normal() + (j === labels[i] ? 0.7 : 0)
  const perm = rng.permutation(n)
  const split = { train: Int32Array.from(perm.slice(0, 16)).sort(), val: Int32Array.from(perm.slice(16, 32)).sort(), test: Int32Array.from(perm.slice(32)).sort() }
  return { graph: Graph.fromEdges(n, pairs), X, d, labels, split }
}

describe('tfjs track: propagation ops and node classifiers', () => {
  test('propagation matrices equal their dense formulas', () => {
    const g = randomGraph(9, 0.4, 2)
    const A = selfLoopAdjacency(g)
    const dhat = A.sum('row')
    for (const norm of ['sym', 'sum', 'mean'] as const) {
      const P = propagationMatrix(g, norm)
      const x = createRng(1).fillNormal(new Float64Array(9 * 3))
      const out = sparseMatMul64(P, Array.from({ length: 9 }, (_, i) => Array.from(x.slice(3 * i, 3 * i + 3)))).to1DArray()
      const D = new Matrix(9, 9)
      for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
        const a = A.get(i, j)
        D.set(i, j, norm === 'sum' ? a : norm === 'mean' ? a / dhat[i]! : a / Math.sqrt(dhat[i]! * dhat[j]!))
      }
      const expected = D.mmul(new Matrix(Array.from({ length: 9 }, (_, i) => Array.from(x.slice(3 * i, 3 * i + 3))))).to1DArray()
      expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 12))
    }
  })

  test('sparse ops: values and gradients match dense tfjs autodiff', async () => {
    const g = randomGraph(10, 0.35, 5)
    const P = propagationMatrix(g, 'sym')
    const Pd = new Float32Array(100)
    for (let v = 0; v < 10; v++) for (let i = P.offsets[v]!; i < P.offsets[v + 1]!; i++) Pd[v * 10 + P.columns[i]!] = P.values[i]!
    const rng = createRng(3)
    const Xd = rng.fillNormal(new Float32Array(10 * 6)).map((v, i) => (i % 3 === 0 ? 0 : v))
    const Xs = toSparseFeatures(Xd, 10, 6)
    const before = tf.memory().numTensors
    tf.tidy(() => {
      const W = tf.tensor2d(rng.fillNormal(new Float32Array(6 * 4)), [6, 4])
      const C = tf.tensor2d(rng.fillNormal(new Float32Array(10 * 4)), [10, 4])
      const Pt = tf.tensor2d(Pd, [10, 10])
      const Xt = tf.tensor2d(Xd, [10, 6])
      const fSparse = (w: TF.Tensor) => tf.sum(tf.mul(sparseMatMul(P, sparseFeatureMatMul(Xs, w as TF.Tensor2D)), C))
      const fDense = (w: TF.Tensor) => tf.sum(tf.mul(tf.matMul(Pt, tf.matMul(Xt, w as TF.Tensor2D)), C))
      expect(fSparse(W).dataSync()[0]).toBeCloseTo(fDense(W).dataSync()[0]!, 4)
      const gs = tf.grad(fSparse)(W).dataSync()
      const gd = tf.grad(fDense)(W).dataSync()
      gs.forEach((v, i) => expect(v).toBeCloseTo(gd[i]!, 4))
    })
    expect(tf.memory().numTensors).toBe(before)
  })

  test('prepared (segment-sum) operators equal the JS sparse products, values and gradients', async () => {
    // vertex 9 isolated (only its self loop), so the pattern has an empty off-diagonal tail
    const g = Graph.fromEdges(10, [[0, 1], [1, 2], [2, 3], [0, 4], [4, 5], [5, 6], [6, 7], [7, 8], [1, 5]])
    const rng = createRng(4)
    // rows 8 and 9 empty, column 5 unused; row-constant values (row-normalized binary features)
    const Xd = new Float32Array(10 * 6)
    for (let r = 0; r < 8; r++) {
      const cols = [0, 1, 2, 3, 4].filter(() => rng.uniform() < 0.6)
      if (cols.length === 0) cols.push(r % 5)
      for (const c of cols) Xd[r * 6 + c] = 1 / cols.length
    }
    const Xs = toSparseFeatures(Xd, 10, 6)
    const Xv = toSparseFeatures(Xd.map((v, i) => (v ? v * (1 + (i % 3)) : 0)), 10, 6) // not row-constant: JS fallback
    const before = tf.memory().numTensors
    for (const norm of ['sym', 'mean', 'sum'] as const) {
      const P = propagationMatrix(g, norm)
      const Pop = prepareOperator(P)
      for (const X of [Xs, Xv]) {
        const Xop = prepareFeatures(X)
        tf.tidy(() => {
          const W = tf.tensor2d(rng.fillNormal(new Float32Array(6 * 3)), [6, 3])
          const C = tf.tensor2d(rng.fillNormal(new Float32Array(10 * 3)), [10, 3])
          const fPrepared = (w: TF.Tensor) => tf.sum(tf.mul(Pop.apply(Xop.apply(w as TF.Tensor2D)), C))
          const fJs = (w: TF.Tensor) => tf.sum(tf.mul(sparseMatMul(P, sparseFeatureMatMul(X, w as TF.Tensor2D)), C))
          expect(fPrepared(W).dataSync()[0]).toBeCloseTo(fJs(W).dataSync()[0]!, 4)
          const gp = tf.grad(fPrepared)(W).dataSync()
          const gj = tf.grad(fJs)(W).dataSync()
          gp.forEach((v, i) => expect(v).toBeCloseTo(gj[i]!, 4))
        })
        Xop.dispose()
      }
      Pop.dispose()
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  test('sparseMatMul: the float64 (root) and tfjs (./tf) products agree; the tfjs gradient uses Pᵀ for a non-symmetric P', () => {
    const g = randomGraph(8, 0.4, 9)
    const rng = createRng(11)
    const x = Array.from({ length: 8 }, () => Array.from({ length: 3 }, () => rng.normal()))
    const C = rng.fillNormal(new Float32Array(8 * 3))
    for (const norm of ['sym', 'sum', 'mean'] as const) {
      const P = propagationMatrix(g, norm)
      const y64 = sparseMatMul64(P, x)
      const y32 = tf.tidy(() => Array.from(sparseMatMul(P, tf.tensor2d(x)).dataSync()))
      y64.to1DArray().forEach((v, i) => expect(y32[i]).toBeCloseTo(v, 5))
      // gradient of Σ C ⊙ (P X) is Pᵀ C: the dense transpose of the float64 operator, applied to C
      const grad = tf.tidy(() => Array.from(tf.grad((t: TF.Tensor) => tf.sum(tf.mul(sparseMatMul(P, t), tf.tensor2d(C, [8, 3]))))(tf.tensor2d(x)).dataSync()))
      const Pd = new Matrix(8, 8)
      for (let v = 0; v < 8; v++) for (let k = P.offsets[v]!; k < P.offsets[v + 1]!; k++) Pd.set(v, P.columns[k]!, P.values[k]!)
      const expected = Pd.transpose().mmul(new Matrix(Array.from({ length: 8 }, (_, i) => Array.from(C.slice(3 * i, 3 * i + 3))))).to1DArray()
      expected.forEach((v, i) => expect(grad[i]).toBeCloseTo(v, 5))
    }
    expect(() => sparseMatMul64(propagationMatrix(g), [[1, 2]])).toThrow(/x: expected 8 rows/)
    expect(() => sparseMatMul64({} as never, x)).toThrow(/P: expected a sparse operator/)
    expect(() => tf.tidy(() => sparseMatMul({} as never, tf.zeros([8, 1])))).toThrow(/P: expected a sparse operator/)
    expect(() => sparseFeatureMatMul({} as never, tf.zeros([8, 1]))).toThrow(/X: expected sparse features/)
  })

  test('GCN, GIN and linear propagation learn a two-community graph; no tensors leak', async () => {
    const { graph, X, d, labels, split } = sbm(7)
    for (const model of [gcn({ depth: 2, hidden: 16 }), gcn({ depth: 2, hidden: 16, dropout: 0, readout: 'linear' }), gin({ depth: 2, hidden: 16 }), linearPropagation({ depth: 2 })]) {
      const before = tf.memory().numTensors
      const r = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, steps: 60, lr: 0.02, rng: 1 })
      expect(tf.memory().numTensors).toBe(before)
      expect(r.testAccuracy, model.name).toBeGreaterThan(0.85)
      // one row per step 0 … 60 (every defaults to 1 below 200 steps): the loss at θ_0 … θ_60
      expect(r.history.step).toEqual(Array.from({ length: 61 }, (_, k) => k))
      expect(r.steps).toBe(60)
      expect(r.stoppedBy).toBe('steps')
      expect(r.history.loss[60]!).toBeLessThan(r.history.loss[0]!)
      expect(r.history.valAccuracy![r.bestStep]).toBe(r.valAccuracy)
      // same seed, same numbers
      const again = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, steps: 5, lr: 0.02, rng: 1 })
      expect(again.history.loss).toEqual(r.history.loss.slice(0, 6))
    }
    // features without graph information are much weaker than with it
    const empty = Graph.fromEdges(graph.numNodes, [])
    const alone = await trainNodeClassifier({ model: linearPropagation({ depth: 2 }), graph: empty, features: X, featureDim: d, labels, split, steps: 60, lr: 0.02, rng: 1 })
    expect(alone.testAccuracy).toBeLessThan(0.85)
  })

  test('early stopping, weight decay on every parameter, named parameters, divergence', async () => {
    const { graph, X, d, labels, split } = sbm(7)
    const base = { graph, features: X, featureDim: d, labels, split, rng: 1 }
    // patience: the run stops `patience` steps after the best one, before that step's update
    const stopped = await trainNodeClassifier({ ...base, model: gcn({ depth: 2, hidden: 16 }), steps: 500, every: 1, patience: 5, lr: 0.05 })
    expect(stopped.history.step.length).toBe(stopped.bestStep + 6)
    expect(stopped.steps).toBe(stopped.bestStep + 5)
    expect(stopped.stoppedBy).toBe('stopWhen')
    const all = await trainNodeClassifier({ ...base, model: gcn({ depth: 2, hidden: 16 }), steps: 5, lr: 0.02, weightDecay: 0.1, decay: 'all' })
    const weights = await trainNodeClassifier({ ...base, model: gcn({ depth: 2, hidden: 16 }), steps: 5, lr: 0.02, weightDecay: 0.1 })
    expect(all.history.loss[4]).not.toBe(weights.history.loss[4])
    // the learned parameters come back as float64 arrays under PyTorch-style names
    const shapes = (r: { params: Record<string, { shape: readonly number[] }> }) => Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, [...v.shape]]))
    expect(shapes(weights)).toEqual({ 'layer0.weight': [4, 16], 'layer0.bias': [16], 'layer0.norm.gain': [16], 'layer0.norm.shift': [16], 'layer1.weight': [16, 2], 'layer1.bias': [2] })
    const ginR = await trainNodeClassifier({ ...base, model: gin({ depth: 2, hidden: 8, layerNorm: false, readout: 'linear' }), steps: 2 })
    expect(Object.keys(ginR.params)).toEqual(['layer0.weight', 'layer0.bias', 'layer0.mlp.weight', 'layer1.weight', 'layer1.bias', 'layer1.mlp.weight', 'output.weight', 'output.bias'])
    const lin = await trainNodeClassifier({ ...base, model: linearPropagation(), steps: 3, optimizer: { type: 'gd', lr: 0.5 } })
    expect(shapes(lin)).toEqual({ weight: [4, 2], bias: [2] })
    expect(lin.params.weight!.data.some((v) => v !== 0)).toBe(true)
    // the tfjs variables the state carries are the ones that come back, read at the last row
    let last: number[] = []
    await trainNodeClassifier({ ...base, model: linearPropagation(), steps: 3, optimizer: { type: 'gd', lr: 0.5 }, onStep: (s) => { last = Array.from(s.params.weight!.dataSync()) } })
    lin.params.weight!.data.forEach((v, i) => expect(last[i]).toBeCloseTo(v, 6))
    // a diverging run throws core's DivergenceError naming the step
    await expect(trainNodeClassifier({ ...base, model: gcn({ depth: 2, hidden: 16, layerNorm: false, dropout: 0 }), steps: 50, optimizer: 'gd', lr: 1e30 })).rejects.toBeInstanceOf(DivergenceError)
    expect(tf.memory().numTensors).toBeLessThan(10)
  })

  test('bad input names the argument', async () => {
    const { graph, X, d, labels, split } = sbm(1)
    const base = { model: gcn(), graph, features: X, featureDim: d, labels, split, steps: 1 }
    await expect(trainNodeClassifier({ ...base, labels: labels.slice(1) })).rejects.toThrow(/labels: expected 80 labels/)
    await expect(trainNodeClassifier({ ...base, split: { ...split, test: Int32Array.from([80]) } })).rejects.toThrow(/split.test: vertex 80/)
    await expect(trainNodeClassifier({ ...base, features: X.slice(4) })).rejects.toThrow(/features: expected 80 × 4/)
    await expect(trainNodeClassifier({ ...base, features: [[1, 2]] })).rejects.toThrow(/features: expected 80 rows/)
    await expect(trainNodeClassifier({ ...base, steps: -1 })).rejects.toThrow(/steps/)
    await expect(trainNodeClassifier({ ...base, lr: -1 })).rejects.toThrow(/lr/)
    await expect(trainNodeClassifier({ ...base, optimizer: { type: 'adam', lr: 0.1 }, lr: 0.1 })).rejects.toThrow(/lr: give the learning rate inside the optimizer spec/)
    await expect(trainNodeClassifier({ ...base, optimizer: 'groupRmsprop' })).rejects.toThrow(/float64 track only/)
    await expect(trainNodeClassifier({ ...base, model: {} as never })).rejects.toThrow(/model: expected a model/)
    await expect(trainNodeClassifier({ ...base, epochs: 3 } as never)).rejects.toThrow(/unknown option 'epochs'/)
    await expect(trainNodeClassifier({ ...base, tf } as never)).rejects.toThrow(/unknown option 'tf'/)
    expect(() => gcn({ depth: 0 })).toThrow(/depth/)
    expect(() => gin({ dropout: 1 })).toThrow(/dropout/)
    expect(() => gcn({ readout: 'mlp' as never })).toThrow(/readout: expected 'conv' or 'linear'/)
    await expect(trainNodeClassifier({ ...base, patience: 0 })).rejects.toThrow(/patience/)
    await expect(trainNodeClassifier({ ...base, decay: 'bias' as never })).rejects.toThrow(/decay: expected 'weights' or 'all'/)
    expect(() => linearPropagation({ depth: -1 })).toThrow(/depth/)
    expect(() => propagationMatrix(graph, 'max' as never)).toThrow(/normalization/)
  })
})
