import { Matrix, assertFinite, assertKnownOptions, pseudoInverse, svd, type MatrixLike } from '@theoryml/core'
import { finiteHorizonCost, minimalCost } from './cost'
import { assertSystem, controllerFromRow, controllerToRow, toStates, type LqrSystem } from './system'

/** What {@link extrapolation} returns. */
export interface ExtrapolationResult {
  /**
   * E_opt: Σ_test ‖x₀(A + K B)‖²_Q / Σ_test ‖x₀ A‖²_Q, the test cost of the learned controller's
   * one-step closed loop over that of doing nothing (u = 0). 0 is optimal (R = 0), 1 is no extrapolation.
   */
  optimalityError: number
  /**
   * E_cost: (J_test(K) − J*) / (J_test(K_noext) − J*), K_noext the minimum-norm controller that fits
   * the training states (see {@link noExtrapolationController}), J* = minimalCost(testStates).
   * NaN when K_noext is itself optimal on the test states.
   */
  costError: number
  /** J_test(K), the finite-horizon cost on the test states. */
  testCost: number
  /** J*, the minimal cost on the test states. */
  minimalTestCost: number
  /** J_test(K_noext). */
  noExtrapolationTestCost: number
}

function projector(rows: Matrix, tol = 1e-10): Matrix {
  // Orthogonal projector onto the row span of `rows`: V_r V_rᵀ from the SVD.
  const n = rows.columns
  if (rows.rows === 0) return new Matrix(n, n)
  const { S, V } = svd(rows)
  const smax = S[0] ?? 0
  const P = new Matrix(n, n)
  for (let k = 0; k < S.length; k++) {
    if ((S[k] as number) <= tol * smax || smax === 0) continue
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P.set(i, j, P.get(i, j) + V.get(i, k) * V.get(j, k))
  }
  return P
}

/**
 * The minimum-norm controller that fits the training states: the least-Frobenius-norm K with
 * x₀(A + K B) = 0 for every training state x₀ (row convention), K_noext = −P_train A B⁺, where P_train
 * projects onto the span of the training states. It acts as zero on directions orthogonal to them,
 * so it does not extrapolate. Returned in the system's convention.
 * @example noExtrapolationController(shiftSystem(5), [[1, 0, 0, 0, 0]])
 */
export function noExtrapolationController(system: LqrSystem, trainStates: MatrixLike): Matrix {
  assertSystem(system)
  const X = toStates(system, trainStates, 'trainStates')
  const K = projector(X).mmul(system.A).mmul(pseudoInverse(system.B)).mul(-1)
  return controllerFromRow(system, K)
}

function quad(X: Matrix, Q: Matrix): number {
  const XQ = X.mmul(Q)
  let s = 0
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.columns; j++) s += XQ.get(i, j) * X.get(i, j)
  return s
}

/**
 * The paper's two measures of how a controller K, learned from `trainStates`, extrapolates to
 * `testStates`: E_opt = Σ_test ‖x₀(A + KB)‖²_Q / Σ_test ‖x₀A‖²_Q (optimality of the one-step closed loop
 * relative to doing nothing) and E_cost = (J_test(K) − J*) / (J_test(K_noext) − J*).
 * Both equal 1 for a controller that does not extrapolate and 0 for an optimal one (R = 0).
 * @example extrapolation(sys, K, { trainStates: [[1, 0, 0]], testStates: [[0, 1, 0], [0, 0, 1]] }).optimalityError
 */
export function extrapolation(system: LqrSystem, K: MatrixLike, options: { trainStates: MatrixLike; testStates: MatrixLike }): ExtrapolationResult {
  assertSystem(system)
  assertKnownOptions('extrapolation', options, ['trainStates', 'testStates'])
  if (!options || typeof options !== 'object') throw new Error('extrapolation: expected options { trainStates, testStates }')
  const Krow = controllerToRow(system, K)
  const Xtest = toStates(system, options.testStates, 'testStates')
  const Xtrain = toStates(system, options.trainStates, 'trainStates')
  const M = system.A.clone().add(Krow.mmul(system.B))
  const denom = quad(Xtest.mmul(system.A), system.Q)
  if (denom === 0) throw new Error('testStates: x₀ A is zero (in the Q norm) for every test state, so E_opt is undefined')
  const optimalityError = quad(Xtest.mmul(M), system.Q) / denom
  const testCost = finiteHorizonCost(system, K, Xtest)
  const minimalTestCost = minimalCost(system, Xtest)
  const noExtrapolationTestCost = finiteHorizonCost(system, noExtrapolationController(system, Xtrain), Xtest)
  const gap = noExtrapolationTestCost - minimalTestCost
  const costError = gap > 1e-14 * Math.max(1, Math.abs(minimalTestCost)) ? (testCost - minimalTestCost) / gap : NaN
  return { optimalityError, costError, testCost, minimalTestCost, noExtrapolationTestCost }
}

