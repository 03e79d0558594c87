/**
 * Allocation-free float64 kernels on row-major `Float64Array` matrices (internal). Every function
 * writes into a caller-owned output so hot loops allocate nothing per step.
 */
import { Matrix } from '@theoryml/core'

/**
 * C (m×n) = A · B (k×n) where A(i, p) = A[i·sa + p·sk]: sa = k, sk = 1 reads A as stored m×k;
 * sa = 1, sk = m reads the transpose of a k×m matrix. Register tile of 2 rows × 8 inner indices.
 * C must not alias A or B.
 */
function gemm(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number, sa: number, sk: number): void {
  C.fill(0, 0, m * n)
  let i = 0
  for (; i + 1 < m; i += 2) {
    const c0 = i * n
    const c1 = c0 + n
    let p = 0
    for (; p + 7 < k; p += 8) {
      const x0 = i * sa + p * sk
      const x1 = x0 + sa
      const a00 = A[x0] as number
      const a01 = A[x0 + sk] as number
      const a02 = A[x0 + 2 * sk] as number
      const a03 = A[x0 + 3 * sk] as number
      const a04 = A[x0 + 4 * sk] as number
      const a05 = A[x0 + 5 * sk] as number
      const a06 = A[x0 + 6 * sk] as number
      const a07 = A[x0 + 7 * sk] as number
      const a10 = A[x1] as number
      const a11 = A[x1 + sk] as number
      const a12 = A[x1 + 2 * sk] as number
      const a13 = A[x1 + 3 * sk] as number
      const a14 = A[x1 + 4 * sk] as number
      const a15 = A[x1 + 5 * sk] as number
      const a16 = A[x1 + 6 * sk] as number
      const a17 = A[x1 + 7 * sk] as number
      const b0 = p * n
      const b1 = b0 + n
      const b2 = b1 + n
      const b3 = b2 + n
      const b4 = b3 + n
      const b5 = b4 + n
      const b6 = b5 + n
      const b7 = b6 + n
      for (let j = 0; j < n; j++) {
        const v0 = B[b0 + j] as number
        const v1 = B[b1 + j] as number
        const v2 = B[b2 + j] as number
        const v3 = B[b3 + j] as number
        const v4 = B[b4 + j] as number
        const v5 = B[b5 + j] as number
        const v6 = B[b6 + j] as number
        const v7 = B[b7 + j] as number
        C[c0 + j] = (C[c0 + j] as number) + a00 * v0 + a01 * v1 + a02 * v2 + a03 * v3 + a04 * v4 + a05 * v5 + a06 * v6 + a07 * v7
        C[c1 + j] = (C[c1 + j] as number) + a10 * v0 + a11 * v1 + a12 * v2 + a13 * v3 + a14 * v4 + a15 * v5 + a16 * v6 + a17 * v7
      }
    }
    for (; p < k; p++) {
      const a0 = A[i * sa + p * sk] as number
      const a1 = A[(i + 1) * sa + p * sk] as number
      const b = p * n
      for (let j = 0; j < n; j++) {
        const v = B[b + j] as number
        C[c0 + j] = (C[c0 + j] as number) + a0 * v
        C[c1 + j] = (C[c1 + j] as number) + a1 * v
      }
    }
  }
  for (; i < m; i++) {
    const c0 = i * n
    for (let p = 0; p < k; p++) {
      const a = A[i * sa + p * sk] as number
      const b = p * n
      for (let j = 0; j < n; j++) C[c0 + j] = (C[c0 + j] as number) + a * (B[b + j] as number)
    }
  }
}

/** C (m×n) = A (m×k) · B (k×n). C must not alias A or B. */
export function matmul(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number): void {
  gemm(C, A, B, m, k, n, k, 1)
}

/** C (m×n) = Aᵀ · B with A stored k×m and B stored k×n. C must not alias A or B. */
export function matmulTN(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number): void {
  gemm(C, A, B, m, k, n, 1, m)
}

/** out (cols×rows) = Aᵀ for A stored rows×cols. */
export function transpose(out: Float64Array, A: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const a = i * cols
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[a + j] as number
  }
}

/**
 * C (m×n) = A · Bᵀ with A stored m×k and B stored n×k, through `scratch` (≥ k·n entries) holding Bᵀ.
 * C must not alias A, B or scratch.
 */
export function matmulNT(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number, scratch: Float64Array): void {
  transpose(scratch, B, n, k)
  gemm(C, A, scratch, m, k, n, k, 1)
}

/** Row-major copy of an ml-matrix `Matrix`. */
export function toFlat(M: Matrix, out: Float64Array = new Float64Array(M.rows * M.columns)): Float64Array {
  const n = M.columns
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < n; j++) out[i * n + j] = M.get(i, j)
  return out
}

/** A new `Matrix` from row-major data. */
export function fromFlat(data: ArrayLike<number>, rows: number, columns: number): Matrix {
  const M = new Matrix(rows, columns)
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) M.set(i, j, data[i * columns + j] as number)
  return M
}
