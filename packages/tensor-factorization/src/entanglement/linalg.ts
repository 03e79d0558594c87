/**
 * Dense float64 kernels behind the entanglement computations, on flat row-major `Float64Array`s:
 * a pivoted (rank-revealing) Cholesky factorization of a positive semidefinite Gram matrix and the
 * eigenvalues of a symmetric matrix (Householder tridiagonalization + implicit QL). Core's `svd`
 * (ml-matrix) takes about 2 s on a 500×500 matrix; these take a fraction of that and allocate only
 * their outputs.
 * @internal
 */

/**
 * Dot product of a[aOff … aOff+len) and b[bOff … bOff+len), four accumulators.
 * @internal
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

/** A low-rank factor G ≈ L Lᵀ: `L` is n × rank, row-major with row stride `stride`. */
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
  for (let l = 0; l < n; l++) {
    let iter = 0
    let m: number
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number)
        if (Math.abs(e[m] as number) <= Number.EPSILON * dd) break
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
