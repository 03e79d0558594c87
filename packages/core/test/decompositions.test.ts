import { EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import { Matrix, createRng, relativeError, singularValues, solveDiscreteLyapunov, svd, symmetricEigen, symmetricPower } from '../src/index'
import { svdFlat, symmetricEigenFlat } from '../src/decompositions'

function gaussian(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const rng = createRng(seed)
  const A = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) A.set(i, j, scale * rng.normal())
  return A
}

const shapes: Array<[number, number]> = [[1, 1], [2, 2], [7, 3], [3, 7], [30, 30], [41, 17], [17, 41], [64, 64]]

describe('flat SVD against ml-matrix (the same Golub–Kahan–Reinsch algorithm)', () => {
  test('random shapes: values, reconstruction and orthonormality', () => {
    shapes.forEach(([m, n], s) => {
      const A = gaussian(m, n, 10 + s)
      const ref = new SingularValueDecomposition(A, { autoTranspose: true })
      const { U, S, V } = svd(A)
      const k = Math.min(m, n)
      expect(relativeError(S, ref.diagonal.slice(0, k))).toBeLessThan(1e-13)
      expect(relativeError(singularValues(A), S)).toBeLessThan(1e-14)
      expect(relativeError(U.mmul(Matrix.diag(Array.from(S))).mmul(V.transpose()), A)).toBeLessThan(1e-13)
      expect(relativeError(U.transpose().mmul(U), Matrix.eye(k))).toBeLessThan(1e-13)
      expect(relativeError(V.transpose().mmul(V), Matrix.eye(k))).toBeLessThan(1e-13)
    })
  })

  test('rank-deficient, zero and repeated singular values', () => {
    const L = gaussian(20, 3, 1)
    const low = L.mmul(L.transpose()) // rank 3
    const s = singularValues(low)
    expect(s.slice(3).every((v) => v < 1e-12 * (s[0] as number))).toBe(true)
    expect(Array.from(singularValues(new Matrix(5, 4)))).toEqual([0, 0, 0, 0])
    expect(Array.from(singularValues(Matrix.eye(4).mul(3)))).toEqual([3, 3, 3, 3])
    const { U, S, V } = svd(low)
    expect(relativeError(U.mmul(Matrix.diag(Array.from(S))).mmul(V.transpose()), low)).toBeLessThan(1e-13)
  })

  test('a bidiagonal closed form: diag(1…n) has singular values n…1', () => {
    const D = Matrix.diag([3, 1, 4, 1, 5])
    expect(Array.from(svdFlat(Float64Array.from(D.to1DArray()), 5, 5, false).S)).toEqual([5, 4, 3, 1, 1])
  })
})

describe('flat symmetric eigendecomposition against ml-matrix', () => {
  test('random symmetric matrices: values, vectors and S Q = Q Λ', () => {
    for (const [n, seed] of [[1, 1], [2, 2], [5, 3], [33, 4], [80, 5]] as const) {
      const G = gaussian(n, n, seed)
      const S = G.add(G.transpose())
      const ref = new EigenvalueDecomposition(S, { assumeSymmetric: true })
      const a = Float64Array.from(S.to1DArray())
      const d = symmetricEigenFlat(a, n)
      expect(relativeError(d, ref.realEigenvalues)).toBeLessThan(1e-13)
      const { values, vectors } = symmetricEigen(S)
      expect(relativeError(values, Float64Array.from(ref.realEigenvalues).reverse())).toBeLessThan(1e-13)
      expect(relativeError(S.mmul(vectors), vectors.mmul(Matrix.diag(Array.from(values))))).toBeLessThan(1e-12)
      expect(relativeError(vectors.transpose().mmul(vectors), Matrix.eye(n))).toBeLessThan(1e-13)
    }
  })

  test('symmetricPower: (S^½)² = S and S^−1 S = I on a random SPD matrix', () => {
    const G = gaussian(40, 40, 7)
    const S = G.mmul(G.transpose()).add(Matrix.eye(40))
    const half = symmetricPower(S, 0.5)
    expect(relativeError(half.mmul(half), S)).toBeLessThan(1e-12)
    expect(relativeError(symmetricPower(S, -1).mmul(S), Matrix.eye(40))).toBeLessThan(1e-11)
  })
})

describe('solveDiscreteLyapunov: one route per spectrum, at every size (issue 21)', () => {
  const residual = (A: Matrix, Q: Matrix, X: Matrix) => relativeError(A.mmul(X).mmul(A.transpose()).add(Q), X)

  test('ρ(A) = 1 − 1e-10 is solved at n = 2 and at n = 50 alike: X = Q/(1 − ρ²)', () => {
    for (const n of [2, 50]) {
      const rho = 0.9999999999
      const X = solveDiscreteLyapunov(Matrix.eye(n).mul(rho), Matrix.eye(n))
      expect(Math.abs(X.get(0, 0) * (1 - rho * rho) - 1)).toBeLessThan(1e-6)
      expect(Math.abs(X.get(n - 1, 0))).toBe(0)
    }
  })

  test('stable A at n = 1…60 agrees with the closed form for diagonal A and has a small residual', () => {
    const d = [0.5, -0.9, 0.1]
    const X = solveDiscreteLyapunov(Matrix.diag(d), Matrix.eye(3))
    d.forEach((v, i) => expect(X.get(i, i)).toBeCloseTo(1 / (1 - v * v), 12))
    for (const n of [1, 5, 20, 60]) {
      const A = gaussian(n, n, n, 0.5 / Math.sqrt(n))
      const G = gaussian(n, n, n + 100)
      const Q = G.mmul(G.transpose())
      expect(residual(A, Q, solveDiscreteLyapunov(A, Q))).toBeLessThan(1e-12)
    }
  })

  test('anti-stable A (all |λ| > 1) is solved at n = 10 and n = 50 (doubling on A⁻¹)', () => {
    for (const n of [10, 50]) {
      const A = Matrix.eye(n).mul(1.5).add(gaussian(n, n, 3, 0.1 / Math.sqrt(n)))
      const Q = Matrix.eye(n)
      expect(residual(A, Q, solveDiscreteLyapunov(A, Q))).toBeLessThan(1e-10)
    }
  })

  test('mixed spectrum: Kronecker up to n = 40, above it an error stating ρ(A) and the limit', () => {
    const mixed = (n: number) => Matrix.diag(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.5 : 1.5)))
    expect(residual(mixed(6), Matrix.eye(6), solveDiscreteLyapunov(mixed(6), Matrix.eye(6)))).toBeLessThan(1e-12)
    expect(() => solveDiscreteLyapunov(mixed(41), Matrix.eye(41))).toThrow(/spectral radius 1\.50000 ≥ 1 with eigenvalue moduli from 0\.500000 to 1\.50000.*n = 41 > 40/)
  })

  test('no unique solution: the message gives the true spectral radius', () => {
    expect(() => solveDiscreteLyapunov([[1, 0], [0, 1]], [[1, 0], [0, 1]])).toThrow(/no unique solution.*spectral radius 1\.00000/)
    expect(() => solveDiscreteLyapunov(Matrix.eye(45).mul(1 + 1e-10), Matrix.eye(45))).not.toThrow()
  })
})
