import { EigenvalueDecomposition, LuDecomposition, Matrix, solve as mlSolve } from 'ml-matrix'
import { svdFlat, symmetricEigenFlat } from './decompositions'
import { fromFlat, matmul, matmulNT, toFlat, transpose } from './dense'
import { isNdArray, type NdArray } from './ndarray'
import { assertFinite, toMatrix, toVector, type MatrixLike, type VectorLike } from './validate'
import { dmath } from './dmath'

/** A singular value decomposition A = U diag(S) Vᵀ, singular values in descending order. */
export interface Svd {
  /** Left singular vectors, m × k. */
  U: Matrix
  /** Singular values σ₁ ≥ σ₂ ≥ … ≥ 0, length k = min(m, n). */
  S: Float64Array
  /** Right singular vectors, n × k. */
  V: Matrix
}

/** The flat SVD of a checked matrix, transposed first when it is wide (so the kernel sees m ≥ n). */
function flatSvd(m: Matrix, vectors: boolean): { S: Float64Array; U: Matrix | null; V: Matrix | null } {
  const rows = m.rows
  const cols = m.columns
  const wide = rows < cols
  let a = toFlat(m)
  if (wide) {
    const t = new Float64Array(a.length)
    transpose(t, a, rows, cols)
    a = t
  }
  const [M, N] = wide ? [cols, rows] : [rows, cols]
  const r = svdFlat(a, M, N, vectors)
  const S = Float64Array.from(r.S)
  if (!vectors) return { S, U: null, V: null }
  const Uf = fromFlat(r.U as Float64Array, M, N)
  const Vf = fromFlat(r.V as Float64Array, N, N)
  return wide ? { S, U: Vf, V: Uf } : { S, U: Uf, V: Vf }
}

/**
 * Thin singular value decomposition in float64: Householder bidiagonalization and the
 * implicit-shift QR of the bidiagonal (Golub–Kahan–Reinsch), on flat row-major arrays.
 * A = U diag(S) Vᵀ with U m×k, V n×k, k = min(m, n).
 * @example const { S } = svd([[3, 0], [0, 4]]) // S = [4, 3]
 */
export function svd(A: MatrixLike): Svd {
  const { m, scale } = scaled(toMatrix('A', A))
  const { U, S, V } = flatSvd(m, true)
  return { U: U as Matrix, S: unscale('svd', S, scale), V: V as Matrix }
}

/**
 * Singular values of A in descending order (the bidiagonal QR without vectors).
 * @example singularValues([[0, 2], [1, 0]]) // Float64Array [2, 1]
 */
export function singularValues(A: MatrixLike): Float64Array {
  const { s, scale } = scaledSingularValues(toMatrix('A', A))
  return unscale('singularValues', s, scale)
}

/**
 * Entries beyond [1e-150, 1e150] in magnitude are rescaled by the largest |a_ij| before an SVD, so
 * that no intermediate square overflows or underflows (within that range nothing changes: same
 * numbers as before).
 */
function scaled(m: Matrix): { m: Matrix; scale: number } {
  let max = 0
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) max = Math.max(max, Math.abs(m.get(i, j)))
  if (max === 0 || (max <= 1e150 && max >= 1e-150)) return { m, scale: 1 }
  return { m: m.clone().div(max), scale: max }
}

/** Singular values of the rescaled matrix, and the scale to multiply them by. */
function scaledSingularValues(matrix: Matrix): { s: Float64Array; scale: number } {
  const { m, scale } = scaled(matrix)
  return { s: flatSvd(m, false).S, scale }
}

/** s · scale, throwing (naming `fn`) when a singular value overflows float64. */
function unscale(fn: string, s: Float64Array, scale: number): Float64Array {
  if (scale === 1) return s
  for (let i = 0; i < s.length; i++) {
    const v = (s[i] as number) * scale
    if (!Number.isFinite(v)) throw new Error(`${fn}: overflow, singular value ${i} is ${(s[i] as number)} × ${scale}, beyond float64's range (scale A down first)`)
    s[i] = v
  }
  return s
}

function isMatrixArg(x: unknown): boolean {
  return Matrix.isMatrix(x) || (Array.isArray(x) && x.length > 0 && Array.isArray(x[0]))
}

