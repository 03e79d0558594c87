/**
 * Dense float64 kernels on flat row-major `Float64Array` matrices: the one home of the matrix
 * products, Gram factorizations and symmetric eigenvalue routines that the packages' hot loops use.
 * One calling convention: the output first (caller-owned, so loops allocate nothing per step), then
 * the operands, then the dimensions. Matrix-level decompositions (`svd`, `solve`, `symmetricEigen`…)
 * are in linalg.ts.
 */
import { Matrix } from 'ml-matrix'

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

/**
 * C (m×n) = A (m×k) · B (k×n), all row-major. C must not alias A or B.
 * @example const C = new Float64Array(4); matmul(C, Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 0, 0, 1), 2, 2, 2) // C = A
 */
export function matmul(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number): void {
  gemm(C, A, B, m, k, n, k, 1)
}

/**
 * C (m×n) = Aᵀ · B with A stored k×m and B stored k×n. C must not alias A or B.
 * @example matmulTN(C, A, B, m, k, n) // C = AᵀB without forming Aᵀ
 */
export function matmulTN(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number): void {
  gemm(C, A, B, m, k, n, 1, m)
}

/**
 * out (cols×rows) = Aᵀ for A stored rows×cols.
 * @example transpose(out, Float64Array.of(1, 2, 3), 1, 3) // out = [1, 2, 3] as 3×1
 */
export function transpose(out: Float64Array, A: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const a = i * cols
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[a + j] as number
  }
}

/**
 * C (m×n) = A · Bᵀ with A stored m×k and B stored n×k, through `scratch` (≥ k·n entries) holding Bᵀ.
 * C must not alias A, B or scratch.
 * @example matmulNT(C, A, B, m, k, n, new Float64Array(k * n)) // C = ABᵀ
 */
export function matmulNT(C: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number, scratch: Float64Array): void {
  transpose(scratch, B, n, k)
  gemm(C, A, scratch, m, k, n, k, 1)
}

/**
 * Row-major copy of an ml-matrix `Matrix` (into `out` when given).
 * @example toFlat(new Matrix([[1, 2], [3, 4]])) // Float64Array [1, 2, 3, 4]
 */
export function toFlat(M: Matrix, out: Float64Array = new Float64Array(M.rows * M.columns)): Float64Array {
  const n = M.columns
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < n; j++) out[i * n + j] = M.get(i, j)
  return out
}

/**
 * A new `Matrix` from row-major data.
 * @example fromFlat([1, 2, 3, 4], 2, 2) // [[1, 2], [3, 4]]
 */
export function fromFlat(data: ArrayLike<number>, rows: number, columns: number): Matrix {
  const M = new Matrix(rows, columns)
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) M.set(i, j, data[i * columns + j] as number)
  return M
}

/**
 * Dot product Σ_k a[aOff+k]·b[bOff+k] over k < len, with four accumulators.
 * @example dot(Float64Array.of(1, 2, 3), 0, Float64Array.of(4, 5, 6), 0, 3) // 32
 */
export function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, len: number): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let k = 0
  for (; k + 3 < len; k += 4) {
    s0 += (a[aOff + k] as number) * (b[bOff + k] as number)
    s1 += (a[aOff + k + 1] as number) * (b[bOff + k + 1] as number)
    s2 += (a[aOff + k + 2] as number) * (b[bOff + k + 2] as number)
    s3 += (a[aOff + k + 3] as number) * (b[bOff + k + 3] as number)
  }
  for (; k < len; k++) s0 += (a[aOff + k] as number) * (b[bOff + k] as number)
  return s0 + s1 + (s2 + s3)
}

/** A low-rank factor G ≈ L Lᵀ from {@link pivotedCholesky}: `L` is n × rank, row-major with row stride `stride`. */
export interface LowRankFactor {
  /** Row i holds the factor of sample i: L[i·stride + k], k < rank. */
  L: Float64Array
  n: number
  rank: number
  stride: number
}

/**
 * Pivoted Cholesky of a symmetric positive semidefinite n×n matrix G (row-major): G = L Lᵀ up to the
 * Schur complement left when the largest remaining diagonal entry falls to `relTol`·max_i G_ii.
 * Each step pivots on the largest remaining diagonal entry, so the rank reveals itself.
 * Cost O(n·rank²).
 * @example pivotedCholesky(Float64Array.from([4, 2, 2, 1]), 2).rank // 1
 */
