import { Matrix, eigenvalues, solveDiscreteLyapunov, symmetricEigen, type MatrixLike } from '@theoryml/core'
import { assertSystem, controllerFromRow, controllerToRow, toStates, type LqrSystem } from './system'

function flat(M: Matrix): Float64Array {
  const out = new Float64Array(M.rows * M.columns)
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) out[i * M.columns + j] = M.get(i, j)
  return out
}

/**
 * Allocation-free evaluator of the finite-horizon cost and its BPTT gradient for fixed initial
 * states (row convention, K as a row-major n×m Float64Array). Internal hot path of policy gradient.
 */
export class FiniteHorizonKernel {
  readonly n: number
  readonly m: number
  readonly N: number
  readonly H: number
  private readonly A: Float64Array
  private readonly B: Float64Array
  private readonly Q: Float64Array
  private readonly R: Float64Array
  private readonly hasR: boolean
  private readonly X: Float64Array
  private readonly M: Float64Array
  private readonly S: Float64Array
  private readonly KR: Float64Array
  private readonly lam: Float64Array
  private readonly lamNext: Float64Array
  private readonly GM: Float64Array
  private readonly GS: Float64Array

  constructor(system: LqrSystem, states: Matrix) {
    this.n = system.stateDim
    this.m = system.controlDim
    this.N = states.rows
    this.H = system.horizon
    this.A = flat(system.A)
    this.B = flat(system.B)
    this.Q = flat(system.Q)
    this.R = flat(system.R)
    this.hasR = this.R.some((v) => v !== 0)
    const { n, m, N, H } = this
    this.X = new Float64Array((H + 1) * N * n)
    this.X.set(flat(states), 0)
    this.M = new Float64Array(n * n)
    this.S = new Float64Array(n * n)
    this.KR = new Float64Array(n * m)
    this.lam = new Float64Array(N * n)
    this.lamNext = new Float64Array(N * n)
    this.GM = new Float64Array(n * n)
    this.GS = new Float64Array(n * n)
  }

  /**
   * J(K) = (1/N) Σ_i Σ_{h=0}^{H} x_h S x_hᵀ with M = A + K B, S = Q + K R Kᵀ, x_{h+1} = x_h M.
   * When `grad` is given, writes ∂J/∂K = G_M Bᵀ + 2 G_S K R into it, where
   * G_M = Σ_{h=0}^{H−1} X_hᵀ Λ_{h+1}, Λ_H = (2/N) X_H S, Λ_h = (2/N) X_h S + Λ_{h+1} Mᵀ, and
   * G_S = (1/N) Σ_{h=0}^{H} X_hᵀ X_h.
   */
  evaluate(K: Float64Array, grad?: Float64Array): number {
    const { n, m, N, H, A, B, Q, R, X, M, S, KR, hasR } = this
    // M = A + K B ; S = Q + K R Kᵀ.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = A[i * n + j] as number
        for (let k = 0; k < m; k++) s += (K[i * m + k] as number) * (B[k * n + j] as number)
        M[i * n + j] = s
      }
    }
    S.set(Q)
    if (hasR) {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) {
          let s = 0
          for (let l = 0; l < m; l++) s += (K[i * m + l] as number) * (R[l * m + k] as number)
          KR[i * m + k] = s
        }
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0
          for (let k = 0; k < m; k++) s += (KR[i * m + k] as number) * (K[j * m + k] as number)
          S[i * n + j] = (S[i * n + j] as number) + s
        }
      }
    }
    // Forward: X_{h+1} = X_h M; cost accumulates x S xᵀ.
    let cost = 0
    const Nn = N * n
    for (let h = 0; h <= H; h++) {
      const off = h * Nn
      for (let i = 0; i < N; i++) {
        const row = off + i * n
        for (let a = 0; a < n; a++) {
          const xa = X[row + a] as number
          if (xa === 0) continue
          let s = 0
          for (let b = 0; b < n; b++) s += (S[a * n + b] as number) * (X[row + b] as number)
          cost += xa * s
        }
        if (h < H) {
          const next = off + Nn + i * n
          for (let j = 0; j < n; j++) {
            let s = 0
            for (let a = 0; a < n; a++) s += (X[row + a] as number) * (M[a * n + j] as number)
            X[next + j] = s
          }
        }
      }
    }
    cost /= N
    if (!grad) return cost
    const { lam, lamNext, GM, GS } = this
    GM.fill(0)
    GS.fill(0)
    const c = 2 / N
    // Λ_H = c X_H S.
    for (let h = H; h >= 1; h--) {
      const off = h * Nn
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0
          for (let a = 0; a < n; a++) s += (X[off + i * n + a] as number) * (S[a * n + j] as number)
          s *= c
          if (h < H) for (let a = 0; a < n; a++) s += (lamNext[i * n + a] as number) * (M[j * n + a] as number)
          lam[i * n + j] = s
        }
      }
      // G_M += X_{h−1}ᵀ Λ_h.
      const prev = (h - 1) * Nn
      for (let i = 0; i < N; i++) {
        for (let a = 0; a < n; a++) {
          const xa = X[prev + i * n + a] as number
          if (xa === 0) continue
          for (let j = 0; j < n; j++) GM[a * n + j] = (GM[a * n + j] as number) + xa * (lam[i * n + j] as number)
        }
      }
      lamNext.set(lam)
    }
    // ∂J/∂K = G_M Bᵀ (+ 2 G_S K R).
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        let s = 0
        for (let j = 0; j < n; j++) s += (GM[i * n + j] as number) * (B[k * n + j] as number)
        grad[i * m + k] = s
      }
    }
    if (hasR) {
      for (let h = 0; h <= H; h++) {
        const off = h * Nn
        for (let i = 0; i < N; i++) {
          for (let a = 0; a < n; a++) {
            const xa = X[off + i * n + a] as number
            if (xa === 0) continue
            for (let b = 0; b < n; b++) GS[a * n + b] = (GS[a * n + b] as number) + xa * (X[off + i * n + b] as number)
          }
        }
      }
      // grad += (2/N) GS KR (KR = K R computed above).
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < m; k++) {
          let s = 0
          for (let a = 0; a < n; a++) s += (GS[i * n + a] as number) * (KR[a * m + k] as number)
          grad[i * m + k] = (grad[i * m + k] as number) + c * s
        }
      }
    }
    return cost
  }
}