/** The singular values of a matrix argument, or the given ones, divided by their largest when that is beyond 1e150 (effective rank is scale-free). */
function spectrum(name: string, x: MatrixLike | VectorLike): Float64Array {
  if (isMatrixArg(x)) return scaledSingularValues(toMatrix(name, x)).s
  const s = toVector(name, x)
  let max = 0
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) < 0) throw new Error(`${name}: singular values must be non-negative, got ${s[i]} at index ${i}`)
    max = Math.max(max, s[i] as number)
  }
  if (max > 1e150) for (let i = 0; i < s.length; i++) s[i] = (s[i] as number) / max
  return s
}

/**
 * Effective rank (Roy & Vetterli 2007): exp of the Shannon entropy of p = σ/‖σ‖₁.
 * Accepts a matrix or its singular values. Zero matrix → 0.
 * @example effectiveRank([[1, 0], [0, 1]]) // 2
 */
export function effectiveRank(x: MatrixLike | VectorLike): number {
  const s = spectrum('x', x)
  let total = 0
  for (const v of s) total += v
  if (total === 0) return 0
  let h = 0
  for (const v of s) {
    if (v > 0) {
      const p = v / total
      h -= p * dmath.log(p)
    }
  }
  return dmath.exp(h)
}

/**
 * Nuclear norm ‖A‖_* = Σ σ_i.
 * @example nuclearNorm([[3, 0], [0, -4]]) // 7
 */
export function nuclearNorm(A: MatrixLike): number {
  const n = singularValues(A).reduce((a, b) => a + b, 0)
  if (!Number.isFinite(n)) throw new Error(`nuclearNorm: overflow, the sum of the singular values exceeds float64's range (scale A down first)`)
  return n
}

/** The shape of a matrix or n-d array argument (undefined for a vector, which is compared by length). */
function shapeOf(x: unknown): readonly number[] | undefined {
  if (isNdArray(x)) return (x as NdArray).shape
  if (Matrix.isMatrix(x)) return [(x as Matrix).rows, (x as Matrix).columns]
  if (Array.isArray(x) && Array.isArray(x[0])) return [x.length, (x[0] as unknown[]).length]
  return undefined
}

function flat(name: string, x: unknown): Float64Array {
  if (isNdArray(x)) return (x as NdArray).data
  if (isMatrixArg(x)) return Float64Array.from(toMatrix(name, x).to1DArray())
  return toVector(name, x)
}

/**
 * Frobenius norm sqrt(Σ a_ij²) of a matrix, vector or n-d array (scaled to avoid overflow).
 * @example frobeniusNorm([[3, 4]]) // 5
 */
export function frobeniusNorm(x: MatrixLike | VectorLike | NdArray): number {
  const v = flat('x', x)
  let scale = 0
  for (const a of v) scale = Math.max(scale, Math.abs(a))
  if (scale === 0) return 0
  let s = 0
  for (const a of v) s += (a / scale) * (a / scale)
  const norm = scale * Math.sqrt(s)
  if (!Number.isFinite(norm)) throw new Error(`frobeniusNorm: overflow, the norm exceeds float64's range (largest |entry| ${scale})`)
  return norm
}

/** [scale, Σ (x/scale)²] with scale = max |x| (0 and 0 for a zero vector). */
function scaledSumOfSquares(v: Float64Array): [number, number] {
  let scale = 0
  for (const a of v) scale = Math.max(scale, Math.abs(a))
  if (scale === 0) return [0, 0]
  let s = 0
  for (const a of v) s += (a / scale) * (a / scale)
  return [scale, s]
}

/**
 * Relative error ‖estimate − reference‖_F / ‖reference‖_F (absolute error when the reference is 0).
 * @example relativeError([[1, 1]], [[1, 0]]) // 1
 */