export function pivotedCholesky(G: Float64Array, n: number, relTol = 1e-13): LowRankFactor {
  const stride = n
  const L = new Float64Array(n * n)
  const d = new Float64Array(n)
  const done = new Uint8Array(n)
  let maxDiag = 0
  for (let i = 0; i < n; i++) {
    const v = G[i * n + i] as number
    d[i] = v
    if (v > maxDiag) maxDiag = v
  }
  const tol = relTol * maxDiag
  let rank = 0
  for (let k = 0; k < n; k++) {
    let p = -1
    let best = tol
    for (let i = 0; i < n; i++) {
      if (done[i] === 0 && (d[i] as number) > best) {
        best = d[i] as number
        p = i
      }
    }
    if (p < 0) break
    const lpp = Math.sqrt(best)
    const rowP = p * stride
    L[rowP + k] = lpp
    done[p] = 1
    d[p] = 0
    const inv = 1 / lpp
    for (let i = 0; i < n; i++) {
      if (done[i] !== 0) continue
      const rowI = i * stride
      const v = ((G[i * n + p] as number) - dot(L, rowI, L, rowP, k)) * inv
      L[rowI + k] = v
      d[i] = (d[i] as number) - v * v
    }
    rank = k + 1
  }
  return { L, n, rank, stride }
}

/**
 * Eigenvalues of a symmetric n×n matrix (row-major, only the lower triangle is read), in
 * descending order: Householder reduction to tridiagonal form, then the implicit QL iteration with
 * Wilkinson shifts. `a` is overwritten.
 * @example symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2) // Float64Array [3, 1]
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n)
  const e = new Float64Array(n)
  // Householder tridiagonalization (lower triangle), eigenvalues only.
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1
    const rowI = i * n
    let h = 0
    if (l > 0) {
      let scale = 0
      for (let k = 0; k <= l; k++) scale += Math.abs(a[rowI + k] as number)
      if (scale === 0) {
        e[i] = a[rowI + l] as number
      } else {
        for (let k = 0; k <= l; k++) {
          const v = (a[rowI + k] as number) / scale
          a[rowI + k] = v
          h += v * v
        }
        let f = a[rowI + l] as number
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h)
        e[i] = scale * g
        h -= f * g
        a[rowI + l] = f - g
        f = 0
        // p = A u / h with A read from its lower triangle row by row (cache friendly).
        for (let j = 0; j <= l; j++) e[j] = 0
        for (let k = 0; k <= l; k++) {
          const rowK = k * n
          const uk = a[rowI + k] as number
          let acc = (a[rowK + k] as number) * uk
          for (let j = 0; j < k; j++) {
            const akj = a[rowK + j] as number
            e[j] = (e[j] as number) + akj * uk
            acc += akj * (a[rowI + j] as number)
          }
          e[k] = (e[k] as number) + acc
        }
        for (let j = 0; j <= l; j++) {
          const ej = (e[j] as number) / h
          e[j] = ej
          f += ej * (a[rowI + j] as number)
        }
        const hh = f / (h + h)
        for (let j = 0; j <= l; j++) {
          const rowJ = j * n
          const fj = a[rowI + j] as number
          const gj = (e[j] as number) - hh * fj
          e[j] = gj
          for (let k = 0; k <= j; k++) a[rowJ + k] = (a[rowJ + k] as number) - (fj * (e[k] as number) + gj * (a[rowI + k] as number))
        }
      }
    } else {
      e[i] = a[rowI + l] as number
    }
    d[i] = h
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] as number
  // Implicit QL on the tridiagonal (d, e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number
  if (n > 0) e[n - 1] = 0
  // An off-diagonal entry below ε·‖T‖ is zero at working precision even where its neighbouring
  // diagonal entries are themselves ≈ 0 (a rank-deficient matrix): deflate there too, or the
  // relative test alone can cycle without converging on a cluster of ≈ 0 eigenvalues.
  let norm = 0
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i] as number) + Math.abs(e[i] as number))
  const floor = Number.EPSILON * norm
  for (let l = 0; l < n; l++) {
    let iter = 0
    let m: number
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number)
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd || Math.abs(e[m] as number) <= floor) break
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('symmetricEigenvalues: the QL iteration did not converge')
        let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number))
        let r = Math.hypot(g, 1)
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)))
        let s = 1
        let c = 1
        let p = 0
        let i: number
        for (i = m - 1; i >= l; i--) {
          const f = s * (e[i] as number)
          const b = c * (e[i] as number)
          r = Math.hypot(f, g)
          e[i + 1] = r
          if (r === 0) {
            d[i + 1] = (d[i + 1] as number) - p
            e[m] = 0
            break
          }
          s = f / r
          c = g / r
          g = (d[i + 1] as number) - p
          r = ((d[i] as number) - g) * s + 2 * c * b
          p = s * r
          d[i + 1] = g + p
          g = c * r - b
        }
        if (r === 0 && i >= l) continue
        d[l] = (d[l] as number) - p
        e[l] = g
        e[m] = 0
      }
    } while (m !== l)
  }
  d.sort((x, y) => y - x)
  return d
}
