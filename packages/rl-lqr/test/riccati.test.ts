import { describe, expect, test } from 'vitest'
import { Matrix, frobeniusNorm, relativeError } from '@theoryml/core'
import { dareResidual, dlqr, solveDare } from '../src/index'
import { fixture } from '../../../tests/fixtures'

interface DareCase { A: number[][]; B: number[][]; Q: number[][]; R: number[][]; P: number[][]; K: number[][]; eigAbs: number[] }
const fx = fixture<{ dare: DareCase[] }>('rl_lqr.json')

describe('solveDare / dlqr against scipy.linalg.solve_discrete_are', () => {
  test('P, K and closed-loop eigenvalues match scipy (n = 2 … 20)', () => {
    expect(fx.dare.length).toBeGreaterThanOrEqual(7)
    for (const c of fx.dare) {
      const X = solveDare(c.A, c.B, c.Q, c.R)
      expect(relativeError(X, c.P)).toBeLessThan(1e-10)
      const { K, P, closedLoopEigenvalues } = dlqr(c.A, c.B, c.Q, c.R)
      expect(relativeError(P, c.P)).toBeLessThan(1e-10)
      expect(relativeError(K, c.K)).toBeLessThan(1e-9)
      const abs = closedLoopEigenvalues.map((z) => Math.hypot(z.re, z.im)).sort((a, b) => a - b)
      expect(relativeError(abs, c.eigAbs)).toBeLessThan(1e-8)
      expect(Math.max(...abs)).toBeLessThan(1)
    }
  })

  test('the DARE residual is at round-off level and P is symmetric PSD', () => {
    for (const c of fx.dare) {
      const X = solveDare(c.A, c.B, c.Q, c.R)
      expect(frobeniusNorm(dareResidual(c.A, c.B, c.Q, c.R, X)) / frobeniusNorm(X)).toBeLessThan(1e-12)
      expect(relativeError(X, X.transpose())).toBeLessThan(1e-14)
    }
  })

  test('scalar closed form: x = a²x − a²b²x²/(r + b²x) + q', () => {
    // a = b = q = r = 1: x² − x − 1 = 0 → golden ratio.
    expect(solveDare([[1]], [[1]], [[1]], [[1]]).get(0, 0)).toBeCloseTo((1 + Math.sqrt(5)) / 2, 13)
    // a = 2, b = 1, q = 1, r = 1: x = 4x − 4x²/(1 + x) + 1 → x² − 4x − 1 = 0.
    expect(solveDare([[2]], [[1]], [[1]], [[1]]).get(0, 0)).toBeCloseTo(2 + Math.sqrt(5), 12)
  })

  test('dlqr of a double integrator stabilizes it', () => {
    const { K, closedLoopEigenvalues } = dlqr([[1, 1], [0, 1]], [[0], [1]], Matrix.eye(2), [[1]])
    expect(K.rows).toBe(1)
    expect(K.columns).toBe(2)
    for (const z of closedLoopEigenvalues) expect(Math.hypot(z.re, z.im)).toBeLessThan(1)
  })
})

describe('solveDare input errors name the argument', () => {
  test('non-square A, B rows ≠ size of A, Q not symmetric PSD, singular R', () => {
    expect(() => solveDare([[1, 2]], [[1]], [[1]], [[1]])).toThrow(/A: expected a square matrix/)
    expect(() => solveDare([[1, 0], [0, 1]], [[1]], Matrix.eye(2), [[1]])).toThrow(/B: expected 2 rows/)
    expect(() => solveDare([[1]], [[1]], [[-1]], [[1]])).toThrow(/Q: expected a positive semidefinite/)
    expect(() => solveDare(Matrix.eye(2), [[1], [1]], [[1, 2], [0, 1]], [[1]])).toThrow(/Q: expected a symmetric matrix/)
    expect(() => solveDare([[1]], [[1]], [[1]], [[0]])).toThrow(/R: expected a positive definite/)
  })

  test('an unstabilizable pair is reported, not returned', () => {
    // The mode 2 of A is unstable and B cannot reach it.
    expect(() => solveDare([[2, 0], [0, 0.5]], [[0], [1]], Matrix.eye(2), [[1]])).toThrow(/not stabilizable/)
    expect(() => dlqr([[1.5, 0], [0, 0.5]], [[0], [1]], Matrix.eye(2), [[1]])).toThrow(/not stabilizable/)
  })
})