export function relativeError(estimate: MatrixLike | VectorLike | NdArray, reference: MatrixLike | VectorLike | NdArray): number {
  const a = flat('estimate', estimate)
  const b = flat('reference', reference)
  if (a.length !== b.length) throw new Error(`estimate: expected ${b.length} entries like reference, got ${a.length}`)
  const sa = shapeOf(estimate)
  const sb = shapeOf(reference)
  if (sa && sb && sa.join('x') !== sb.join('x')) throw new Error(`estimate: expected the shape of reference (${sb.join('x')}), got ${sa.join('x')}`)
  const d = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) d[i] = (a[i] as number) - (b[i] as number)
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(d[i] as number)) throw new Error(`relativeError: overflow, estimate − reference is ${d[i]} at index ${i} (scale both down first)`)
  }
  // Norms as scale·√(Σ (x/scale)²), combined before unscaling: the ratio of two huge norms stays finite.
  const [ds, dq] = scaledSumOfSquares(d)
  const [bs, bq] = scaledSumOfSquares(b)
  const r = bs === 0 ? ds * Math.sqrt(dq) : ds === 0 ? 0 : (ds / bs) * Math.sqrt(dq / bq)
  if (!Number.isFinite(r)) throw new Error(`relativeError: overflow, ‖estimate − reference‖ / ‖reference‖ exceeds float64's range (reference is tiny, or both are huge)`)
  return r
}

/**
 * Fractional power S^p of a symmetric positive semidefinite matrix via its eigendecomposition:
 * S = Q diag(λ) Qᵀ ⇒ S^p = Q diag(λ^p) Qᵀ. Eigenvalues within `tol`·λ_max of zero are set to 0
 * (and excluded for p < 0 as a pseudo-inverse power); clearly negative eigenvalues throw.
 * @example symmetricPower([[4, 0], [0, 9]], 0.5) // [[2, 0], [0, 3]]
 */
export function symmetricPower(S: MatrixLike, p: number, options: { tol?: number } = {}): Matrix {
  const given = toMatrix('S', S, { square: true })
  assertFinite('p', p)
  // S^p = c^p (S/c)^p: entries beyond 1e150 are scaled first, so the eigensolver squares nothing out of range.
  const { m, scale } = scaled(given)
  if (scale !== 1) {
    const out = symmetricPower(m, p, options)
    const c = Math.pow(scale, p)
    const r = out.mul(c)
    for (const v of r.to1DArray()) if (!Number.isFinite(v)) throw new Error(`symmetricPower: overflow, S^${p} has entries beyond float64's range`)
    return r
  }
  const tol = options.tol ?? 1e-12
  const n = m.rows
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = m.get(i, j)
      const b = m.get(j, i)
      if (Math.abs(a - b) > 1e-8 * (Math.abs(a) + Math.abs(b) + 1e-300) && Math.abs(a - b) > 1e-12) {
        throw new Error(`S: expected a symmetric matrix, entries (${i}, ${j}) and (${j}, ${i}) differ: ${a} vs ${b}`)
      }
    }
  }
  // S = Q diag(λ) Qᵀ (columns of Q, λ ascending), then S^p = (Q diag(f)) Qᵀ as one matrix product.
  const Q = toFlat(m)
  const lambda = symmetricEigenFlat(Q, n)
  let lmax = 0
  for (const l of lambda) lmax = Math.max(lmax, Math.abs(l))
  const cut = tol * lmax
  const f = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const l = lambda[i] as number
    if (l < -Math.max(cut, 1e-14) * 1e3) throw new Error(`S: expected a positive semidefinite matrix, eigenvalue ${i} is ${l}`)
    f[i] = l <= cut ? (p === 0 ? 1 : 0) : dmath.pow(l, p)
  }
  const QF = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) QF[i * n + k] = (Q[i * n + k] as number) * (f[k] as number)
  const P = new Float64Array(n * n)
  matmulNT(P, QF, Q, n, n, n, new Float64Array(n * n))
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * ((P[i * n + j] as number) + (P[j * n + i] as number))
      P[i * n + j] = v
      P[j * n + i] = v
    }
  }
  return fromFlat(P, n, n)
}

// Padé coefficients b_0 … b_m of degree m and the 1-norm bounds θ_m below which degree m is
// accurate to double precision (Higham 2005, "The scaling and squaring method for the matrix
// exponential revisited", Table 2.3 and eq. 2.5).
const PADE: ReadonlyArray<{ m: number; theta: number; b: readonly number[] }> = [
  { m: 3, theta: 1.495585217958292e-2, b: [120, 60, 12, 1] },
  { m: 5, theta: 2.539398330063230e-1, b: [30240, 15120, 3360, 420, 30, 1] },
  { m: 7, theta: 9.504178996162932e-1, b: [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1] },
  { m: 9, theta: 2.097847961257068, b: [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1] },
]
const PADE13 = {
  theta: 5.371920351148152,
  b: [
    64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
    670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
  ],
}

