import { Matrix, eigenvalues as spectrum, luSolver, solve, solveDiscreteLyapunov, symmetricEigen, toMatrix, type MatrixLike } from '@theoryml/core'
import { assertSymmetricPsd } from './system'

/** A complex number (closed-loop eigenvalues). */
export interface Complex {
  re: number
  im: number
}

/** What {@link dlqr} returns (python-control's `dlqr` convention: u = −K x). */
export interface DlqrResult {
  /** Optimal gain K = (R + BᵀPB)⁻¹ BᵀPA, m×n; the optimal control is u = −K x. */
  K: Matrix
  /** Stabilizing solution P of the DARE, n×n. */
  P: Matrix
  /** Eigenvalues of A − BK (all inside the unit circle). */
  closedLoopEigenvalues: Complex[]
}

function checkDareInput(A: MatrixLike, B: MatrixLike, Q: MatrixLike, R: MatrixLike): { a: Matrix; b: Matrix; q: Matrix; r: Matrix } {
  const a = toMatrix('A', A, { square: true })
  const n = a.rows
  const b = toMatrix('B', B)
  if (b.rows !== n) throw new Error(`B: expected ${n} rows like A (x_{t+1} = A x_t + B u_t, B is n×m), got ${b.rows}x${b.columns}`)
  const m = b.columns
  const q = toMatrix('Q', Q, { rows: n, columns: n })
  const r = toMatrix('R', R, { rows: m, columns: m })
  assertSymmetricPsd('Q', q)
  assertSymmetricPsd('R', r)
  return { a, b, q, r }
}

/**
 * Residual of the discrete algebraic Riccati equation at X (scipy's convention):
 * Res(X) = AᵀXA − X − AᵀXB (R + BᵀXB)⁻¹ BᵀXA + Q. Zero at a solution.
 * @example frobeniusNorm(dareResidual(A, B, Q, R, solveDare(A, B, Q, R))) // ~1e-14
 */
export function dareResidual(A: MatrixLike, B: MatrixLike, Q: MatrixLike, R: MatrixLike, X: MatrixLike): Matrix {
  const { a, b, q, r } = checkDareInput(A, B, Q, R)
  const x = toMatrix('X', X, { rows: a.rows, columns: a.rows })
  return residual(a, b, q, r, x)
}

function residual(a: Matrix, b: Matrix, q: Matrix, r: Matrix, x: Matrix): Matrix {
  const at = a.transpose()
  const xa = x.mmul(a)
  const btxa = b.transpose().mmul(xa)
  const s = r.clone().add(b.transpose().mmul(x).mmul(b))
  return at.mmul(xa).sub(x).sub(btxa.transpose().mmul(solve(s, btxa))).add(q)
}

function symmetrize(M: Matrix): Matrix {
  return M.clone().add(M.transpose()).mul(0.5)
}

function allFinite(M: Matrix): boolean {
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) if (!Number.isFinite(M.get(i, j))) return false
  return true
}

function eigenvalues(M: Matrix): Complex[] {
  const { re, im } = spectrum(M)
  return Array.from(re, (r, i) => ({ re: r, im: im[i] ?? 0 }))
}

/**
 * Whether ρ(M) < 1, by repeated squaring: ρ(M)^(2^j) ≤ ‖M^(2^j)‖_F, so ‖M^(2^j)‖ < 1/2 proves
 * stability, while a norm that keeps growing (or 40 squarings without shrinking) says it is not.
 * Cheaper than an eigendecomposition for the sizes solveDare meets.
 */
function isSchurStable(M: Matrix): boolean {
  let P = M
  for (let j = 0; j < 40; j++) {
    const norm = P.norm('frobenius')
    if (norm < 0.5) return true
    if (!Number.isFinite(norm) || norm > 1e150) return false
    P = P.mmul(P)
  }
  return false
}

function gain(a: Matrix, b: Matrix, r: Matrix, x: Matrix): Matrix {
  const s = r.clone().add(b.transpose().mmul(x).mmul(b))
  return solve(s, b.transpose().mmul(x).mmul(a))
}

const UNSTABILIZABLE = 'A, B: the discrete Riccati equation has no stabilizing solution: (A, B) is not stabilizable or (A, Q) has an unobservable mode on the unit circle'