/** What {@link explorationMeasure} returns. */
export interface ExplorationResult {
  /**
   * Fraction of the training trajectories' energy spent in unseen directions:
   * Σ_{x₀} Σ_{h=1}^{H−1} ‖x_h P_U‖² / Σ_{x₀} Σ_{h=0}^{H−1} ‖x_h‖², in [0, 1).
   */
  value: number
  /** Dimension of the span of the visited states projected on the unseen subspace. */
  dimension: number
  /** An orthonormal basis (rows) of that span. */
  basis: Matrix
}

/**
 * How much the system explores from the training states (the paper's notion: the span of the
 * states visited from them, beyond the training states themselves). The visited states are
 * x_h = x₀ M^h, h = 0 … H−1, M = A + K B (K = 0 by default: the system's own exploration, what the
 * first policy-gradient steps see — the gradient ∂J/∂K = Σ_h x_hᵀ(…) acts only on these directions).
 * With U the unseen subspace (the span of `testStates`, or the orthogonal complement of the training
 * states' span) and P_U its projector: value = Σ Σ_{h≥1} ‖x_h P_U‖² / Σ Σ_{h≥0} ‖x_h‖², dimension =
 * dim span{x_h P_U}. The identity system gives 0; the shift system from e₁ gives (H−1)/H.
 * @example explorationMeasure(shiftSystem(5), [[1, 0, 0, 0, 0]]).value // 0.8
 */
export function explorationMeasure(system: LqrSystem, trainStates: MatrixLike, options: { testStates?: MatrixLike; K?: MatrixLike } = {}): ExplorationResult {
  assertSystem(system)
  assertKnownOptions('explorationMeasure', options, ['testStates', 'K'])
  const X0 = toStates(system, trainStates, 'trainStates')
  const n = system.stateDim
  const Krow = options.K === undefined ? new Matrix(n, system.controlDim) : controllerToRow(system, options.K)
  const M = system.A.clone().add(Krow.mmul(system.B))
  const PU = options.testStates === undefined
    ? Matrix.eye(n).sub(projector(X0))
    : projector(toStates(system, options.testStates, 'testStates'))
  const H = system.horizon
  let X = X0.clone()
  let total = 0
  let unseen = 0
  const projected: number[][] = []
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < n; j++) total += X.get(i, j) ** 2
    if (h >= 1) {
      const XP = X.mmul(PU)
      for (let i = 0; i < XP.rows; i++) {
        const row = XP.getRow(i)
        for (const v of row) unseen += v * v
        projected.push(row)
      }
    }
    X = X.mmul(M)
  }
  let basis = new Matrix(0, n)
  let dimension = 0
  if (projected.length > 0) {
    const { S, V } = svd(new Matrix(projected))
    const smax = Math.max(S[0] ?? 0, Math.sqrt(total) * 1e-300)
    const keep: number[] = []
    for (let k = 0; k < S.length; k++) if ((S[k] as number) > 1e-9 * Math.sqrt(Math.max(total, 1e-300)) && (S[k] as number) > 1e-12 * smax) keep.push(k)
    dimension = keep.length
    basis = new Matrix(dimension, n)
    keep.forEach((k, r) => { for (let j = 0; j < n; j++) basis.set(r, j, V.get(j, k)) })
  }
  return { value: total > 0 ? unseen / total : 0, dimension, basis }
}

/**
 * The paper's normalized cost measure of extrapolation (used for non-linear systems):
 * E_cost = (J_test(θ) − J*_test) / (J_test(θ_noext) − J*_test), where θ_noext fits the training states
 * without extrapolating and J*_test is the best test cost reached (e.g. by training on the test states).
 * @example costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 5, minimalTestCost: 1 }) // 0.25
 */
export function costExtrapolationError(costs: { testCost: number; noExtrapolationTestCost: number; minimalTestCost: number }): number {
  assertKnownOptions('costExtrapolationError', costs, ['testCost', 'noExtrapolationTestCost', 'minimalTestCost'])
  assertFinite('testCost', costs.testCost)
  assertFinite('noExtrapolationTestCost', costs.noExtrapolationTestCost)
  assertFinite('minimalTestCost', costs.minimalTestCost)
  const gap = costs.noExtrapolationTestCost - costs.minimalTestCost
  if (!(gap > 0)) throw new Error(`noExtrapolationTestCost: expected it above minimalTestCost (${costs.noExtrapolationTestCost} ≤ ${costs.minimalTestCost})`)
  return (costs.testCost - costs.minimalTestCost) / gap
}
