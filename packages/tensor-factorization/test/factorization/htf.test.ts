import { createRng, frobeniusNorm, ndarray, relativeError, sampleObservations, unobservedEntries, type Matrix, type Observations } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { balancedTree, cpToTensor, hierarchicalRank, htf, htfCompletion, htfCompletionLossAndGrad, htfToTensor, localComponentNorms, treeNodes, type Htf, type ModeTree } from '../../src/index'
import { initTf } from '@theoryml/core/tf'

/** One entry of an HTF straight from the recursive definition (independent of htfToTensor). */
function entry(h: Htf, index: number[]): number {
  const phi = (k: number, s: number): number => {
    const node = h.nodes[k]!
    const W = h.weights[k]!
    if (node.mode >= 0) return W.get(index[node.mode]!, s)
    let sum = 0
    for (let r = 0; r < node.width; r++) {
      let prod = W.get(r, s)
      for (const c of node.children) prod *= phi(c, r)
      sum += prod
    }
    return sum
  }
  return phi(h.nodes.length - 1, 0)
}

describe('HTF structure', () => {
  test('balancedTree and treeNodes', () => {
    expect(balancedTree(4)).toEqual([[0, 1], [2, 3]])
    expect(balancedTree(3)).toEqual([[0, 1], 2])
    expect(balancedTree(8)).toEqual([[[0, 1], [2, 3]], [[4, 5], [6, 7]]])
    expect(treeNodes([[0, 1], [2, 3]], 4).map((n) => n.modes)).toEqual([[0], [1], [0, 1], [2], [3], [2, 3], [0, 1, 2, 3]])
  })

  test('htfToTensor follows the recursive definition, also for a tree over non-adjacent modes', () => {
    for (const tree of [[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[3, [0, 2]], 1]] as ModeTree[]) {
      const h = htf({ shape: [2, 3, 2, 4], tree, widths: 3, rng: 5 })
      const t = htfToTensor(h)
      const rng = createRng(1)
      for (let trial = 0; trial < 20; trial++) {
        const idx = t.shape.map((d) => rng.int(d))
        const flat = idx.reduce((o, i, n) => o + i * t.strides[n]!, 0)
        expect(t.data[flat]).toBeCloseTo(entry(h, idx), 12)
      }
    }
  })

  test('a depth-one tree is a CP factorization with the root weights as λ', () => {
    const h = htf({ shape: [3, 4, 2], tree: [0, 1, 2], widths: 5, rng: 2 })
    const cp = cpToTensor({ weights: h.weights[3]!.getColumn(0), factors: h.weights.slice(0, 3) })
    expect(relativeError(htfToTensor(h), cp)).toBeLessThan(1e-14)
  })

  test('hierarchical rank of a generated HTF equals its widths', () => {
    const uniform = hierarchicalRank(htfToTensor(htf({ shape: [6, 6, 6, 6], widths: 3, rng: 3 })), [[0, 1], [2, 3]])
    expect(uniform.nodes).toEqual([[0], [1], [0, 1], [2], [3], [2, 3]])
    expect(uniform.ranks).toEqual([3, 3, 3, 3, 3, 3])
    // widths per interior node (post-order: {0,1}, {2,3}, root): leaves see their parent's width,
    // the {0,1} | {2,3} matricization the smaller of the two
    const mixed = hierarchicalRank(htfToTensor(htf({ shape: [6, 6, 6, 6], widths: [2, 3, 4], rng: 4 })))
    expect(mixed.ranks).toEqual([2, 2, 2, 3, 3, 2])
    // a deeper tree over 6 modes
    const deep = hierarchicalRank(htfToTensor(htf({ shape: [3, 3, 3, 3, 3, 3], tree: [[0, [1, 2]], [[3, 4], 5]], widths: 2, rng: 6 })), [[0, [1, 2]], [[3, 4], 5]])
    expect(deep.ranks).toEqual(deep.nodes.map(() => 2))
  })

  test('localComponentNorms: ‖W^ν[r, :]‖ · Π_c ‖W^c[:, r]‖', () => {
    const h = htf({ shape: [3, 3, 3, 3], widths: 4, rng: 7 })
    const norms = localComponentNorms(h, [0, 1])
    const colNorm = (m: Matrix, r: number): number => Math.hypot(...m.getColumn(r))
    const rowNorm = (m: Matrix, r: number): number => Math.hypot(...m.getRow(r))
    for (let r = 0; r < 4; r++) {
      expect(norms[r]).toBeCloseTo(rowNorm(h.weights[2]!, r) * colNorm(h.weights[0]!, r) * colNorm(h.weights[1]!, r), 12)
    }
    expect(localComponentNorms(h, 'root').length).toBe(4)
    expect(() => localComponentNorms(h, [0])).toThrow(/leaf/)
    expect(() => localComponentNorms(h, [0, 2])).toThrow(/no node/)
  })

  test('bad trees and widths get clear errors', () => {
    expect(() => htf({ shape: [2, 2, 2, 2], tree: [[0, 1], 2], widths: 2 })).toThrow(/tree: does not cover the modes; missing 3/)
    expect(() => htf({ shape: [2, 2, 2], tree: [[0, 1], 1], widths: 2 })).toThrow(/mode 1 appears twice/)
    expect(() => htf({ shape: [2, 2, 2], tree: [[0, 1], 5], widths: 2 })).toThrow(/expected a mode index in \[0, 2\]/)
    expect(() => htf({ shape: [2, 2, 2], tree: [[0], [1, 2]], widths: 2 })).toThrow(/at least 2/)
    expect(() => htf({ shape: [2, 2, 2, 2], widths: [2, 2] })).toThrow(/widths: expected 3 widths/)
    expect(() => htf({ shape: [2, 2, 2, 2], widths: 0 })).toThrow(/widths/)
    expect(() => hierarchicalRank(htfToTensor(htf({ shape: [2, 2, 2], widths: 1 })), [0, 1])).toThrow(/missing 2/)
  })
})