function norm1(A: Matrix): number {
  let best = 0
  for (let j = 0; j < A.columns; j++) {
    let s = 0
    for (let i = 0; i < A.rows; i++) s += Math.abs(A.get(i, j))
    best = Math.max(best, s)
  }
  return best
}

/**
 * Matrix exponential e^A = Σ_k A^k / k!, by scaling and squaring with a diagonal Padé approximant
 * r_m(A) = (V − U)⁻¹(V + U), m ∈ {3, 5, 7, 9, 13} chosen from ‖A‖₁ (Higham 2005): for m = 13,
 * A is scaled by 2^−s with s = ⌈log₂(‖A‖₁/θ₁₃)⌉ and the result squared s times. Throws when the
 * result overflows float64.
 * @example expm([[0, 0], [0, Math.log(2)]]) // [[1, 0], [0, 2]]
 */
export function expm(A: MatrixLike): Matrix {
  const a = toMatrix('A', A, { square: true })
  const n = a.rows
  const I = Matrix.eye(n, n)
  const a1 = norm1(a)
  // ‖A‖₁ beyond float64 would ask for infinitely many squarings.
  if (!Number.isFinite(a1)) throw new Error(`A: overflow, ‖A‖₁ exceeds float64's range (expm needs A scaled down)`)
  const A2 = a.mmul(a)
  let U: Matrix
  let V: Matrix
  let squarings = 0
  const low = PADE.find((p) => a1 <= p.theta)
  if (low) {
    // U = A Σ_{k odd} b_k A^{k−1}, V = Σ_{k even} b_k A^k, with the even powers built once.
    const powers = [I, A2]
    for (let k = 4; k <= low.m; k += 2) powers.push((powers[powers.length - 1] as Matrix).mmul(A2))
    const u = Matrix.zeros(n, n)
    V = Matrix.zeros(n, n)
    powers.forEach((P, i) => {
      u.add(Matrix.mul(P, low.b[2 * i + 1] as number))
      V.add(Matrix.mul(P, low.b[2 * i] as number))
    })
    U = a.mmul(u)
  } else {
    squarings = Math.max(0, Math.ceil(dmath.log2(a1 / PADE13.theta)))
    const scale = 2 ** -squarings
    const As = Matrix.mul(a, scale)
    const B2 = Matrix.mul(A2, scale * scale)
    const B4 = B2.mmul(B2)
    const B6 = B4.mmul(B2)
    const b = PADE13.b as number[]
    const lin = (terms: Array<[Matrix, number]>): Matrix => {
      const out = Matrix.zeros(n, n)
      for (const [M, c] of terms) out.add(Matrix.mul(M, c))
      return out
    }
    U = As.mmul(B6.mmul(lin([[B6, b[13]!], [B4, b[11]!], [B2, b[9]!]])).add(lin([[B6, b[7]!], [B4, b[5]!], [B2, b[3]!], [I, b[1]!]])))
    V = B6.mmul(lin([[B6, b[12]!], [B4, b[10]!], [B2, b[8]!]])).add(lin([[B6, b[6]!], [B4, b[4]!], [B2, b[2]!], [I, b[0]!]]))
  }
  let X = mlSolve(Matrix.sub(V, U), Matrix.add(V, U))
  for (let k = 0; k < squarings; k++) X = X.mmul(X)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(X.get(i, j))) throw new Error(`A: e^A overflows float64 (‖A‖₁ = ${a1.toPrecision(4)})`)
    }
  }
  return X
}

/**
 * Kronecker product A ⊗ B: the block matrix [a_ij B].
 * @example kron([[1, 2]], [[1], [1]]) // [[1, 2], [1, 2]]
 */
export function kron(A: MatrixLike, B: MatrixLike): Matrix {
  const a = toMatrix('A', A)
  const b = toMatrix('B', B)
  return a.kroneckerProduct(b)
}

function spectralRadius(A: Matrix): { radius: number; minModulus: number; maxReal: number; minReal: number } {
  const evd = new EigenvalueDecomposition(A)
  let radius = 0
  let minModulus = Infinity
  let maxReal = -Infinity
  let minReal = Infinity
  evd.realEigenvalues.forEach((re, i) => {
    const im = evd.imaginaryEigenvalues[i] ?? 0
    const mod = Math.hypot(re, im)
    radius = Math.max(radius, mod)
    minModulus = Math.min(minModulus, mod)
    maxReal = Math.max(maxReal, re)
    minReal = Math.min(minReal, re)
  })
  return { radius, minModulus, maxReal, minReal }
}

