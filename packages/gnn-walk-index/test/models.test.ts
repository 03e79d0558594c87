import type * as TF from '@tensorflow/tfjs'
import { createRng, Matrix } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { describe, expect, test } from 'vitest'
import {
  gcn,
  gin,
  Graph,
  linearPropagation,
  propagationMatrix,
  sparseFeatureMatMul,
  sparseMatMul,
  spmm,
  toSparseFeatures,
  trainNodeClassifier,
} from '../src/index'
import { prepareFeatures, prepareOperator, transposeOperator } from '../src/propagation'
import { randomGraph, selfLoopAdjacency } from './helpers'

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
      const out = new Float64Array(27)
      spmm(P, x, out, 3)
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
    const { tf } = await initTf()
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
      const fSparse = (w: TF.Tensor) => tf.sum(tf.mul(sparseMatMul(tf, P, sparseFeatureMatMul(tf, Xs, w as TF.Tensor2D)), C))
      const fDense = (w: TF.Tensor) => tf.sum(tf.mul(tf.matMul(Pt, tf.matMul(Xt, w as TF.Tensor2D)), C))
      expect(fSparse(W).dataSync()[0]).toBeCloseTo(fDense(W).dataSync()[0]!, 4)
      const gs = tf.grad(fSparse)(W).dataSync()
      const gd = tf.grad(fDense)(W).dataSync()
      gs.forEach((v, i) => expect(v).toBeCloseTo(gd[i]!, 4))
    })
    expect(tf.memory().numTensors).toBe(before)
  })

  test('prepared (segment-sum) operators equal the JS sparse products, values and gradients', async () => {
    const { tf } = await initTf()
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
      const Pop = prepareOperator(tf, P)
      for (const X of [Xs, Xv]) {
        const Xop = prepareFeatures(tf, X)
        tf.tidy(() => {
          const W = tf.tensor2d(rng.fillNormal(new Float32Array(6 * 3)), [6, 3])
          const C = tf.tensor2d(rng.fillNormal(new Float32Array(10 * 3)), [10, 3])
          const fPrepared = (w: TF.Tensor) => tf.sum(tf.mul(Pop.apply(Xop.apply(w as TF.Tensor2D)), C))
          const fJs = (w: TF.Tensor) => tf.sum(tf.mul(sparseMatMul(tf, P, sparseFeatureMatMul(tf, X, w as TF.Tensor2D), norm === 'mean' ? transposeOperator(P) : undefined), C))
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

  test('GCN, GIN and linear propagation learn a two-community graph; no tensors leak', async () => {
    const { tf } = await initTf()
    const { graph, X, d, labels, split } = sbm(7)
    for (const model of [gcn({ depth: 2, hidden: 16 }), gcn({ depth: 2, hidden: 16, dropout: 0, readout: 'linear' }), gin({ depth: 2, hidden: 16 }), linearPropagation({ depth: 2 })]) {
      const before = tf.memory().numTensors
      const r = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, epochs: 60, lr: 0.02, rng: 1, tf })
      expect(tf.memory().numTensors).toBe(before)
      expect(r.testAccuracy, model.name).toBeGreaterThan(0.85)
      expect(r.history.loss.length).toBe(60)
      expect(r.history.loss[59]!).toBeLessThan(r.history.loss[0]!)
      // same seed, same numbers
      const again = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, epochs: 5, lr: 0.02, rng: 1, tf })
      expect(again.history.loss).toEqual(r.history.loss.slice(0, 5))
    }
    // features without graph information are much weaker than with it
    const empty = Graph.fromEdges(graph.numNodes, [])
    // early stopping: no more than `patience` epochs after the best one; decaying every parameter differs
    const stopped = await trainNodeClassifier({ model: gcn({ depth: 2, hidden: 16 }), graph, features: X, featureDim: d, labels, split, epochs: 500, patience: 5, lr: 0.05, rng: 1, tf })
    expect(stopped.history.epoch.length).toBe(stopped.bestEpoch + 6)
    const all = await trainNodeClassifier({ model: gcn({ depth: 2, hidden: 16 }), graph, features: X, featureDim: d, labels, split, epochs: 5, lr: 0.02, weightDecay: 0.1, decay: 'all', rng: 1, tf })
    const weights = await trainNodeClassifier({ model: gcn({ depth: 2, hidden: 16 }), graph, features: X, featureDim: d, labels, split, epochs: 5, lr: 0.02, weightDecay: 0.1, rng: 1, tf })
    expect(all.history.loss[4]).not.toBe(weights.history.loss[4])
    const alone = await trainNodeClassifier({ model: linearPropagation({ depth: 2 }), graph: empty, features: X, featureDim: d, labels, split, epochs: 60, lr: 0.02, rng: 1, tf })
    expect(alone.testAccuracy).toBeLessThan(0.85)
  })

  test('bad input names the argument', async () => {
    const { graph, X, d, labels, split } = sbm(1)
    const base = { model: gcn(), graph, features: X, featureDim: d, labels, split, epochs: 1 }
    await expect(trainNodeClassifier({ ...base, labels: labels.slice(1) })).rejects.toThrow(/labels: expected 80 labels/)
    await expect(trainNodeClassifier({ ...base, split: { ...split, test: Int32Array.from([80]) } })).rejects.toThrow(/split.test: vertex 80/)
    await expect(trainNodeClassifier({ ...base, features: X.slice(4) })).rejects.toThrow(/features: expected 80 × 4/)
    await expect(trainNodeClassifier({ ...base, features: [[1, 2]] })).rejects.toThrow(/features: expected 80 rows/)
    await expect(trainNodeClassifier({ ...base, epochs: 0 })).rejects.toThrow(/epochs/)
    await expect(trainNodeClassifier({ ...base, lr: -1 })).rejects.toThrow(/lr/)
    await expect(trainNodeClassifier({ ...base, model: {} as never })).rejects.toThrow(/model: expected a model/)
    await expect(trainNodeClassifier({ ...base, epoch: 3 } as never)).rejects.toThrow(/unknown option 'epoch'/)
    expect(() => gcn({ depth: 0 })).toThrow(/depth/)
    expect(() => gin({ dropout: 1 })).toThrow(/dropout/)
    expect(() => gcn({ readout: 'mlp' as never })).toThrow(/readout: expected 'conv' or 'linear'/)
    await expect(trainNodeClassifier({ ...base, patience: 0 })).rejects.toThrow(/patience/)
    await expect(trainNodeClassifier({ ...base, decay: 'bias' as never })).rejects.toThrow(/decay: expected 'weights' or 'all'/)
    expect(() => linearPropagation({ depth: -1 })).toThrow(/depth/)
    expect(() => propagationMatrix(graph, 'max' as never)).toThrow(/normalization/)
  })
})

