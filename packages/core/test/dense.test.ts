import { describe, expect, test } from 'vitest'
import {
  createRng, dot, eigenvalues, fromFlat, inverse, luSolver, Matrix, matmul, matmulNT, matmulTN, pivotedCholesky, pseudoInverse,
  relativeError, solve, symmetricEigen, symmetricEigenvalues, toFlat, transpose,
} from '../src/index'

const rng = createRng(11)
const rand = (r: number, c: number): Float64Array => rng.fillNormal(new Float64Array(r * c), 1)
/** Naive triple loop, the independent reference for the register-tiled kernels. */
function naive(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) C[i * n + j]! += A[i * k + p]! * B[p * n + j]!
  return C
}
const T = (A: Float64Array, r: number, c: number): Float64Array => { const o = new Float64Array(r * c); transpose(o, A, r, c); return o }

describe('dense kernels (flat row-major, output first)', () => {
  test.each([[1, 1, 1], [2, 8, 3], [5, 9, 7], [7, 17, 4], [16, 16, 16]])('matmul, matmulTN, matmulNT agree with a naive product for %i×%i·%i×n', (m, k, n) => {
    const A = rand(m, k)
    const B = rand(k, n)
    const ref = naive(A, B, m, k, n)
    const C = new Float64Array(m * n)
    matmul(C, A, B, m, k, n)
    expect(relativeError(C, ref)).toBeLessThan(1e-14)
    matmulTN(C, T(A, m, k), B, m, k, n)
    expect(relativeError(C, ref)).toBeLessThan(1e-14)
    matmulNT(C, A, T(B, k, n), m, k, n, new Float64Array(k * n))
    expect(relativeError(C, ref)).toBeLessThan(1e-14)
    expect(dot(A, 0, A, 0, A.length)).toBeCloseTo(A.reduce((s, v) => s + v * v, 0), 12)
  })
  test('toFlat/fromFlat round-trip an ml-matrix Matrix', () => {
    const M = new Matrix([[1, 2, 3], [4, 5, 6]])
    expect(Array.from(toFlat(M))).toEqual([1, 2, 3, 4, 5, 6])
    expect(fromFlat(toFlat(M), 2, 3).to2DArray()).toEqual(M.to2DArray())
  })
  test('pivotedCholesky reveals the rank of a Gram matrix and reconstructs it', () => {
    const n = 9
    const r = 3
    const X = rand(n, r)
    const G = new Float64Array(n * n)
    matmulNT(G, X, X, n, r, n, new Float64Array(r * n))
    const f = pivotedCholesky(G, n)
    expect(f.rank).toBe(r)
    const L = new Float64Array(n * f.rank)
    for (let i = 0; i < n; i++) for (let k = 0; k < f.rank; k++) L[i * f.rank + k] = f.L[i * f.stride + k]!
    const back = new Float64Array(n * n)
    matmulNT(back, L, L, n, f.rank, n, new Float64Array(f.rank * n))
    expect(relativeError(back, G)).toBeLessThan(1e-12)
  })
  test('symmetricEigenvalues equals symmetricEigen (different algorithms), and S v = λ v', () => {
    const n = 12
    const X = rand(n, n)
    const S = new Float64Array(n * n)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = X[i * n + j]! + X[j * n + i]!
    const ev = symmetricEigen(fromFlat(S, n, n))
    expect(relativeError(symmetricEigenvalues(Float64Array.from(S), n), ev.values)).toBeLessThan(1e-12)
    const SM = fromFlat(S, n, n)
    for (let k = 0; k < n; k++) {
      const v = ev.vectors.getColumnVector(k)
      expect(relativeError(SM.mmul(v), Matrix.mul(v, ev.values[k]!))).toBeLessThan(1e-10)
    }
    for (let k = 1; k < n; k++) expect(ev.values[k]!).toBeLessThanOrEqual(ev.values[k - 1]!)
    expect(() => symmetricEigen([[1, 2], [3, 1]])).toThrow(/S: expected a symmetric matrix/)
  })
})

describe('matrix-level solvers', () => {
  const A = fromFlat(rand(6, 6), 6, 6)
  const B = fromFlat(rand(6, 2), 6, 2)
  test('solve, luSolver, inverse: residuals at round-off; singular input is named', () => {
    expect(relativeError(A.mmul(solve(A, B)), B)).toBeLessThan(1e-12)
    const lu = luSolver(A)
    expect(relativeError(A.mmul(lu.solve(B)), B)).toBeLessThan(1e-12)
    expect(relativeError(A.mmul(inverse(A)), Matrix.eye(6))).toBeLessThan(1e-12)
    expect(() => solve([[1, 2], [2, 4]], [[1], [1]])).toThrow(/A: the matrix is singular/)
    expect(() => inverse([[0, 0], [0, 0]])).toThrow(/singular/)
  })
  test('pseudoInverse satisfies A A⁺ A = A for a rank-deficient matrix', () => {
    const R = fromFlat(rand(5, 2), 5, 2).mmul(fromFlat(rand(2, 4), 2, 4))
    const P = pseudoInverse(R)
    expect(relativeError(R.mmul(P).mmul(R), R)).toBeLessThan(1e-10)
  })
  test('eigenvalues of a rotation generator are ±i', () => {
    const { re, im } = eigenvalues([[0, -1], [1, 0]])
    expect(Array.from(re)).toEqual([0, 0])
    expect(Array.from(im).sort()).toEqual([-1, 1])
  })
})