function kroneckerSolve(M: Matrix, Q: Matrix): Matrix {
  const n = Q.rows
  let x: Matrix
  try {
    x = mlSolve(M, Matrix.columnVector(Q.to1DArray()))
  } catch {
    throw new Error('A: the Lyapunov equation has no unique solution (its Kronecker system is singular)')
  }
  const X = new Matrix(n, n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) X.set(i, j, x.get(i * n + j, 0))
  return X
}

/** The largest n for which the Lyapunov solvers fall back to the dense Kronecker system of order n². */
const KRONECKER_MAX = 40

/** √(Σ x²) of a flat array (the Frobenius norm of a flat matrix). */
function fro(x: Float64Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (x[i] as number)
  return Math.sqrt(s)
}

/**
 * Smith's doubling on flat n×n arrays: X = Σ_k A^k Q (Aᵀ)^k = lim X_j, X_{j+1} = X_j + A_j X_j A_jᵀ,
 * A_{j+1} = A_j², which converges when ρ(A) < 1 (after ⌈log₂(log ε / log ρ)⌉ squarings).
 * Returns null when it has not converged after `maxIter` squarings or overflowed (ρ(A) ≥ 1).
 * The five n×n workspaces are allocated once per call; the loop allocates nothing.
 */
function doublingFlat(A: Float64Array, Q: Float64Array, n: number, maxIter: number): Float64Array | null {
  const nn = n * n
  let Ak = Float64Array.from(A)
  let A2 = new Float64Array(nn)
  const X = Float64Array.from(Q)
  const T = new Float64Array(nn)
  const inc = new Float64Array(nn)
  const scratch = new Float64Array(nn)
  for (let it = 0; it < maxIter; it++) {
    matmul(T, Ak, X, n, n, n)
    matmulNT(inc, T, Ak, n, n, n, scratch)
    for (let i = 0; i < nn; i++) X[i] = (X[i] as number) + (inc[i] as number)
    const ni = fro(inc)
    const nx = fro(X)
    if (!Number.isFinite(nx)) return null
    const nA = fro(Ak)
    if (ni <= 1e-17 * nx && nA < 1e-8) return X
    if (!(nA < 1e150)) return null
    matmul(A2, Ak, Ak, n, n, n)
    const t = Ak
    Ak = A2
    A2 = t
  }
  return null
}

/** A X Aᵀ + Q − X (flat), through the workspace T. */
function steinResidual(out: Float64Array, A: Float64Array, X: Float64Array, Q: Float64Array, n: number, T: Float64Array, scratch: Float64Array): void {
  matmul(T, A, X, n, n, n)
  matmulNT(out, T, A, n, n, n, scratch)
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (Q[i] as number) - (X[i] as number)
}

function isSymmetricFlat(Q: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (Q[i * n + j] !== Q[j * n + i]) return false
  return true
}

/** Smith's doubling on `Matrix` arguments (the continuous solver's Cayley route). */
function smithDoubling(A: Matrix, Q: Matrix): Matrix {
  const n = A.rows
  const X = doublingFlat(toFlat(A), toFlat(Q), n, 200)
  if (!X) throw new Error('A: the Cayley-transformed system is not Schur-stable (eigenvalues too close to the imaginary axis)')
  return fromFlat(X, n, n)
}

function symmetrizeIfSymmetric(X: Matrix, Q: Matrix): Matrix {
  if (!Q.isSymmetric()) return X
  return X.add(X.transpose()).mul(0.5)
}

/** ρ(A) written with enough digits to tell it from 1 (e.g. 0.9999999999 = 1 − 1.0e-10). */
function describeRadius(radius: number): string {
  const d = radius - 1
  return Math.abs(d) < 1e-4 && d !== 0 ? `${radius.toPrecision(16)} (1 ${d < 0 ? '−' : '+'} ${Math.abs(d).toExponential(2)})` : radius.toPrecision(6)
}