function problem(seed: number, tree: ModeTree = [[0, 2], [1, 3]]): { h: Htf; observations: Observations } {
  const shape = [3, 2, 3, 2]
  const target = htfToTensor(htf({ shape, tree, widths: 2, rng: seed }))
  return { h: htf({ shape, tree, widths: [3, 2, 2], initStd: 0.6, rng: seed + 1 }), observations: sampleObservations(target, { count: 20, rng: seed + 2 }) }
}

describe('HTF completion gradient', () => {
  test('closed-form gradient matches central finite differences', () => {
    const { h, observations } = problem(1)
    const { grad } = htfCompletionLossAndGrad(h, observations)
    const eps = 1e-6
    let maxErr = 0
    h.weights.forEach((W, k) => {
      for (let i = 0; i < W.rows; i++) {
        for (let j = 0; j < W.columns; j++) {
          const shifted = (d: number): number => {
            const weights = h.weights.map((m) => m.clone())
            weights[k]!.set(i, j, W.get(i, j) + d)
            return htfCompletionLossAndGrad({ ...h, weights }, observations).loss
          }
          const fd = (shifted(eps) - shifted(-eps)) / (2 * eps)
          maxErr = Math.max(maxErr, Math.abs(fd - grad[k]!.get(i, j)) / (Math.abs(fd) + 1e-3))
        }
      }
    })
    expect(maxErr).toBeLessThan(1e-5)
  })

  test('closed-form gradient matches tfjs autodiff', async () => {
    const { tf } = await initTf()
    const { h, observations } = problem(2, [[0, 1], [2, 3]])
    const { loss, grad } = htfCompletionLossAndGrad(h, observations)
    const before = tf.memory().numTensors
    const vars = h.weights.map((W) => tf.tidy(() => tf.variable(tf.tensor2d(W.to2DArray()))))
    const onehots = h.shape.map((d, n) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(observations.indices.map((ij) => ij[n]!), 'int32'), d), 'float32')))
    const y = tf.tensor1d(Array.from(observations.values))
    const { value, grads } = tf.variableGrads(() => {
      const v: Array<ReturnType<typeof tf.matMul>> = []
      h.nodes.forEach((node, k) => {
        if (node.mode >= 0) v[k] = tf.matMul(onehots[node.mode]!, vars[k]!)
        else v[k] = tf.matMul(node.children.map((c) => v[c]!).reduce((a, b) => tf.mul(a, b)), vars[k]!)
      })
      return tf.mean(tf.square(tf.sub(tf.reshape(v[h.nodes.length - 1]!, [-1]), y))) as never
    })
    expect(value.dataSync()[0]).toBeCloseTo(loss, 5)
    vars.forEach((v, k) => expect(relativeError(grads[v.name]!.arraySync() as number[][], grad[k]!)).toBeLessThan(1e-4))
    tf.dispose([value, ...Object.values(grads), ...vars, ...onehots, y])
    expect(tf.memory().numTensors).toBe(before)
  })

  test('observation out of range gets a clear error', () => {
    const { h } = problem(3)
    expect(() => htfCompletionLossAndGrad(h, { indices: [[0, 2, 0, 0]], values: Float64Array.of(1) })).toThrow(/indices\[0\]\[1\]: index out of range, expected an integer in \[0, 1\]/)
    expect(() => htfCompletion({ shape: [2, 2, 2], observations: { indices: [[0, 0, 0]], values: Float64Array.of(1) }, widths: 2, tree: [0, 1] })).toThrow(/tree: does not cover/)
  })
})

