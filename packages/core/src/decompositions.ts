/**
 * Float64 decompositions on flat row-major `Float64Array`s (internal kernels behind linalg.ts):
 * the Golub–Kahan SVD and the symmetric eigendecomposition (Householder tridiagonalization +
 * implicit QL), as in JAMA / EISPACK (the algorithms ml-matrix implements on arrays of rows), with
 * the loops reordered for row-major memory: every column operation of the reference algorithm is
 * done as a sweep over rows, and the singular/eigen vectors are kept transposed (one vector per
 * contiguous row) so that each plane rotation touches two contiguous rows. The sums are taken in
 * the reference algorithm's order, so results agree with ml-matrix to rounding.
 */

const EPS = 2 ** -52
const TINY = 2 ** -966

/** √(Σ x²) over `len` entries of x from `off` with stride `step`, without overflow or underflow. */
function norm2(x: Float64Array, off: number, step: number, len: number): number {
  let s = 0
  for (let i = 0, p = off; i < len; i++, p += step) {
    const v = x[p] as number
    s += v * v
  }
  if (s > 1e-290 && s < 1e290) return Math.sqrt(s)
  let scale = 0
  for (let i = 0, p = off; i < len; i++, p += step) scale = Math.max(scale, Math.abs(x[p] as number))
  if (scale === 0 || !Number.isFinite(scale)) return scale
  s = 0
  for (let i = 0, p = off; i < len; i++, p += step) {
    const v = (x[p] as number) / scale
    s += v * v
  }
  return scale * Math.sqrt(s)
}

function hypot(a: number, b: number): number {
  const x = Math.abs(a)
  const y = Math.abs(b)
  if (x > y) { const r = y / x; return x * Math.sqrt(1 + r * r) }
  if (y === 0) return 0
  const r = x / y
  return y * Math.sqrt(1 + r * r)
}

/** The result of {@link svdFlat}: S (length n), U (m×n) and V (n×n) row-major with the singular vectors as columns. */
export interface FlatSvd {
  S: Float64Array
  U: Float64Array | null
  V: Float64Array | null
}

/**
 * X (rows×cols, row-major) ← X·G_k…G_{last} for the chain of plane rotations G_j on columns
 * (j, j+1), j = k … last (cs[j], sn[j]): column j ← cs·x_j + sn·x_{j+1}, column j+1 ← −sn·x_j + cs·x_{j+1}.
 * Each row is one pass with the running column in a register (as LAPACK's dlasr), instead of one
 * strided pass per rotation.
 */
function rotateChainForward(X: Float64Array, rows: number, cols: number, k: number, last: number, cs: Float64Array, sn: Float64Array): void {
  let i = 0
  // Two rows at a time: each (cs, sn) pair is loaded once for both.
  for (; i + 1 < rows; i += 2) {
    const r = i * cols
    const r2 = r + cols
    let x = X[r + k] as number
    let x2 = X[r2 + k] as number
    for (let j = k; j <= last; j++) {
      const y = X[r + j + 1] as number
      const y2 = X[r2 + j + 1] as number
      const c = cs[j] as number
      const s = sn[j] as number
      X[r + j] = c * x + s * y
      X[r2 + j] = c * x2 + s * y2
      x = -s * x + c * y
      x2 = -s * x2 + c * y2
    }
    X[r + last + 1] = x
    X[r2 + last + 1] = x2
  }
  for (let r = i * cols; i < rows; i++, r += cols) {
    let x = X[r + k] as number
    for (let j = k; j <= last; j++) {
      const y = X[r + j + 1] as number
      const c = cs[j] as number
      const s = sn[j] as number
      X[r + j] = c * x + s * y
      x = -s * x + c * y
    }
    X[r + last + 1] = x
  }
}

/**
 * Thin SVD of an m×n row-major matrix A (m ≥ n, A is overwritten): A = U diag(S) Vᵀ with S
 * descending. Householder bidiagonalization (the column and row reflections of step k applied in
 * one sweep over the rows), then the implicit-shift QR of the bidiagonal (Golub–Kahan–Reinsch,
 * JAMA's formulation) with each sweep's rotations applied to U and V as chains.
 */