/**
 * Solve the discrete Lyapunov (Stein) equation X = A X Aᵀ + Q, as scipy's solve_discrete_lyapunov.
 * Routes, by the spectrum of A (the same at every size n):
 * - ρ(A) < 1 (Schur-stable, the usual case): Smith's doubling X = Σ_k A^k Q (Aᵀ)^k, in
 *   O(log(log ε / log ρ)) squarings of flat float64 matrices; any n, and ρ as close to 1 as float64
 *   resolves (ρ = 1 − 10⁻¹⁰ takes ~40 squarings);
 * - all |λ(A)| > 1 (anti-stable): doubling on A⁻¹, since X = A⁻¹ X A⁻ᵀ − A⁻¹ Q A⁻ᵀ; any n;
 * - eigenvalues on both sides of (or on) the unit circle: the Kronecker system
 *   (I − A ⊗ A) vec X = vec Q, only for n ≤ 40 (order n² ≤ 1600); larger n throws an error stating
 *   ρ(A) and the eigenvalue moduli.
 * Iterative refinement on the residual follows until ‖A X Aᵀ + Q − X‖_F ≤ 1e-13‖X‖_F (three rounds
 * at most). Requires λ_i(A)·λ_j(A) ≠ 1 for all i, j.
 * @example solveDiscreteLyapunov([[0.5]], [[1]]) // [[4/3]]
 */
export function solveDiscreteLyapunov(A: MatrixLike, Q: MatrixLike): Matrix {
  const a = toMatrix('A', A, { square: true })
  const q = toMatrix('Q', Q, { rows: a.rows, columns: a.rows })
  const n = a.rows
  if (scaled(a).scale > 1) throw new Error(`A: overflow, entries beyond 1e150 in magnitude: the products A X Aᵀ of solveDiscreteLyapunov leave float64's range (scale A down)`)
  const af = toFlat(a)
  const qf = toFlat(q)
  const nn = n * n
  // Stable A is the common case: try doubling first (cheap cases converge in a few squarings)
  // and only look at the spectrum when it does not converge quickly.
  let solveOnce: ((rhs: Float64Array) => Float64Array | null) | null = null
  let X = doublingFlat(af, qf, n, 12)
  if (X) {
    solveOnce = (rhs) => doublingFlat(af, rhs, n, 200)
  } else {
    const { radius, minModulus } = spectralRadius(a)
    if (radius < 1) {
      solveOnce = (rhs) => doublingFlat(af, rhs, n, 200)
    } else if (minModulus > 1) {
      const B = toFlat(inverse(a))
      const T = new Float64Array(nn)
      const scratch = new Float64Array(nn)
      solveOnce = (rhs) => {
        const R = new Float64Array(nn)
        matmul(T, B, rhs, n, n, n)
        matmulNT(R, T, B, n, n, n, scratch)
        for (let i = 0; i < nn; i++) R[i] = -(R[i] as number)
        return doublingFlat(B, R, n, 200)
      }
    } else if (n <= KRONECKER_MAX) {
      const M = Matrix.eye(nn).sub(a.kroneckerProduct(a))
      solveOnce = (rhs) => {
        try {
          return toFlat(kroneckerSolve(M, fromFlat(rhs, n, n)))
        } catch {
          return null
        }
      }
    } else {
      throw new Error(
        `A: spectral radius ${describeRadius(radius)} ≥ 1 with eigenvalue moduli from ${describeRadius(minModulus)} to ${describeRadius(radius)} ` +
          `(not all inside or all outside the unit circle) and n = ${n} > ${KRONECKER_MAX}: only the Kronecker route handles such A, up to n = ${KRONECKER_MAX}`,
      )
    }
    X = solveOnce(qf)
  }
  const fail = (): Error => {
    const { radius } = spectralRadius(a)
    return new Error(`A: the discrete Lyapunov equation X = A X Aᵀ + Q has no unique solution (A has eigenvalues with λ_i λ_j ≈ 1; spectral radius ${describeRadius(radius)})`)
  }
  if (!X) throw fail()
  const R = new Float64Array(nn)
  const T = new Float64Array(nn)
  const scratch = new Float64Array(nn)
  for (let round = 0; round < 3; round++) {
    steinResidual(R, af, X, qf, n, T, scratch)
    if (fro(R) <= 1e-13 * Math.max(fro(X), 1e-300)) break
    const dX = solveOnce(R)
    if (!dX) break
    for (let i = 0; i < nn; i++) X[i] = (X[i] as number) + (dX[i] as number)
  }
  steinResidual(R, af, X, qf, n, T, scratch)
  const res = fro(R) / Math.max(fro(X), fro(qf), 1e-300)
  if (!X.every(Number.isFinite) || res > 1e-6) throw fail()
  if (isSymmetricFlat(qf, n)) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const v = 0.5 * ((X[i * n + j] as number) + (X[j * n + i] as number))
        X[i * n + j] = v
        X[j * n + i] = v
      }
    }
  }
  return fromFlat(X, n, n)
}

