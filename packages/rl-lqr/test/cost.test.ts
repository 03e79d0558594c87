import { describe, expect, test } from 'vitest'
import { Matrix, createRng, relativeError } from '@theoryml/core'
import {
  closedLoop, dlqr, finiteHorizonCost, finiteHorizonCostAndGrad, infiniteHorizonCost, lqrSystem, minimalCost, randomSystem,
} from '../src/index'
import { fixture } from '../../../tests/fixtures'

interface CostCase { A: number[][]; B: number[][]; Q: number[][]; R: number[][]; H: number; K: number[][]; X0: number[][]; J: number; Jstar: number }
const fx = fixture<{ cost: CostCase[] }>('rl_lqr.json')

function randn(rng: ReturnType<typeof createRng>, r: number, c: number, s = 1): Matrix {
  const M = new Matrix(r, c)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) M.set(i, j, rng.normal(0, s))
  return M
}

describe('finite-horizon cost', () => {
  test('matches an independent numpy rollout, and the minimal cost the numpy Riccati recursion', () => {
    for (const c of fx.cost) {
      const sys = lqrSystem({ A: c.A, B: c.B, Q: c.Q, R: c.R, horizon: c.H })
      expect(Math.abs(finiteHorizonCost(sys, c.K, c.X0) - c.J) / c.J).toBeLessThan(1e-12)
      expect(Math.abs(minimalCost(sys, c.X0) - c.Jstar) / c.Jstar).toBeLessThan(1e-10)
      expect(minimalCost(sys, c.X0)).toBeLessThanOrEqual(finiteHorizonCost(sys, c.K, c.X0) + 1e-12)
    }
  })

  test('BPTT gradient equals central finite differences (R ≠ 0, random B, several states)', () => {
    const rng = createRng(7)
    for (const [n, m, H] of [[3, 2, 4], [5, 5, 5], [4, 1, 9]] as const) {
      const G = randn(rng, m, m)
      const sys = lqrSystem({ A: randn(rng, n, n, 1 / Math.sqrt(n)), B: randn(rng, m, n, 1 / Math.sqrt(n)), R: G.mmul(G.transpose()).mul(0.2), horizon: H })
      const K = randn(rng, n, m, 0.3)
      const X0 = randn(rng, 3, n)
      const { cost, grad } = finiteHorizonCostAndGrad(sys, K, X0)
      expect(cost).toBeCloseTo(finiteHorizonCost(sys, K, X0), 12)
      const eps = 1e-6
      const fd = new Matrix(n, m)
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) {
          const Kp = K.clone(); Kp.set(i, k, K.get(i, k) + eps)
          const Km = K.clone(); Km.set(i, k, K.get(i, k) - eps)
          fd.set(i, k, (finiteHorizonCost(sys, Kp, X0) - finiteHorizonCost(sys, Km, X0)) / (2 * eps))
        }
      }
      expect(relativeError(grad, fd)).toBeLessThan(1e-7)
    }
  })

  test('row and column conventions describe the same problem', () => {
    const rng = createRng(3)
    const A = randn(rng, 4, 4, 0.5)
    const B = randn(rng, 2, 4, 0.5)
    const K = randn(rng, 4, 2, 0.3)
    const X0 = randn(rng, 2, 4)
    const row = lqrSystem({ A, B, R: Matrix.eye(2), horizon: 6 })
    const col = lqrSystem({ A: A.transpose(), B: B.transpose(), R: Matrix.eye(2), horizon: 6, convention: 'column' })
    expect(finiteHorizonCost(col, K.transpose(), X0)).toBeCloseTo(finiteHorizonCost(row, K, X0), 12)
    const gr = finiteHorizonCostAndGrad(row, K, X0).grad
    const gc = finiteHorizonCostAndGrad(col, K.transpose(), X0).grad
    expect(relativeError(gc, gr.transpose())).toBeLessThan(1e-13)
  })
})

describe('infinite-horizon cost', () => {
  test('of the dlqr gain equals x₀ᵀ P x₀ with P the DARE solution', () => {
    const rng = createRng(11)
    const A = randn(rng, 4, 4, 0.7)
    const B = randn(rng, 4, 2)
    const Q = Matrix.eye(4)
    const R = Matrix.eye(2).mul(0.5)
    const { K, P } = dlqr(A, B, Q, R)
    const sys = lqrSystem({ A, B, Q, R, horizon: 1, convention: 'column' })
    const x0 = [1, -2, 0.5, 3]
    const exact = Matrix.rowVector(x0).mmul(P).mmul(Matrix.columnVector(x0)).get(0, 0)
    expect(infiniteHorizonCost(sys, K.clone().mul(-1), [x0]) / exact).toBeCloseTo(1, 10)
    // Any other stabilizing gain costs more.
    expect(infiniteHorizonCost(sys, K.clone().mul(-0.9), [x0])).toBeGreaterThan(exact)
  })

  test('matches a long finite horizon for a stable closed loop and is Infinity for an unstable one', () => {
    const sys = randomSystem(4, 4, 5, { horizon: 400 })
    const K = sys.A.clone().mul(-0.6) // closed loop M = 0.4 A (B = I)
    const X0 = [[1, 0, 0, 0], [0, 1, 1, 0]]
    expect(closedLoop(sys, K).norm('frobenius')).toBeCloseTo(0.4 * sys.A.norm('frobenius'), 12)
    expect(infiniteHorizonCost(sys, K, X0) / finiteHorizonCost(sys, K, X0)).toBeCloseTo(1, 9)
    const unstable = lqrSystem({ A: [[1.2]], B: [[1]], horizon: 3 })
    expect(infiniteHorizonCost(unstable, [[0]], [[1]])).toBe(Infinity)
  })
})