describe('htfCompletion', () => {
  test('completes a low-width HTF tensor; the root local components stay few', () => {
    const shape = [6, 6, 6, 6]
    const t = htfToTensor(htf({ shape, widths: 1, rng: 11 }))
    const target = ndarray(t.data.map((v) => v / frobeniusNorm(t)), shape)
    const observations = sampleObservations(target, { count: 400, rng: 12 })
    const res = htfCompletion({ shape, observations, widths: 6, initStd: 0.1, steps: 1500, lr: 5e-3, target, rng: 13, topK: 3 })
    const rel = res.history.relError as number[]
    expect(rel[rel.length - 1]).toBeLessThan(0.05)
    const root = Array.from(localComponentNorms(res.htf, 'root')).sort((a, b) => b - a)
    expect(root[1]! / root[0]!).toBeLessThan(0.1)
    expect(htfCompletionLossAndGrad(res.htf, unobservedEntries(target, observations)).loss).toBeLessThan(0.05 ** 2 / 1296)
    expect((res.history.componentNorms as number[][])[0]!.length).toBe(3)
  })
})

describe('htfCompletion: options and state of the trainer vocabulary', () => {
  test("init names the scheme; an explicit factorization goes in `initial`; node picks the recorded norms", () => {
    const { h, observations } = problem(4)
    const shape = h.shape
    const tree: ModeTree = [[0, 2], [1, 3]]
    // 'gaussian' is the htf() draw from the same seed: both runs start from htf({ shape, tree, widths, initStd, rng })
    const a = htfCompletion({ shape, observations, tree, widths: [3, 2, 2], init: 'gaussian', initStd: 0.6, steps: 15, rng: 5 })
    const b = htfCompletion({ shape, observations, initial: htf({ shape, tree, widths: [3, 2, 2], initStd: 0.6, rng: 5 }), steps: 15 })
    expect(a.htf.weights.map((w) => w.to2DArray())).toEqual(b.htf.weights.map((w) => w.to2DArray()))
    const before = h.weights.map((w) => w.to2DArray())
    htfCompletion({ shape, observations, initial: h, steps: 5 })
    expect(h.weights.map((w) => w.to2DArray())).toEqual(before) // copied, not trained in place
    expect(() => htfCompletion({ shape, observations, initial: h, widths: 2 })).toThrow(/initial: .*not both/)
    expect(() => htfCompletion({ shape, observations, init: h } as never)).toThrow(/init: expected 'gaussian'/)
    expect(() => htfCompletion({ shape, observations })).toThrow(/widths: required/)
    // the local norms at node {0, 2} (width 3 in post-order [3, 2, 2]), as localComponentNorms computes them
    const rows: number[][] = []
    const res = htfCompletion({ shape, observations, initial: h, steps: 6, every: 3, node: [0, 2], topK: 3, record: { all: (s) => s.componentNorms }, onStep: (s) => rows.push(Array.from(localComponentNorms(s.htf, [0, 2])).sort((x, y) => y - x)) })
    expect(res.history.componentNorms).toEqual(rows)
    expect((res.history.all as number[][]).map((r) => [...r].sort((x, y) => y - x))).toEqual(rows)
    expect(() => htfCompletion({ shape, observations, initial: h, node: [0] })).toThrow(/node: expected an interior node/)
  })

  test('state.grad is the closed-form gradient; stopAtLoss and stopWhen say why they stopped', () => {
    const { h, observations } = problem(6)
    const res = htfCompletion({
      shape: h.shape,
      observations,
      initial: h,
      steps: 4,
      every: 2,
      onStep: (s) => {
        const check = htfCompletionLossAndGrad(s.htf, observations)
        expect(check.loss).toBeCloseTo(s.loss, 12)
        s.grad.forEach((g, k) => expect(relativeError(check.grad[k]!, g)).toBeLessThan(1e-12))
      },
    })
    expect(res.history.step).toEqual([0, 2, 4])
    const atLoss = htfCompletion({ shape: h.shape, observations, initial: h, steps: 100, stopAtLoss: res.history.loss[1]! })
    expect(atLoss.stoppedBy).toBe('stopAtLoss')
    expect(atLoss.steps).toBeLessThanOrEqual(2)
    expect(htfCompletion({ shape: h.shape, observations, initial: h, steps: 100, stopWhen: (s) => s.step === 3 }).stoppedBy).toBe('stopWhen')
  })
})
