import { describe, expect, test } from 'vitest'
import {
  Matrix, effectiveRank, expm, frobeniusNorm, kron, nuclearNorm, relativeError, singularValues,
  solveContinuousLyapunov, solveDiscreteLyapunov, svd, symmetricPower,
} from '../src/index'
import { fixture } from '../../../tests/fixtures'

interface Fx {
  svd: { A: number[][]; S: number[] }[]
  effectiveRank: { A: number[][]; erank: number }[]
  symmetricPower: { S: number[][]; p: number; P: number[][] }[]
  expm: { A: number[][]; E: number[][] }[]
  dlyap: { A: number[][]; Q: number[][]; X: number[][] }[]
  clyap: { A: number[][]; Q: number[][]; X: number[][] }[]
}
const fx = fixture<Fx>('core-linalg.json')

describe('linalg against numpy/scipy fixtures', () => {
  test('singular values and the reconstruction A = U diag(S) Vᵀ', () => {
    for (const c of fx.svd) {
      expect(relativeError(singularValues(c.A), c.S)).toBeLessThan(1e-12)
      const { U, S, V } = svd(c.A)
      const rec = U.mmul(Matrix.diag(Array.from(S))).mmul(V.transpose())
      expect(relativeError(rec, c.A)).toBeLessThan(1e-12)
      // orthonormal columns
      expect(relativeError(U.transpose().mmul(U), Matrix.eye(S.length))).toBeLessThan(1e-12)
    }
  })

  test('effective rank (Roy–Vetterli), nuclear and Frobenius norms', () => {
    for (const c of fx.effectiveRank) expect(Math.abs(effectiveRank(c.A) - c.erank)).toBeLessThan(1e-10)
    expect(effectiveRank([1, 1, 1, 1])).toBeCloseTo(4, 12)
    expect(effectiveRank([[5, 0], [0, 0]])).toBeCloseTo(1, 12)
    expect(effectiveRank([0, 0])).toBe(0)
    expect(nuclearNorm([[3, 0], [0, -4]])).toBeCloseTo(7, 12)
    expect(frobeniusNorm([[3, 4]])).toBe(5)
    expect(frobeniusNorm(new Float64Array([1e200, 1e200]))).toBeCloseTo(Math.SQRT2 * 1e200, -186)
  })

  test('symmetricPower matches scipy fractional_matrix_power', () => {
    for (const c of fx.symmetricPower) expect(relativeError(symmetricPower(c.S, c.p), c.P)).toBeLessThan(1e-9)
    const half = symmetricPower([[4, 0], [0, 9]], 0.5)
    expect(half.to2DArray()).toEqual([[2, 0], [0, 3]])
  })

  test('expm matches scipy.linalg.expm', () => {
    for (const c of fx.expm) expect(relativeError(expm(c.A), c.E)).toBeLessThan(1e-10)
    // the degree-13 branch with squarings: a rotation generator of norm 12 has e^A = [[cos, sin], [−sin, cos]]
    const t = 12
    expect(relativeError(expm([[0, t], [-t, 0]]), [[Math.cos(t), Math.sin(t)], [-Math.sin(t), Math.cos(t)]])).toBeLessThan(1e-12)
    expect(() => expm([[1000]])).toThrow(/overflows/)
  })

  test('discrete Lyapunov matches scipy and has residual < 1e-10 relative', () => {
    for (const c of fx.dlyap) {
      const X = solveDiscreteLyapunov(c.A, c.Q)
      expect(relativeError(X, c.X)).toBeLessThan(1e-8)
      const A = new Matrix(c.A)
      const res = A.mmul(X).mmul(A.transpose()).add(new Matrix(c.Q)).sub(X)
      expect(frobeniusNorm(res) / frobeniusNorm(X)).toBeLessThan(1e-10)
    }
  })

  test('continuous Lyapunov (AX + XAᵀ = Q) matches scipy and has residual < 1e-10 relative', () => {
    for (const c of fx.clyap) {
      const X = solveContinuousLyapunov(c.A, c.Q)
      expect(relativeError(X, c.X)).toBeLessThan(1e-8)
      const A = new Matrix(c.A)
      const res = A.mmul(X).add(X.mmul(A.transpose())).sub(new Matrix(c.Q))
      expect(frobeniusNorm(res) / frobeniusNorm(X)).toBeLessThan(1e-10)
    }
  })

  test('kron', () => {
    expect(kron([[1, 2]], [[1], [2]]).to2DArray()).toEqual([[1, 2], [2, 4]])
  })

  test('bad input gets named errors', () => {
    expect(() => svd([[1, 2], [3]])).toThrow(/A: row 1 has 1 entries/)
    expect(() => svd([[1, Number.NaN]])).toThrow(/A: expected finite entries/)
    expect(() => symmetricPower([[1, 2], [0, 1]], 0.5)).toThrow(/S: expected a symmetric/)
    expect(() => symmetricPower([[-1, 0], [0, 1]], 0.5)).toThrow(/positive semidefinite/)
    expect(() => symmetricPower([[1, 0, 0], [0, 1, 0]], 0.5)).toThrow(/S: expected a square/)
    expect(() => solveDiscreteLyapunov([[1, 0], [0, 1]], [[1, 0], [0, 1]])).toThrow(/no unique solution/)
    expect(() => solveDiscreteLyapunov([[0.5]], [[1, 0]])).toThrow(/Q: expected 1 columns/)
    expect(() => relativeError([1, 2], [1, 2, 3])).toThrow(/estimate/)
    expect(() => effectiveRank([1, -1])).toThrow(/non-negative/)
  })
})

describe('relativeError compares shapes, not only entry counts (issue 21)', () => {
  test('a 2×2 and a 1×4 with the same entries are an error, not 0', () => {
    expect(() => relativeError([[1, 2], [3, 4]], [[1, 2, 3, 4]])).toThrow(/estimate: expected the shape of reference \(1x4\), got 2x2/)
    expect(relativeError([[1, 2], [3, 4]], [[1, 2], [3, 5]])).toBeCloseTo(1 / Math.sqrt(1 + 4 + 9 + 25), 14)
    expect(relativeError(Float64Array.of(1, 2), [1, 2])).toBe(0)
  })
})