/**
 * Stabilizing solution X of the discrete algebraic Riccati equation (as scipy.linalg.solve_discrete_are):
 * AᵀXA − X − AᵀXB (R + BᵀXB)⁻¹ BᵀXA + Q = 0, column convention x_{t+1} = A x_t + B u_t.
 * Structure-preserving doubling (Chu, Fan & Lin 2005): A₀ = A, G₀ = B R⁻¹ Bᵀ, H₀ = Q,
 * W = I + G_k H_k, A_{k+1} = A_k W⁻¹ A_k, G_{k+1} = G_k + A_k W⁻¹ G_k A_kᵀ,
 * H_{k+1} = H_k + A_kᵀ H_k W⁻¹ A_k → X quadratically. Then Newton–Kleinman (Hewer) steps
 * X ← solution of X = (A − BK)ᵀ X (A − BK) + Q + KᵀRK, K = (R + BᵀXB)⁻¹BᵀXA, while they lower the
 * residual above 1e-12. Throws when R is singular, when the iteration diverges (an unstabilizable pair),
 * when A − BK is not Schur stable at the end (checked by repeated squaring), or when the relative
 * residual stays above 1e-8.
 * @example solveDare([[1]], [[1]], [[1]], [[1]]) // [[1.618…]] (golden ratio)
 */
export function solveDare(A: MatrixLike, B: MatrixLike, Q: MatrixLike, R: MatrixLike): Matrix {
  const { a, b, q, r } = checkDareInput(A, B, Q, R)
  const n = a.rows
  let rInvBt: Matrix
  try {
    rInvBt = solve(r, b.transpose())
  } catch {
    throw new Error('R: expected a positive definite control cost (R is singular)')
  }
  if (!allFinite(rInvBt) || Math.min(...symmetricEigen(symmetrize(r)).values) <= 1e-14 * Math.max(1, r.norm('frobenius'))) {
    throw new Error('R: expected a positive definite control cost (R is singular)')
  }
  let Ak = a.clone()
  let Gk = symmetrize(b.mmul(rInvBt))
  let Hk = symmetrize(q)
  const I = Matrix.eye(n)
  let converged = false
  for (let it = 0; it < 80; it++) {
    const W = I.clone().add(Gk.mmul(Hk))
    let WA: Matrix
    let WG: Matrix
    try {
      const lu = luSolver(W)
      WA = lu.solve(Ak)
      WG = lu.solve(Gk)
    } catch {
      throw new Error(UNSTABILIZABLE)
    }
    const Anext = Ak.mmul(WA)
    const Gnext = symmetrize(Gk.clone().add(Ak.mmul(WG).mmul(Ak.transpose())))
    const Hnext = symmetrize(Hk.clone().add(Ak.transpose().mmul(Hk).mmul(WA)))
    if (!allFinite(Anext) || !allFinite(Gnext) || !allFinite(Hnext)) throw new Error(UNSTABILIZABLE)
    const change = Hnext.clone().sub(Hk).norm('frobenius')
    Ak = Anext
    Gk = Gnext
    Hk = Hnext
    if (change <= 1e-14 * Math.max(Hk.norm('frobenius'), 1e-300)) {
      converged = true
      break
    }
  }
  if (!converged) throw new Error(UNSTABILIZABLE)
  let X = Hk
  let res = residual(a, b, q, r, X).norm('frobenius') / Math.max(X.norm('frobenius'), 1e-300)
  // Newton–Kleinman (Hewer) refinement while it helps.
  for (let step = 0; step < 3 && res > 1e-12; step++) {
    const K = gain(a, b, r, X)
    const Acl = a.clone().sub(b.mmul(K))
    if (!isSchurStable(Acl)) break
    let Xn: Matrix
    try {
      Xn = symmetrize(solveDiscreteLyapunov(Acl.transpose(), q.clone().add(K.transpose().mmul(r).mmul(K))))
    } catch {
      break
    }
    const resN = residual(a, b, q, r, Xn).norm('frobenius') / Math.max(Xn.norm('frobenius'), 1e-300)
    if (!(resN < res)) break
    X = Xn
    res = resN
  }
  const K = gain(a, b, r, X)
  const stable = isSchurStable(a.clone().sub(b.mmul(K)))
  if (!stable || !(res < 1e-8)) throw new Error(`${UNSTABILIZABLE} (closed loop ${stable ? 'stable' : 'not Schur stable'}, relative residual ${res.toExponential(2)})`)
  return X
}

/**
 * Discrete-time LQR gain, as python-control's `dlqr(A, B, Q, R)`: minimizes
 * Σ_t x_tᵀQx_t + u_tᵀRu_t subject to x_{t+1} = A x_t + B u_t with u_t = −K x_t, where
 * P solves the DARE ({@link solveDare}) and K = (R + BᵀPB)⁻¹ BᵀPA. The paper's row-convention
 * controller (u = x K_row) is K_row = −Kᵀ.
 * @example const { K, P, closedLoopEigenvalues } = dlqr([[1, 1], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
 */
export function dlqr(A: MatrixLike, B: MatrixLike, Q: MatrixLike, R: MatrixLike): DlqrResult {
  const P = solveDare(A, B, Q, R)
  const { a, b, r } = checkDareInput(A, B, Q, R)
  const K = gain(a, b, r, P)
  return { K, P, closedLoopEigenvalues: eigenvalues(a.clone().sub(b.mmul(K))) }
}
