import { DivergenceError, Matrix, createRng, relativeError, sampleObservations, toFlat, type Observations } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import fx from '../../../tests/fixtures/linear-nets.json'
import { endToEnd, layerGrad, lowRankMatrix, matrixCompletion, matrixSensing, type DeepLinearState } from '../src'
import { DeepLinearKernel } from '../src/kernel'
import { randomMatrix } from '../../../tests/matrices'

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
      for (const [k, [i, j]] of obs.indices.entries()) {
        const r = P.get(i as number, j as number) - (obs.values[k] as number)
        loss += 0.5 * r * r
        G.set(i as number, j as number, G.get(i as number, j as number) + r)
      }
      const expected = layerGrad(ws, G)
      const kernel = new DeepLinearKernel(dims)
      const flat = ws.map((w) => toFlat(w))
      const grads = ws.map((w) => new Float64Array(w.rows * w.columns))
      const list = { rows: Int32Array.from(obs.indices, (o) => o[0] as number), cols: Int32Array.from(obs.indices, (o) => o[1] as number), values: obs.values }
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
      observations: { indices: c.observations.map(([i, j]) => [i as number, j as number]), values: Float64Array.from(c.observations, (o) => o[2] as number) },
      shape: [6, 5],
      initial: c.init,
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
    const res = matrixSensing({ measurements: c.A.map((A, i) => ({ A, y: c.y[i] as number })), initial: c.init, optimizer: 'gd', lr: c.lr, steps: c.steps, every: 1 })
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
    expect(res.steps).toBe(3000)
    expect(res.stoppedBy).toBe('steps')
  })

  test('the result does not depend on the order of the observations; matrixSensing with indicator measurements follows the same path', () => {
    const order = createRng(8).permutation(observations.indices.length)
    const shuffled: Observations = { indices: order.map((k) => observations.indices[k] as number[]), values: Float64Array.from(order, (k) => observations.values[k] as number) }
    const opts = { depth: 2, scale: 0.1, optimizer: 'gd', lr: 0.05, steps: 50, every: 10, rng: 6 } as const
    const a = matrixCompletion({ target, observations: shuffled, ...opts })
    const b = matrixCompletion({ target, observations, ...opts })
    expect(a.history.loss).toEqual(b.history.loss)
    expect(a.product.to2DArray()).toEqual(b.product.to2DArray())
    const measurements = observations.indices.map(([i, j], k) => {
      const A = new Matrix(12, 10)
      A.set(i as number, j as number, 1)
      return { A, y: observations.values[k] as number }
    })
    const s = matrixSensing({ measurements, target, ...opts })
    expect(relativeError(s.history.loss, a.history.loss)).toBeLessThan(1e-12)
    expect(relativeError(s.product, a.product)).toBeLessThan(1e-12)
  })

  test('without observations every entry of the target is observed', () => {
    const full = sampleObservations(target, { count: 120, rng: 0 })
    const opts = { depth: 2, scale: 0.1, lr: 0.05, steps: 20, rng: 6 }
    expect(matrixCompletion({ target, ...opts }).history.loss).toEqual(matrixCompletion({ target, observations: full, ...opts }).history.loss)
  })

  test('same seed, same trajectory; stopAtLoss stops; record and onStep see one state with step, loss, layers, grad, weights and product', () => {
    const opts = { target, observations, depth: 2, scale: 0.1, lr: 0.05, steps: 400, rng: 7 }
    const a = matrixCompletion(opts)
    const b = matrixCompletion(opts)
    expect(a.history.loss).toEqual(b.history.loss)
    const seen: DeepLinearState[] = []
    const products: Matrix[] = []
    const c = matrixCompletion({
      ...opts,
      stopAtLoss: 1e-2,
      record: {
        corner: (s) => s.product.get(0, 0),
        sameProduct: (s) => Number(s.product === s.product),
        // state.grad is the chain rule of ∇ = P_Ω(W − b) at the state's layers.
        gradError: (s) => {
          const G = new Matrix(12, 10)
          observations.indices.forEach(([i, j], k) => G.set(i as number, j as number, s.product.get(i as number, j as number) - (observations.values[k] as number)))
          return Math.max(...layerGrad(s.weights, G).map((g, j) => relativeError(s.grad[j] as Float64Array, g.to1DArray())))
        },
        layerError: (s) => relativeError(endToEnd(s.weights), s.product),
      },
      onStep: (s, h) => {
        seen.push(s)
        products.push(s.product)
        expect(h.step.at(-1)).toBe(s.step)
        expect(h.loss.at(-1)).toBe(s.loss)
      },
    })
    expect(c.stoppedBy).toBe('stopAtLoss')
    expect(c.history.loss.at(-1)).toBeLessThanOrEqual(1e-2)
    expect(c.history.loss.slice(0, -1).every((l) => l > 1e-2)).toBe(true)
    expect(c.steps).toBe(c.history.step.at(-1))
    expect(c.history.corner).toHaveLength(c.history.step.length)
    expect((c.history.sameProduct as number[]).every((v) => v === 1)).toBe(true)
    expect((c.history.layerError as number[]).every((v) => v < 1e-14)).toBe(true)
    expect(seen).toHaveLength(c.history.step.length)
    expect(seen[0]?.layers).toHaveLength(2)
    // The product read in onStep at the last row is the returned product.
    expect(relativeError(products.at(-1) as Matrix, c.product)).toBe(0)
    expect((c.history.gradError as number[]).every((v) => v < 1e-12)).toBe(true)
  })

  test('stopWhen and signal stop the run; onStep is called at every recorded row', () => {
    let rows = 0
    const opts = { target, observations, depth: 2, scale: 0.1, lr: 0.05, steps: 100, every: 10, rng: 7 }
    const a = matrixCompletion({ ...opts, stopWhen: (s) => s.step === 35, onStep: () => rows++ })
    expect(a.stoppedBy).toBe('stopWhen')
    expect(a.steps).toBe(35)
    expect(a.history.step).toEqual([0, 10, 20, 30, 35])
    expect(rows).toBe(5)
    const controller = new AbortController()
    controller.abort()
    const b = matrixCompletion({ ...opts, signal: controller.signal })
    expect(b.stoppedBy).toBe('signal')
    expect(b.steps).toBe(0)
  })

  test('a diverging run names the step', () => {
    expect(() => matrixCompletion({ target, observations, depth: 2, scale: 1, lr: 10, steps: 200 })).toThrow(DivergenceError)
  })

  test('bad input gets an error naming the argument', () => {
    const one = (i: number, j: number, v: number): Observations => ({ indices: [[i, j]], values: Float64Array.of(v) })
    expect(() => matrixCompletion({ shape: [3, 3], observations: one(3, 0, 1) })).toThrow(/observations\.indices\[0\]: row index 3 out of range \[0, 3\)/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: one(0, -1, 1) })).toThrow(/observations\.indices\[0\]: column index -1/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: one(0, 0, NaN) })).toThrow(/observations\.values\[0\]: expected a finite number/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: { indices: [[0, 0, 0]], values: Float64Array.of(1) } })).toThrow(/observations\.indices\[0\]: expected \[row, column\]/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: { indices: [[0, 0]], values: new Float64Array(2) } })).toThrow(/observations\.values: expected 1 values/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: { indices: [], values: new Float64Array(0) } })).toThrow(/observations\.indices: expected at least one/)
    expect(() => matrixCompletion({ shape: [3, 3], observations: [[0, 0, 1]] as never })).toThrow(/observations: expected \{ indices: \[row, column\]\[\], values \}/)
    expect(() => matrixCompletion({ observations: one(0, 0, 1) })).toThrow(/shape: required/)
    expect(() => matrixCompletion({ target, depth: 0 })).toThrow(/depth/)
    expect(() => matrixCompletion({ target: [[1, Infinity]] })).toThrow(/target: expected finite/)
    expect(() => matrixCompletion({ target, shape: [3, 3] })).toThrow(/shape/)
    expect(() => matrixCompletion({ target, initial: [[[1, 2]]] })).toThrow(/initial\[0\]: expected 10 columns/)
    expect(() => matrixCompletion({ target, initial: [randomMatrix(4, 10, 1), randomMatrix(12, 5, 2)] })).toThrow(/initial\[1\]: expected 4 columns/)
    expect(() => matrixCompletion({ target, initial: [randomMatrix(4, 10, 1), randomMatrix(11, 4, 2)] })).toThrow(/initial\[1\]: expected 12 rows/)
    expect(() => matrixCompletion({ target, initial: [randomMatrix(12, 10, 1)], scale: 0.1 })).toThrow(/initial: explicit layers fix the net; drop 'scale'/)
    expect(() => matrixCompletion({ target, init: [randomMatrix(12, 10, 1)] as never })).toThrow(/init: expected a scheme name.*'initial'/)
    expect(() => matrixCompletion({ target, init: 'xavier' as never })).toThrow(/init: expected one of/)
    expect(() => matrixCompletion({ target, initialWeights: [randomMatrix(12, 10, 1)] } as never)).toThrow(/unknown option 'initialWeights'/)
    expect(() => matrixCompletion({ target, onProgress: () => {} } as never)).toThrow(/unknown option 'onProgress'/)
    expect(() => matrixCompletion({ target, optimizer: 'sgd' as never })).toThrow(/optimizer/)
    expect(() => matrixCompletion({ target, optimizer: { type: 'gd', lr: 0.1 }, lr: 0.1 })).toThrow(/lr/)
    expect(() => matrixCompletion({ target, steps: -1 })).toThrow(/steps/)
    expect(() => matrixCompletion({ target, topK: -1 })).toThrow(/topK/)
    expect(() => matrixCompletion({ target, record: { x: 1 as never } })).toThrow(/record\.x: expected a function/)
    expect(() => matrixCompletion({ target, stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
    expect(() => matrixSensing({ measurements: [] })).toThrow(/measurements/)
    expect(() => matrixSensing({ measurements: [{ A: [[1, 0]], y: 1 }, { A: [[1]], y: 1 }] })).toThrow(/measurements\[1\]\.A/)
    expect(() => matrixSensing({ measurements: [{ A: [[1, 0]], y: NaN }] })).toThrow(/measurements\[0\]\.y/)
  })
})