export function svdFlat(A: Float64Array, m: number, n: number, vectors: boolean): FlatSvd {
  if (m < n) throw new Error('svdFlat: expected m ≥ n')
  const nu = n
  const s = new Float64Array(n + 1)
  const e = new Float64Array(n)
  const w = new Float64Array(n)
  const fe = new Float64Array(n)
  const U = vectors ? new Float64Array(m * nu) : null
  const V = vectors ? new Float64Array(n * n) : null
  const nct = Math.min(m - 1, n)
  const nrt = Math.max(0, Math.min(n - 2, m))
  const kmax = Math.max(nct, nrt)
  for (let k = 0; k < kmax; k++) {
    const colOn = k < nct
    if (colOn) {
      let sk = norm2(A, k * n + k, n, m - k)
      if (sk !== 0) {
        if ((A[k * n + k] as number) < 0) sk = -sk
        for (let i = k; i < m; i++) A[i * n + k] = (A[i * n + k] as number) / sk
        A[k * n + k] = (A[k * n + k] as number) + 1
      }
      s[k] = -sk
    }
    const colApply = colOn && s[k] !== 0
    if (colApply) {
      // w_j = −(Σ_i u_i A[i, j]) / u_k, a sweep over rows.
      for (let j = k + 1; j < n; j++) w[j] = 0
      for (let i = k; i < m; i++) {
        const r = i * n
        const ui = A[r + k] as number
        if (ui === 0) continue
        for (let j = k + 1; j < n; j++) w[j] = (w[j] as number) + ui * (A[r + j] as number)
      }
      const ukk = A[k * n + k] as number
      for (let j = k + 1; j < n; j++) w[j] = -(w[j] as number) / ukk
      const r = k * n
      const uk = A[r + k] as number
      for (let j = k + 1; j < n; j++) A[r + j] = (A[r + j] as number) + (w[j] as number) * uk
    }
    for (let j = k + 1; j < n; j++) e[j] = A[k * n + j] as number
    if (U && colOn) for (let i = k; i < m; i++) U[i * nu + k] = A[i * n + k] as number
    let rowApply = false
    if (k < nrt) {
      let ek = norm2(e, k + 1, 1, n - k - 1)
      if (ek !== 0) {
        if ((e[k + 1] as number) < 0) ek = -ek
        for (let i = k + 1; i < n; i++) e[i] = (e[i] as number) / ek
        e[k + 1] = (e[k + 1] as number) + 1
      }
      e[k] = -ek
      rowApply = k + 1 < m && ek !== 0
      if (rowApply) {
        const ek1 = e[k + 1] as number
        for (let j = k + 1; j < n; j++) fe[j] = -(e[j] as number) / ek1
      }
      if (V) for (let i = k + 1; i < n; i++) V[i * n + k] = e[i] as number
    }
    if (colApply || rowApply) {
      // Rows below k: the column reflection, then (row still in cache) the row reflection.
      for (let i = k + 1; i < m; i++) {
        const r = i * n
        if (colApply) {
          const ui = A[r + k] as number
          if (ui !== 0) for (let j = k + 1; j < n; j++) A[r + j] = (A[r + j] as number) + (w[j] as number) * ui
        }
        if (rowApply) {
          let t = 0
          for (let j = k + 1; j < n; j++) t += (e[j] as number) * (A[r + j] as number)
          for (let j = k + 1; j < n; j++) A[r + j] = (A[r + j] as number) + (fe[j] as number) * t
        }
      }
    }
  }
  let p = Math.min(n, m + 1)
  if (nct < n) s[nct] = A[nct * n + nct] as number
  if (m < p) s[p - 1] = 0
  if (nrt + 1 < p) e[nrt] = A[nrt * n + p - 1] as number
  e[p - 1] = 0

  if (U) {
    for (let j = nct; j < nu; j++) {
      for (let i = 0; i < m; i++) U[i * nu + j] = 0
      U[j * nu + j] = 1
    }
    for (let k = nct - 1; k >= 0; k--) {
      if (s[k] !== 0) {
        for (let j = k + 1; j < nu; j++) w[j] = 0
        for (let i = k; i < m; i++) {
          const r = i * nu
          const ui = U[r + k] as number
          if (ui === 0) continue
          for (let j = k + 1; j < nu; j++) w[j] = (w[j] as number) + ui * (U[r + j] as number)
        }
        const ukk = U[k * nu + k] as number
        for (let j = k + 1; j < nu; j++) w[j] = -(w[j] as number) / ukk
        for (let i = k; i < m; i++) {
          const r = i * nu
          const ui = U[r + k] as number
          if (ui === 0) continue
          for (let j = k + 1; j < nu; j++) U[r + j] = (U[r + j] as number) + (w[j] as number) * ui
        }
        for (let i = k; i < m; i++) U[i * nu + k] = -(U[i * nu + k] as number)
        U[k * nu + k] = 1 + (U[k * nu + k] as number)
        for (let i = 0; i < k - 1; i++) U[i * nu + k] = 0
      } else {
        for (let i = 0; i < m; i++) U[i * nu + k] = 0
        U[k * nu + k] = 1
      }
    }
  }
  if (V) {
    for (let k = n - 1; k >= 0; k--) {
      if (k < nrt && e[k] !== 0) {
        for (let j = k + 1; j < nu; j++) w[j] = 0
        for (let i = k + 1; i < n; i++) {
          const r = i * n
          const vi = V[r + k] as number
          if (vi === 0) continue
          for (let j = k + 1; j < nu; j++) w[j] = (w[j] as number) + vi * (V[r + j] as number)
        }
        const vk = V[(k + 1) * n + k] as number
        for (let j = k + 1; j < nu; j++) w[j] = -(w[j] as number) / vk
        for (let i = k + 1; i < n; i++) {
          const r = i * n
          const vi = V[r + k] as number
          if (vi === 0) continue
          for (let j = k + 1; j < nu; j++) V[r + j] = (V[r + j] as number) + (w[j] as number) * vi
        }
      }
      for (let i = 0; i < n; i++) V[i * n + k] = 0
      V[k * n + k] = 1
    }
  }

  const csV = new Float64Array(n)
  const snV = new Float64Array(n)
  const csU = new Float64Array(n)
  const snU = new Float64Array(n)
  const pp = p - 1
  let iter = 0
  while (p > 0) {
    let k: number
    let kase: number
    for (k = p - 2; k >= -1; k--) {
      if (k === -1) break
      if (Math.abs(e[k] as number) <= TINY + EPS * (Math.abs(s[k] as number) + Math.abs(s[k + 1] as number))) {
        e[k] = 0
        break
      }
    }
    if (k === p - 2) {
      kase = 4
    } else {
      let ks: number
      for (ks = p - 1; ks >= k; ks--) {
        if (ks === k) break
        const t = (ks !== p ? Math.abs(e[ks] as number) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1] as number) : 0)
        if (Math.abs(s[ks] as number) <= TINY + EPS * t) {
          s[ks] = 0
          break
        }
      }
      if (ks === k) kase = 3
      else if (ks === p - 1) kase = 1
      else {
        kase = 2
        k = ks
      }
    }
    k++
    if (kase === 1) {
      // Deflate negligible s(p): rotations of V's columns (j, p−1), j = p−2 … k.
      let f = e[p - 2] as number
      e[p - 2] = 0
      for (let j = p - 2; j >= k; j--) {
        const t = hypot(s[j] as number, f)
        const cs = (s[j] as number) / t
        const sn = f / t
        s[j] = t
        if (j !== k) {
          f = -sn * (e[j - 1] as number)
          e[j - 1] = cs * (e[j - 1] as number)
        }
        if (V) {
          for (let i = 0, r = 0; i < n; i++, r += n) {
            const vj = V[r + j] as number
            const vp = V[r + p - 1] as number
            V[r + j] = cs * vj + sn * vp
            V[r + p - 1] = -sn * vj + cs * vp
          }
        }
      }
    } else if (kase === 2) {
      // Split at negligible s(k): rotations of U's columns (j, k−1), j = k … p−1.
      let f = e[k - 1] as number
      e[k - 1] = 0
      for (let j = k; j < p; j++) {
        const t = hypot(s[j] as number, f)
        const cs = (s[j] as number) / t
        const sn = f / t
        s[j] = t
        f = -sn * (e[j] as number)
        e[j] = cs * (e[j] as number)
        if (U) {
          for (let i = 0, r = 0; i < m; i++, r += nu) {
            const uj = U[r + j] as number
            const uk = U[r + k - 1] as number
            U[r + j] = cs * uj + sn * uk
            U[r + k - 1] = -sn * uj + cs * uk
          }
        }
      }
    } else if (kase === 3) {
      // One implicit-shift QR step; its rotations are applied to V and U afterwards as chains.
      const scale = Math.max(Math.abs(s[p - 1] as number), Math.abs(s[p - 2] as number), Math.abs(e[p - 2] as number), Math.abs(s[k] as number), Math.abs(e[k] as number))
      const sp = (s[p - 1] as number) / scale
      const spm1 = (s[p - 2] as number) / scale
      const epm1 = (e[p - 2] as number) / scale
      const sk = (s[k] as number) / scale
      const ek = (e[k] as number) / scale
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2
      const c = sp * epm1 * (sp * epm1)
      let shift = 0
      if (b !== 0 || c !== 0) {
        shift = Math.sqrt(b * b + c)
        if (b < 0) shift = -shift
        shift = c / (b + shift)
      }
      let f = (sk + sp) * (sk - sp) + shift
      let g = sk * ek
      for (let j = k; j < p - 1; j++) {
        let t = hypot(f, g)
        let cs = f / t
        let sn = g / t
        if (j !== k) e[j - 1] = t
        f = cs * (s[j] as number) + sn * (e[j] as number)
        e[j] = cs * (e[j] as number) - sn * (s[j] as number)
        g = sn * (s[j + 1] as number)
        s[j + 1] = cs * (s[j + 1] as number)
        csV[j] = cs
        snV[j] = sn
        t = hypot(f, g)
        cs = f / t
        sn = g / t
        s[j] = t
        f = cs * (e[j] as number) + sn * (s[j + 1] as number)
        s[j + 1] = -sn * (e[j] as number) + cs * (s[j + 1] as number)
        g = sn * (e[j + 1] as number)
        e[j + 1] = cs * (e[j + 1] as number)
        csU[j] = cs
        snU[j] = sn
      }
      e[p - 2] = f
      if (V) rotateChainForward(V, n, n, k, p - 2, csV, snV)
      if (U) rotateChainForward(U, m, nu, k, p - 2, csU, snU)
      iter++
      if (iter > 75 * Math.max(n, 10)) throw new Error('svd: the QR iteration did not converge (non-finite input?)')
    } else {
      // Convergence: make s[k] non-negative and move it into order.
      if ((s[k] as number) <= 0) {
        s[k] = (s[k] as number) < 0 ? -(s[k] as number) : 0
        if (V) for (let i = 0; i <= pp; i++) V[i * n + k] = -(V[i * n + k] as number)
      }
      while (k < pp) {
        if ((s[k] as number) >= (s[k + 1] as number)) break
        const t = s[k] as number
        s[k] = s[k + 1] as number
        s[k + 1] = t
        if (V && k < n - 1) swapColumns(V, n, n, k)
        if (U && k < m - 1) swapColumns(U, m, nu, k)
        k++
      }
      iter = 0
      p--
    }
  }
  return { S: s.subarray(0, n), U, V }
}

