import { fromFlat, matmul, matmulNT, matmulTN, toFlat } from '../src/index'
import { describe, expect, test } from 'vitest'
import { randomMatrix } from '../../../tests/matrices'

describe('float64 kernels agree with ml-matrix on every remainder of the 2 × 8 tile', () => {
  test('A·B, Aᵀ·B, A·Bᵀ for shapes 1…19', () => {
    for (const [m, k, n] of [[1, 1, 1], [2, 8, 3], [3, 9, 5], [7, 17, 4], [19, 16, 11], [4, 7, 1]] as const) {
      const A = randomMatrix(m, k, m + k)
      const B = randomMatrix(k, n, k + n)
      const Bt = B.transpose()
      const At = A.transpose()
      const ref = toFlat(A.mmul(B))
      const C = new Float64Array(m * n).fill(NaN)
      matmul(C, toFlat(A), toFlat(B), m, k, n)
      expect(fromFlat(C, m, n).sub(fromFlat(ref, m, n)).norm('frobenius')).toBeLessThan(1e-12)
      matmulTN(C, toFlat(At), toFlat(B), m, k, n)
      expect(fromFlat(C, m, n).sub(fromFlat(ref, m, n)).norm('frobenius')).toBeLessThan(1e-12)
      matmulNT(C, toFlat(A), toFlat(Bt), m, k, n, new Float64Array(k * n))
      expect(fromFlat(C, m, n).sub(fromFlat(ref, m, n)).norm('frobenius')).toBeLessThan(1e-12)
    }
  })
})
