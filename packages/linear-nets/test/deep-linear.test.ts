import { Matrix, createRng } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { balancednessGap, endToEnd, initDeepLinear, layerGrad } from '../src'
import { randomMatrix } from '../../../tests/matrices'

const rel = (a: Matrix, b: Matrix): number => a.clone().sub(b).norm('frobenius') / Math.max(b.norm('frobenius'), 1e-300)

describe('initDeepLinear', () => {
  test('shapes W_j = dims[j] × dims[j−1] for every scheme', () => {
    for (const init of ['gaussian', 'balanced', 'identity', 'orthogonal'] as const) {
      const ws = initDeepLinear({ dims: [4, 6, 3, 5], init, rng: 1 })
      expect(ws.map((w) => [w.rows, w.columns])).toEqual([[6, 4], [3, 6], [5, 3]])
    }
  })

  test('gaussian entries have standard deviation ≈ scale', () => {
    const [W] = initDeepLinear({ dims: [100, 100], init: 'gaussian', scale: 0.5, rng: 2 })
    const std = (W as Matrix).norm('frobenius') / 100
    expect(std).toBeGreaterThan(0.48)
    expect(std).toBeLessThan(0.52)
  })

  test('balanced init is balanced to 1e-12 and its product has Frobenius norm `scale`', () => {
    for (const dims of [[5, 5, 5, 5], [4, 7, 6, 3], [6, 2, 2, 5], [3, 8, 8, 8, 4]]) {
      const ws = initDeepLinear({ dims, init: 'balanced', scale: 3, rng: 3 })
      expect(balancednessGap(ws)).toBeLessThan(1e-12)
      const wide = Math.min(...dims.slice(1, -1)) >= Math.min(dims[0] as number, dims[dims.length - 1] as number)
      if (wide) expect(endToEnd(ws).norm('frobenius')).toBeCloseTo(3, 10)
    }
  })

  test('balanced init gives the same end-to-end matrix at every depth from the same seed', () => {
    const P1 = endToEnd(initDeepLinear({ dims: [4, 3], init: 'balanced', scale: 2, rng: 9 }))
    const P3 = endToEnd(initDeepLinear({ dims: [4, 5, 5, 3], init: 'balanced', scale: 2, rng: 9 }))
    expect(rel(P3, P1)).toBeLessThan(1e-12)
  })

  test('identity and orthogonal', () => {
    const [I] = initDeepLinear({ dims: [3, 3], init: 'identity', scale: 2 })
    expect((I as Matrix).to2DArray()).toEqual([[2, 0, 0], [0, 2, 0], [0, 0, 2]])
    const [Q] = initDeepLinear({ dims: [3, 5], init: 'orthogonal', scale: 1, rng: 4 }) // 5 × 3, orthonormal columns
    expect(rel((Q as Matrix).transpose().mmul(Q as Matrix), Matrix.eye(3))).toBeLessThan(1e-12)
  })

  test('same seed, same numbers', () => {
    const a = initDeepLinear({ dims: [3, 4, 2], rng: 7 })
    const b = initDeepLinear({ dims: [3, 4, 2], rng: createRng(7) })
    expect(a.map((w) => w.to2DArray())).toEqual(b.map((w) => w.to2DArray()))
  })

  test('bad input names the argument', () => {
    expect(() => initDeepLinear({ dims: [3] })).toThrow(/dims: expected at least two widths/)
    expect(() => initDeepLinear({ dims: [3, 0] })).toThrow(/dims\[1\]/)
    expect(() => initDeepLinear({ dims: [3, 2.5] })).toThrow(/dims\[1\]/)
    expect(() => initDeepLinear({ dims: [3, 3], scale: NaN })).toThrow(/scale/)
    expect(() => initDeepLinear({ dims: [3, 3], scale: -1 })).toThrow(/scale/)
    expect(() => initDeepLinear({ dims: [3, 3], init: 'xavier' as never })).toThrow(/init/)
    expect(() => initDeepLinear({ dims: [3, 3], seed: 1 } as never)).toThrow(/unknown option 'seed'/)
  })
})

describe('endToEnd and layerGrad', () => {
  const ws = [randomMatrix(4, 3, 1), randomMatrix(5, 4, 2), randomMatrix(2, 5, 3)]

  test('endToEnd is W_N⋯W₁', () => {
    const manual = (ws[2] as Matrix).mmul(ws[1] as Matrix).mmul(ws[0] as Matrix)
    expect(rel(endToEnd(ws), manual)).toBeLessThan(1e-14)
    expect(endToEnd([[[2]], [[3]]]).get(0, 0)).toBe(6)
  })

  test('layerGrad match central finite differences of ℓ(W) = ½‖W − T‖² + Σ c_ij W_ij³', () => {
    const T = randomMatrix(2, 3, 4)
    const C = randomMatrix(2, 3, 5)
    const loss = (layers: Matrix[]): number => {
      const P = endToEnd(layers)
      let s = 0
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) s += 0.5 * (P.get(i, j) - T.get(i, j)) ** 2 + C.get(i, j) * P.get(i, j) ** 3
      return s
    }
    const P = endToEnd(ws)
    const G = new Matrix(2, 3)
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) G.set(i, j, P.get(i, j) - T.get(i, j) + 3 * C.get(i, j) * P.get(i, j) ** 2)
    const grads = layerGrad(ws, G)
    const h = 1e-6
    for (let l = 0; l < ws.length; l++) {
      const W = ws[l] as Matrix
      const fd = new Matrix(W.rows, W.columns)
      for (let i = 0; i < W.rows; i++) {
        for (let j = 0; j < W.columns; j++) {
          const plus = ws.map((w) => w.clone())
          const minus = ws.map((w) => w.clone())
          ;(plus[l] as Matrix).set(i, j, W.get(i, j) + h)
          ;(minus[l] as Matrix).set(i, j, W.get(i, j) - h)
          fd.set(i, j, (loss(plus) - loss(minus)) / (2 * h))
        }
      }
      expect(rel(grads[l] as Matrix, fd)).toBeLessThan(1e-6)
    }
  })

  test('depth 1: the layer gradient is ∇ itself', () => {
    const G = randomMatrix(3, 2, 6)
    expect(rel(layerGrad([randomMatrix(3, 2, 7)], G)[0] as Matrix, G)).toBe(0)
  })

  test('balancednessGap = max_j ‖W_{j+1}ᵀW_{j+1} − W_jW_jᵀ‖_F', () => {
    // W1 = diag(1, 2), W2 = I: W2ᵀW2 − W1W1ᵀ = diag(0, −3).
    expect(balancednessGap([[[1, 0], [0, 2]], [[1, 0], [0, 1]]])).toBeCloseTo(3, 14)
    expect(balancednessGap([[[1, 2]]])).toBe(0)
  })

  test('bad input: mismatched dims, depth < 1, non-finite entries', () => {
    expect(() => endToEnd([])).toThrow(/weights: expected depth ≥ 1/)
    expect(() => endToEnd([randomMatrix(4, 3, 1), randomMatrix(2, 5, 2)])).toThrow(/weights\[1\]: expected 4 columns/)
    expect(() => endToEnd([[[1, NaN]]])).toThrow(/weights\[0\]: expected finite entries/)
    expect(() => layerGrad(ws, randomMatrix(3, 3, 1))).toThrow(/gradW: expected 2 rows/)
    expect(() => layerGrad(ws, [[1, 2, Infinity], [0, 0, 0]])).toThrow(/gradW: expected finite/)
    expect(() => balancednessGap('W' as never)).toThrow(/weights: expected an array/)
  })
})
