import type * as TF from '@tensorflow/tfjs-core'
import { createRng, initTf, Matrix } from '@theoryml/core'
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

  test('GCN, GIN and linear propagation learn a two-community graph; no tensors leak', async () => {
    const { tf } = await initTf()
    const { graph, X, d, labels, split } = sbm(7)
    for (const model of [gcn({ depth: 2, hidden: 16 }), gin({ depth: 2, hidden: 16 }), linearPropagation({ depth: 2 })]) {
      const before = tf.memory().numTensors
      const r = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, epochs: 60, lr: 0.02, rng: 1, tf })
      expect(tf.memory().numTensors).toBe(before)
      expect(r.testAccuracy).toBeGreaterThan(0.85)
      expect(r.history.loss.length).toBe(60)
      expect(r.history.loss[59]!).toBeLessThan(r.history.loss[0]!)
      // same seed, same numbers
      const again = await trainNodeClassifier({ model, graph, features: X, featureDim: d, labels, split, epochs: 5, lr: 0.02, rng: 1, tf })
      expect(again.history.loss).toEqual(r.history.loss.slice(0, 5))
    }
    // features without graph information are much weaker than with it
    const empty = Graph.fromEdges(graph.numNodes, [])
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
    expect(() => linearPropagation({ depth: -1 })).toThrow(/depth/)
    expect(() => propagationMatrix(graph, 'max' as never)).toThrow(/normalization/)
  })
})
