import { DivergenceError, Matrix, createRng, relativeError } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import fx from '../../../tests/fixtures/linear-nets.json'
import { endToEnd, layerGradients, lowRankMatrix, matrixCompletion, matrixSensing, sampleObservations } from '../src'
import { DeepLinearKernel } from '../src/kernel'
import { toFlat } from '../src/dense'

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed)
  const m = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.normal())
  return m
}

describe('the float64 kernel (allocation-free gradients)', () => {
  test('sparse completion gradients equal the chain rule with a dense ∇, depths 1–4, non-square widths', () => {
    for (const dims of [[5, 6], [5, 3, 6], [5, 4, 7, 6], [4, 2, 5, 3, 6]]) {
      const ws = dims.slice(1).map((d, j) => randomMatrix(d, dims[j] as number, j + 1))
      const rows = dims[dims.length - 1] as number
      const cols = dims[0] as number
      const obs = sampleObservations(randomMatrix(rows, cols, 9), { count: 12, rng: 2 })
      const P = endToEnd(ws)
      const G = new Matrix(rows, cols)
      let loss = 0
      for (const [i, j, v] of obs) {
        const r = P.get(i, j) - v
        loss += 0.5 * r * r
        G.set(i, j, G.get(i, j) + r)
      }
      const expected = layerGradients(ws, G)
      const kernel = new DeepLinearKernel(dims)
      const flat = ws.map((w) => toFlat(w))
      const grads = ws.map((w) => new Float64Array(w.rows * w.columns))
      const list = { rows: Int32Array.from(obs, (o) => o[0]), cols: Int32Array.from(obs, (o) => o[1]), values: Float64Array.from(obs, (o) => o[2]) }
      expect(kernel.sparseLossAndGrad(flat, grads, list)).toBeCloseTo(loss, 12)
      grads.forEach((g, j) => expect(relativeError(g, toFlat(expected[j] as Matrix))).toBeLessThan(1e-13))
      // Dense path with the same ∇.
      const dense = ws.map((w) => new Float64Array(w.rows * w.columns))
      kernel.denseLossAndGrad(flat, dense, (_P, out) => { out.set(toFlat(G)); return loss })
      dense.forEach((g, j) => expect(relativeError(g, toFlat(expected[j] as Matrix))).toBeLessThan(1e-13))
    }
  })
})

describe('against the PyTorch fixture (float64 autograd, tests/fixtures/make_linear-nets.py)', () => {
  test('matrixCompletion: 20 GD steps of a depth-3 factorization with rank-constraining widths', () => {
    const c = fx.completion
    const res = matrixCompletion({
      observations: c.observations as [number, number, number][],
      shape: [6, 5],
      initialWeights: c.init,
      optimizer: 'gd',
      lr: c.lr,
      steps: c.steps,
      every: 1,
    })
    expect(relativeError(res.history.loss, c.losses)).toBeLessThan(1e-12)
    res.weights.forEach((w, j) => expect(relativeError(w, c.final[j] as number[][])).toBeLessThan(1e-12))
  })

  test('matrixSensing: 20 GD steps of a depth-2 factorization', () => {
    const c = fx.sensing
    const res = matrixSensing({ measurements: c.A.map((A, i) => ({ A, y: c.y[i] as number })), initialWeights: c.init, optimizer: 'gd', lr: c.lr, steps: c.steps, every: 1 })
    expect(relativeError(res.history.loss, c.losses)).toBeLessThan(1e-12)
    res.weights.forEach((w, j) => expect(relativeError(w, c.final[j] as number[][])).toBeLessThan(1e-12))
  })
})