/**
 * Solve the continuous Lyapunov equation A X + X Aᵀ = Q (scipy's solve_continuous_lyapunov
 * convention). For n ≤ 40 the Kronecker system (A ⊗ I + I ⊗ A) vec X = vec Q is solved directly;
 * larger Hurwitz (or anti-Hurwitz) A are mapped by the Cayley transform A_d = (I − A)⁻¹(I + A) to the
 * discrete equation X = A_d X A_dᵀ − 2 M Q Mᵀ, M = (I − A)⁻¹. Iterative refinement follows.
 * Requires λ_i(A) + λ_j(A) ≠ 0 for all i, j.
 * @example solveContinuousLyapunov([[-1]], [[-2]]) // [[1]]
 */
export function solveContinuousLyapunov(A: MatrixLike, Q: MatrixLike): Matrix {
  const a = toMatrix('A', A, { square: true })
  const q = toMatrix('Q', Q, { rows: a.rows, columns: a.rows })
  const n = a.rows
  const I = Matrix.eye(n)
  let solveOnce: (rhs: Matrix) => Matrix
  if (n <= KRONECKER_MAX) {
    const M = a.kroneckerProduct(I).add(I.kroneckerProduct(a))
    solveOnce = (rhs) => kroneckerSolve(M, rhs)
  } else {
    const { maxReal, minReal } = spectralRadius(a)
    const sign = maxReal < 0 ? 1 : minReal > 0 ? -1 : 0
    if (sign === 0) throw new Error(`A: n = ${n} > ${KRONECKER_MAX} requires all eigenvalues in one open half plane`)
    const as = a.clone().mul(sign)
    const M = mlSolve(I.clone().sub(as), I)
    const Ad = M.mmul(I.clone().add(as))
    solveOnce = (rhs) => smithDoubling(Ad, M.mmul(rhs.clone().mul(sign)).mmul(M.transpose()).mul(-2))
  }
  let X = solveOnce(q)
  for (let round = 0; round < 3; round++) {
    const R = q.clone().sub(a.mmul(X)).sub(X.mmul(a.transpose()))
    if (R.norm('frobenius') <= 1e-13 * Math.max(X.norm('frobenius'), 1e-300)) break
    X = X.add(solveOnce(R))
  }
  const res = q.clone().sub(a.mmul(X)).sub(X.mmul(a.transpose())).norm('frobenius') / Math.max(X.norm('frobenius'), q.norm('frobenius'), 1e-300)
  if (!X.to1DArray().every(Number.isFinite) || res > 1e-6) {
    throw new Error('A: the continuous Lyapunov equation has no unique solution (λ_i(A) + λ_j(A) ≈ 0)')
  }
  return symmetrizeIfSymmetric(X, q)
}

/** The matrix rank-deficiency test of the solvers: |pivot| ≤ 1e-14 · max |pivot|. */
function assertNonsingular(name: string, lu: LuDecomposition): void {
  const U = lu.upperTriangularMatrix
  let maxPivot = 0
  for (let i = 0; i < U.rows; i++) maxPivot = Math.max(maxPivot, Math.abs(U.get(i, i)))
  for (let i = 0; i < U.rows; i++) {
    if (!(Math.abs(U.get(i, i)) > 1e-14 * maxPivot)) throw new Error(`${name}: the matrix is singular to working precision (pivot ${i} of ${U.rows})`)
  }
}

/** A reusable LU factorization PA = LU, from {@link luSolver}. */
export interface LuSolver {
  /** X with A X = B (B a matrix, or a vector as a column). */
  solve(B: MatrixLike): Matrix
}