/**
 * Finite-horizon LQR cost of the linear controller K, averaged over the initial states
 * (the paper's J(K; X)): J = (1/|X|) Σ_{x₀∈X} Σ_{h=0}^{H} x_h Q x_hᵀ + u_h R u_hᵀ,
 * x_{h+1} = x_h A + u_h B, u_h = x_h K (row convention; the column form is the transpose).
 * @example finiteHorizonCost(identitySystem(2), [[0, 0], [0, 0]], [[1, 0]]) // 6 (= H + 1 with H = 5)
 */
export function finiteHorizonCost(system: LqrSystem, K: MatrixLike, initialStates: MatrixLike | readonly number[]): number {
  assertSystem(system)
  const Krow = controllerToRow(system, K)
  const X0 = toStates(system, initialStates)
  return checkCost('finiteHorizonCost', system, new FiniteHorizonKernel(system, X0).evaluate(flat(Krow)))
}

/** The cost, or an error naming `fn` when the states outgrew float64 within the horizon (an unstable closed loop). */
function checkCost(fn: string, system: LqrSystem, cost: number): number {
  if (Number.isFinite(cost)) return cost
  throw new Error(
    `${fn}: overflow, the cost is ${cost}: the closed loop A + K B is unstable enough that the state leaves float64's range within the horizon H = ${system.horizon}; use a stabilizing K or a shorter horizon`,
  )
}

/**
 * The finite-horizon cost and its exact gradient ∂J/∂K by back-propagation through time
 * (closed form): with M = A + K B, S = Q + K R Kᵀ and adjoints Λ_H = (2/N) X_H S,
 * Λ_h = (2/N) X_h S + Λ_{h+1} Mᵀ: ∂J/∂K = (Σ_{h=0}^{H−1} X_hᵀ Λ_{h+1}) Bᵀ + (2/N) (Σ_{h=0}^{H} X_hᵀ X_h) K R.
 * The gradient is returned in the system's convention (n×m in the row convention, m×n in the column one).
 * @example const { cost, grad } = finiteHorizonCostAndGrad(shiftSystem(3), [[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[1, 0, 0]]) // cost 6 (= H + 1)
 */