/** Swap columns k and k+1 of a rows×cols row-major matrix. */
function swapColumns(X: Float64Array, rows: number, cols: number, k: number): void {
  for (let i = 0, r = k; i < rows; i++, r += cols) {
    const t = X[r] as number
    X[r] = X[r + 1] as number
    X[r + 1] = t
  }
}

/**
 * Eigendecomposition of a symmetric n×n row-major matrix V (overwritten: on return column k of V
 * is the unit eigenvector of eigenvalue d[k]; eigenvalues ascending). Householder
 * tridiagonalization with accumulated transformations (EISPACK tred2), then the implicit QL
 * iteration (tql2), as JAMA, with the loops ordered for row-major memory and each QL sweep's
 * rotations applied to V as one chain per row.
 */
export function symmetricEigenFlat(V: Float64Array, n: number, d: Float64Array = new Float64Array(n)): Float64Array {
  const e = new Float64Array(n)
  const gs = new Float64Array(n)
  if (n === 0) return d
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j] as number
  for (let i = n - 1; i > 0; i--) {
    let scale = 0
    let h = 0
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number)
    if (scale === 0) {
      e[i] = d[i - 1] as number
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j] as number
        V[i * n + j] = 0
        V[j * n + i] = 0
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = (d[k] as number) / scale
        d[k] = v
        h += v * v
      }
      let f = d[i - 1] as number
      let g = Math.sqrt(h)
      if (f > 0) g = -g
      e[i] = scale * g
      h -= f * g
      d[i - 1] = f - g
      // e = A d with A the symmetric matrix held in V's lower triangle (rows k, columns j ≤ k).
      for (let j = 0; j < i; j++) e[j] = 0
      for (let k = 0; k < i; k++) {
        const rk = k * n
        const dk = d[k] as number
        V[rk + i] = dk
        let acc = (V[rk + k] as number) * dk
        for (let j = 0; j < k; j++) {
          const vkj = V[rk + j] as number
          e[j] = (e[j] as number) + vkj * dk
          acc += vkj * (d[j] as number)
        }
        e[k] = (e[k] as number) + acc
      }
      f = 0
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h
        f += (e[j] as number) * (d[j] as number)
      }
      const hh = f / (h + h)
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number)
      for (let k = 0; k < i; k++) {
        const rk = k * n
        const ek = e[k] as number
        const dk = d[k] as number
        for (let j = 0; j <= k; j++) V[rk + j] = (V[rk + j] as number) - ((d[j] as number) * ek + (e[j] as number) * dk)
      }
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j] as number
        V[i * n + j] = 0
      }
    }
    d[i] = h
  }
  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i] as number
    V[i * n + i] = 1
    const h = d[i + 1] as number
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (V[k * n + i + 1] as number) / h
      // g_j = Σ_k V[k][i+1] V[k][j], then V[k][j] −= g_j d[k] (j ≤ i): row sweeps.
      for (let j = 0; j <= i; j++) gs[j] = 0
      for (let k = 0; k <= i; k++) {
        const rk = k * n
        const u = V[rk + i + 1] as number
        for (let j = 0; j <= i; j++) gs[j] = (gs[j] as number) + u * (V[rk + j] as number)
      }
      for (let k = 0; k <= i; k++) {
        const rk = k * n
        const dk = d[k] as number
        for (let j = 0; j <= i; j++) V[rk + j] = (V[rk + j] as number) - (gs[j] as number) * dk
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j] as number
    V[(n - 1) * n + j] = 0
  }
  V[(n - 1) * n + n - 1] = 1
  e[0] = 0
  // tql2.
  const cs = gs
  const sn = new Float64Array(n)
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number
  e[n - 1] = 0
  let f = 0
  let tst1 = 0
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number))
    let m = l
    while (m < n) {
      if (Math.abs(e[m] as number) <= EPS * tst1) break
      m++
    }
    if (m > l) {
      let iter = 0
      do {
        if (++iter > 60 * Math.max(n, 10)) throw new Error('symmetricEigen: the QL iteration did not converge (non-finite input?)')
        let g = d[l] as number
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number))
        let r = hypot(p, 1)
        if (p < 0) r = -r
        d[l] = (e[l] as number) / (p + r)
        d[l + 1] = (e[l] as number) * (p + r)
        const dl1 = d[l + 1] as number
        let h = g - (d[l] as number)
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h
        f += h
        p = d[m] as number
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1] as number
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * (e[i] as number)
          h = c * p
          r = hypot(p, e[i] as number)
          e[i + 1] = s * r
          s = (e[i] as number) / r
          c = p / r
          p = c * (d[i] as number) - s * g
          d[i + 1] = h + s * (c * g + s * (d[i] as number))
          cs[i] = c
          sn[i] = s
        }
        // Columns (i, i+1) ← (c·vᵢ − s·vᵢ₊₁, s·vᵢ + c·vᵢ₊₁) for i = m−1 … l, one chain per row.
        let k = 0
        for (; k + 1 < n; k += 2) {
          const rk = k * n
          const rk2 = rk + n
          let x = V[rk + m] as number
          let x2 = V[rk2 + m] as number
          for (let i = m - 1; i >= l; i--) {
            const vi = V[rk + i] as number
            const vi2 = V[rk2 + i] as number
            const ci = cs[i] as number
            const si = sn[i] as number
            V[rk + i + 1] = si * vi + ci * x
            V[rk2 + i + 1] = si * vi2 + ci * x2
            x = ci * vi - si * x
            x2 = ci * vi2 - si * x2
          }
          V[rk + l] = x
          V[rk2 + l] = x2
        }
        for (let rk = k * n; k < n; k++, rk += n) {
          let x = V[rk + m] as number
          for (let i = m - 1; i >= l; i--) {
            const vi = V[rk + i] as number
            const ci = cs[i] as number
            const si = sn[i] as number
            V[rk + i + 1] = si * vi + ci * x
            x = ci * vi - si * x
          }
          V[rk + l] = x
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1
        e[l] = s * p
        d[l] = c * p
      } while (Math.abs(e[l] as number) > EPS * tst1)
    }
    d[l] = (d[l] as number) + f
    e[l] = 0
  }
  // Sort ascending (selection sort, as JAMA), moving the vector columns along.
  for (let i = 0; i < n - 1; i++) {
    let k = i
    let p = d[i] as number
    for (let j = i + 1; j < n; j++) {
      if ((d[j] as number) < p) {
        k = j
        p = d[j] as number
      }
    }
    if (k !== i) {
      d[k] = d[i] as number
      d[i] = p
      for (let r = 0; r < n * n; r += n) {
        const t = V[r + i] as number
        V[r + i] = V[r + k] as number
        V[r + k] = t
      }
    }
  }
  return d
}