/**
 * Factor a square matrix once (LU with partial pivoting, PA = LU) to solve A X = B for several
 * right-hand sides. Throws when A is singular to working precision.
 * @example const lu = luSolver([[4, 1], [2, 3]]); lu.solve([[1], [2]]) // [[0.1], [0.6]]
 */
export function luSolver(A: MatrixLike): LuSolver {
  const a = toMatrix('A', A, { square: true })
  const lu = new LuDecomposition(a)
  assertNonsingular('A', lu)
  return {
    solve(B) {
      const b = toMatrix('B', B, { rows: a.rows })
      return lu.solve(b)
    },
  }
}

/**
 * The solution X of A X = B for square, nonsingular A (LU with partial pivoting).
 * @example solve([[2, 0], [0, 4]], [[2], [2]]) // [[1], [0.5]]
 */
export function solve(A: MatrixLike, B: MatrixLike): Matrix {
  return luSolver(A).solve(B)
}

/**
 * The inverse A⁻¹ of a square, nonsingular matrix.
 * @example inverse([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function inverse(A: MatrixLike): Matrix {
  const a = toMatrix('A', A, { square: true })
  return luSolver(a).solve(Matrix.eye(a.rows))
}

/**
 * Moore–Penrose pseudo-inverse A⁺ = V Σ⁺ Uᵀ from the thin SVD, singular values σ ≤ tol·σ_max
 * treated as zero (default tol = max(rows, columns)·ε, numpy's `pinv` convention).
 * @example pseudoInverse([[1, 0], [0, 0]]) // [[1, 0], [0, 0]]
 */
export function pseudoInverse(A: MatrixLike, options: { tol?: number } = {}): Matrix {
  const a = toMatrix('A', A)
  const tol = options.tol ?? Number.EPSILON * Math.max(a.rows, a.columns)
  assertFinite('tol', tol)
  const { S: s, U: Um, V: Vm } = flatSvd(a, true)
  const U = Um as Matrix
  const V = Vm as Matrix
  let smax = 0
  for (const v of s) smax = Math.max(smax, v)
  const cut = tol * smax
  const out = new Matrix(a.columns, a.rows)
  s.forEach((sk, k) => {
    if (!(sk > cut)) return
    for (let i = 0; i < a.columns; i++) {
      const vik = V.get(i, k) / sk
      if (vik === 0) continue
      for (let j = 0; j < a.rows; j++) out.set(i, j, out.get(i, j) + vik * U.get(j, k))
    }
  })
  return out
}

/**
 * Eigenvalues λ = re + i·im of a general square matrix (Hessenberg reduction + shifted QR), in the
 * order the solver returns them.
 * @example eigenvalues([[0, -1], [1, 0]]) // { re: [0, 0], im: [1, -1] }
 */
export function eigenvalues(A: MatrixLike): { re: Float64Array; im: Float64Array } {
  const a = toMatrix('A', A, { square: true })
  const evd = new EigenvalueDecomposition(a)
  return { re: Float64Array.from(evd.realEigenvalues), im: Float64Array.from(evd.imaginaryEigenvalues) }
}

/**
 * Eigendecomposition S = Q diag(λ) Qᵀ of a symmetric matrix: eigenvalues in descending order and
 * the orthonormal eigenvectors as the columns of `vectors` (in the same order). Only symmetric
 * input is accepted (|S − Sᵀ| ≤ 1e-10·max|S|).
 * @example symmetricEigen([[2, 1], [1, 2]]).values // Float64Array [3, 1]
 */
export function symmetricEigen(S: MatrixLike): { values: Float64Array; vectors: Matrix } {
  const s = toMatrix('S', S, { square: true })
  const scale = Math.max(Math.abs(s.max()), Math.abs(s.min()))
  for (let i = 0; i < s.rows; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(s.get(i, j) - s.get(j, i)) > 1e-10 * Math.max(1e-300, scale)) throw new Error(`S: expected a symmetric matrix, S[${i}][${j}] ≠ S[${j}][${i}]`)
    }
  }
  const n = s.rows
  const Q = toFlat(s)
  const lambda = symmetricEigenFlat(Q, n)
  // Descending: column n−1−k of Q.
  const vectors = new Matrix(n, n)
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) vectors.set(i, k, Q[i * n + n - 1 - k] as number)
  return { values: Float64Array.from(lambda).reverse(), vectors }
}