describe('matrixCompletion', () => {
  const target = lowRankMatrix({ shape: [12, 10], rank: 1, norm: 10, rng: 3 })
  const observations = sampleObservations(target, { count: 70, rng: 4 })

  test('depth 3 from a small init completes a rank-1 matrix; history has the spec columns', () => {
    const res = matrixCompletion({ target, observations, depth: 3, scale: 1e-2, optimizer: 'groupRmsprop', lr: 1e-2, steps: 3000, topK: 3, rng: 5 })
    const h = res.history
    expect(Object.keys(h).sort()).toEqual(['effectiveRank', 'loss', 'relError', 'singularValues', 'step'])
    expect(h.step.length).toBe(h.relError.length)
    expect(h.singularValues[0]).toHaveLength(3)
    expect(h.relError[h.relError.length - 1]).toBeLessThan(1e-2)
    expect(h.effectiveRank[h.effectiveRank.length - 1]).toBeLessThan(1.01)
    expect(relativeError(res.product, endToEnd(res.weights))).toBeLessThan(1e-14)
    expect(res.weights.map((w) => [w.rows, w.columns])).toEqual([[10, 10], [10, 10], [12, 10]])
  })

  test('[row, col] observations read the target; matrixSensing with indicator measurements follows the same path', () => {
    const pairs = observations.map(([i, j]) => [i, j] as [number, number])
    const opts = { depth: 2, scale: 0.1, optimizer: 'gd', lr: 0.05, steps: 50, every: 10, rng: 6 } as const
    const a = matrixCompletion({ target, observations: pairs, ...opts })
    const b = matrixCompletion({ target, observations, ...opts })
    expect(a.history.loss).toEqual(b.history.loss)
    const measurements = observations.map(([i, j, v]) => {
      const A = new Matrix(12, 10)
      A.set(i, j, 1)
      return { A, y: v }
    })
    const s = matrixSensing({ measurements, target, ...opts })
    expect(relativeError(s.history.loss, a.history.loss)).toBeLessThan(1e-12)
    expect(relativeError(s.product, a.product)).toBeLessThan(1e-12)
  })

  test('same seed, same trajectory; stopAtLoss stops; extra record columns', () => {
    const opts = { target, observations, depth: 2, scale: 0.1, lr: 0.05, steps: 400, rng: 7 }
    const a = matrixCompletion(opts)
    const b = matrixCompletion(opts)
    expect(a.history.loss).toEqual(b.history.loss)
    const c = matrixCompletion({ ...opts, stopAtLoss: 1e-2, record: { corner: (P) => P.get(0, 0) } })
    expect(c.stoppedBy).toBe('stopWhen')
    expect(c.history.loss[c.history.loss.length - 1]).toBeLessThanOrEqual(1e-2)
    expect(c.history.corner).toHaveLength(c.history.step.length)
  })

  test('a diverging run names the step', () => {
    expect(() => matrixCompletion({ target, observations, depth: 2, scale: 1, lr: 10, steps: 200 })).toThrow(DivergenceError)
  })

  test('bad input gets an error naming the argument', () => {
    expect(() => matrixCompletion({ shape: [3, 3], observations: [[3, 0, 1]] })).toThrow(/observations\[0\]: row index 3 out of range \[0, 3\)/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: [[0, -1, 1]] })).toThrow(/column index -1/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: [[0, 0, NaN]] })).toThrow(/observations\[0\]\[2\]/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: [[0, 0]] })).toThrow(/needs a target/)
    expect(() => matrixCompletion({ observations: [[0, 0, 1]] })).toThrow(/shape: required/)
    expect(() => matrixCompletion({ target, depth: 0 })).toThrow(/depth/)
    expect(() => matrixCompletion({ target: [[1, Infinity]] })).toThrow(/target: expected finite/)
    expect(() => matrixCompletion({ target, shape: [3, 3] })).toThrow(/shape/)
    expect(() => matrixCompletion({ target, initialWeights: [[[1, 2]]] })).toThrow(/initialWeights/)
    expect(() => matrixCompletion({ target, initialWeights: [randomMatrix(4, 10, 1), randomMatrix(12, 5, 2)] })).toThrow(/initialWeights\[1\]: expected 4 columns/)
    expect(() => matrixCompletion({ target, optimizer: 'sgd' as never })).toThrow(/optimizer/)
    expect(() => matrixCompletion({ target, optimizer: { type: 'gd', lr: 0.1 }, lr: 0.1 })).toThrow(/lr/)
    expect(() => matrixCompletion({ target, steps: -1 })).toThrow(/steps/)
    expect(() => matrixCompletion({ target, stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
    expect(() => matrixSensing({ measurements: [] })).toThrow(/measurements/)
    expect(() => matrixSensing({ measurements: [{ A: [[1, 0]], y: 1 }, { A: [[1]], y: 1 }] })).toThrow(/measurements\[1\]\.A/)
    expect(() => matrixSensing({ measurements: [{ A: [[1, 0]], y: NaN }] })).toThrow(/measurements\[0\]\.y/)
  })
})
