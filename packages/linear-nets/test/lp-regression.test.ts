import { Matrix, createRng, relativeError } from '@theoryml/core'
import { solve } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import fx from '../../../tests/fixtures/linear-nets.json'
import { endToEnd, lpLoss, lpLossAndGrad, lpRegression } from '../src'

function data(n: number, d: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = createRng(seed)
  const X = new Matrix(n, d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, rng.normal())
  const w = rng.fillNormal(new Float64Array(d))
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0.1 * rng.normal()
    for (let j = 0; j < d; j++) s += X.get(i, j) * (w[j] as number)
    y[i] = s
  }
  return { X, y }
}

describe('lpLoss and lpLossAndGrad', () => {
  test('the doc examples and the gradient against central differences for p = 1.5, 2, 3, 4', () => {
    expect(lpLoss([[1, 0], [0, 1]], [1, 1], [0, 0], 4)).toBeCloseTo(0.25, 15)
    const doc = lpLossAndGrad([[1, 0], [0, 1]], [1, 1], [0, 0], 4)
    expect(doc.loss).toBeCloseTo(0.25, 15)
    expect(Array.from(doc.grad)).toEqual([-0.5, -0.5])
    const { X, y } = data(30, 4, 1)
    const w = Float64Array.from([0.3, -0.2, 0.5, 0.1])
    for (const p of [1.5, 2, 3, 4]) {
      const { loss, grad: g } = lpLossAndGrad(X, y, w, p)
      expect(loss).toBe(lpLoss(X, y, w, p))
      const fd = new Float64Array(4)
      for (let j = 0; j < 4; j++) {
        const a = Float64Array.from(w)
        const b = Float64Array.from(w)
        a[j] = (a[j] as number) + 1e-6
        b[j] = (b[j] as number) - 1e-6
        fd[j] = (lpLoss(X, y, a, p) - lpLoss(X, y, b, p)) / 2e-6
      }
      expect(relativeError(g, fd)).toBeLessThan(1e-7)
    }
  })
})

describe('lpRegression', () => {
  test('depth-2 ℓ4 regression matches PyTorch autograd for 30 GD steps', () => {
    const c = fx.lp4
    const res = lpRegression({ X: c.X, y: c.y, p: c.p, initial: c.init, optimizer: 'gd', lr: c.lr, steps: c.steps, every: 1 })
    expect(relativeError(res.history.loss, c.losses)).toBeLessThan(1e-12)
    res.weights.forEach((w, j) => expect(relativeError(w, c.final[j] as number[][])).toBeLessThan(1e-12))
  })

  test('ℓ2 at depth 1 and depth 2 reaches the least-squares solution; balanced init starts every depth at the same w', () => {
    const { X, y } = data(60, 5, 2)
    const wStar = solve(X.transpose().mmul(X), X.transpose().mmul(Matrix.columnVector(Array.from(y)))).to1DArray()
    for (const depth of [1, 2, 3]) {
      const r = lpRegression({ X, y, p: 2, depth, lr: 0.1, steps: 3000, scale: 0.5, rng: 3 })
      expect(relativeError(r.w, wStar)).toBeLessThan(1e-6)
      expect(Array.from(r.w)).toEqual(endToEnd(r.weights).getRow(0))
    }
    const starts = [1, 2, 4].map((depth) => lpRegression({ X, y, p: 2, depth, lr: 0.1, steps: 0, scale: 0.5, rng: 3 }).history.loss[0] as number)
    expect(starts[1]).toBeCloseTo(starts[0] as number, 12)
    expect(starts[2]).toBeCloseTo(starts[0] as number, 12)
  })

  test('the common trainer options: record and onStep see the state (product = w as 1 × d), stopAtLoss', () => {
    const { X, y } = data(40, 3, 5)
    let rows = 0
    const r = lpRegression({
      X, y, p: 4, optimizer: 'gd', lr: 0.05, steps: 200, every: 50, stopAtLoss: 1e9,
      record: { wNorm: (s) => s.product.norm('frobenius'), depth: (s) => s.layers.length },
      onStep: () => rows++,
    })
    expect(r.stoppedBy).toBe('stopAtLoss')
    expect(r.steps).toBe(0)
    expect(rows).toBe(1)
    const full = lpRegression({ X, y, p: 4, optimizer: 'gd', lr: 0.05, steps: 200, every: 50, record: { w: (s) => s.product.getRow(0) } })
    expect(full.history.step).toEqual([0, 50, 100, 150, 200])
    expect(full.history.w?.at(-1)).toEqual(Array.from(full.w))
    expect(full.stoppedBy).toBe('steps')
  })

  test('bad input', () => {
    const { X, y } = data(10, 3, 4)
    expect(() => lpRegression({ X, y: y.subarray(0, 9), p: 4 })).toThrow(/y: expected length 10/)
    expect(() => lpRegression({ X, y, p: 0.5 })).toThrow(/p: expected p ≥ 1/)
    expect(() => lpRegression({ X, y, depth: 0 })).toThrow(/depth/)
    expect(() => lpRegression({ X: [[1, NaN]], y: [1] })).toThrow(/X: expected finite/)
    expect(() => lpRegression({ X, y, initial: [[[1, 2]]] })).toThrow(/initial\[0\]: expected 3 columns/)
    expect(() => lpRegression({ X, y, initial: [[[1, 2, 3], [4, 5, 6]]] })).toThrow(/initial\[0\]: expected 1 rows/)
    expect(() => lpRegression({ X, y, topK: 3 } as never)).toThrow(/unknown option 'topK'/)
    expect(() => lpLossAndGrad(X, y, [1, 2], 2)).toThrow(/w: expected length 3/)
  })
})