export function finiteHorizonCostAndGrad(system: LqrSystem, K: MatrixLike, initialStates: MatrixLike | readonly number[]): { cost: number; grad: Matrix } {
  assertSystem(system)
  const Krow = controllerToRow(system, K)
  const X0 = toStates(system, initialStates)
  const g = new Float64Array(system.stateDim * system.controlDim)
  const cost = checkCost('finiteHorizonCostAndGrad', system, new FiniteHorizonKernel(system, X0).evaluate(flat(Krow), g))
  const G = new Matrix(system.stateDim, system.controlDim)
  for (let i = 0; i < system.stateDim; i++) for (let k = 0; k < system.controlDim; k++) G.set(i, k, g[i * system.controlDim + k] as number)
  return { cost, grad: controllerFromRow(system, G) }
}

/**
 * Closed-loop matrix M = A + K B of a row-convention controller (x_{h+1} = x_h M).
 * @example closedLoop(sys, K)
 */
export function closedLoop(system: LqrSystem, K: MatrixLike): Matrix {
  const Krow = controllerToRow(system, K)
  return system.A.clone().add(Krow.mmul(system.B))
}

/**
 * Infinite-horizon cost of K averaged over initial states, by a discrete Lyapunov equation:
 * J_∞ = (1/|X|) Σ x₀ P x₀ᵀ with P = Σ_{h≥0} M^h S (M^h)ᵀ, i.e. P = M P Mᵀ + S (core's
 * solveDiscreteLyapunov), M = A + K B, S = Q + K R Kᵀ. Infinity when ρ(M) ≥ 1 (the closed loop is unstable).
 * @example infiniteHorizonCost(sys, K, [[1, 0]])
 */
export function infiniteHorizonCost(system: LqrSystem, K: MatrixLike, initialStates: MatrixLike | readonly number[]): number {
  assertSystem(system)
  const Krow = controllerToRow(system, K)
  const X0 = toStates(system, initialStates)
  const M = system.A.clone().add(Krow.mmul(system.B))
  const ev = eigenvalues(M)
  let rho = 0
  ev.re.forEach((re, i) => { rho = Math.max(rho, Math.hypot(re, ev.im[i] ?? 0)) })
  if (rho >= 1) return Infinity
  const S = system.Q.clone().add(Krow.mmul(system.R).mmul(Krow.transpose()))
  const P = solveDiscreteLyapunov(M, S)
  let total = 0
  const XP = X0.mmul(P)
  for (let i = 0; i < X0.rows; i++) for (let j = 0; j < X0.columns; j++) total += XP.get(i, j) * X0.get(i, j)
  return total / X0.rows
}

/**
 * Minimal finite-horizon cost over all control sequences (time-varying), by the backward Riccati
 * recursion in the row convention: P_H = Q, P_h = Q + A P Aᵀ − A P Bᵀ (R + B P Bᵀ)⁺ B P Aᵀ
 * (P = P_{h+1}), J* = (1/|X|) Σ x₀ P₀ x₀ᵀ. A lower bound on the cost of any static K; with R = 0 and
 * B of full row rank n it equals x₀ Q x₀ᵀ (one step to the origin), the paper's minimal cost.
 * @example minimalCost(shiftSystem(5), [[1, 0, 0, 0, 0]]) // 1
 */
export function minimalCost(system: LqrSystem, initialStates: MatrixLike | readonly number[]): number {
  assertSystem(system)
  const X0 = toStates(system, initialStates)
  const { A, B, Q, R } = system
  let P = Q.clone()
  for (let h = system.horizon - 1; h >= 0; h--) {
    const BPAt = B.mmul(P).mmul(A.transpose())
    const S = R.clone().add(B.mmul(P).mmul(B.transpose()))
    const next = Q.clone().add(A.mmul(P).mmul(A.transpose())).sub(BPAt.transpose().mmul(pinvSym(S)).mmul(BPAt))
    P = next.add(next.transpose()).mul(0.5)
  }
  let total = 0
  const XP = X0.mmul(P)
  for (let i = 0; i < X0.rows; i++) for (let j = 0; j < X0.columns; j++) total += XP.get(i, j) * X0.get(i, j)
  return total / X0.rows
}

function pinvSym(S: Matrix): Matrix {
  const sym = S.clone().add(S.transpose()).mul(0.5)
  const { values: lam, vectors: V } = symmetricEigen(sym)
  const lmax = Math.max(0, ...Array.from(lam, Math.abs))
  const n = S.rows
  const out = new Matrix(n, n)
  for (let k = 0; k < n; k++) {
    const l = lam[k] as number
    if (Math.abs(l) <= 1e-12 * lmax || l === 0) continue
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.set(i, j, out.get(i, j) + (V.get(i, k) * V.get(j, k)) / l)
  }
  return out
}
