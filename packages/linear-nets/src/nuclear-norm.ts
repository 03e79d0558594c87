/**
 * The minimum nuclear norm completion, the baseline that deep matrix factorization is compared with
 * (Gunasekar et al. 2017's conjecture; Arora, Cohen, Hu, Luo 2019; Razin & Cohen 2020).
 */
import { Matrix, assertInteger, assertKnownOptions, assertPositive, svd, toMatrix, type MatrixLike, type Observations } from '@theoryml/core'
import { checkShape, sortEntries, toEntryList } from './observations'

/** Options of {@link minNuclearNormCompletion}. */
export interface MinNuclearNormOptions {
  /** Shape [rows, columns] (inferred from `target` when given). */
  shape?: readonly [number, number]
  /** A matrix of the completion's shape (e.g. the ground truth), when `shape` is not given. */
  target?: MatrixLike
  /** ADMM penalty ρ; the singular value threshold is 1/ρ (default: 1/ρ = RMS of the observed values). */
  rho?: number
  /** Stop when ‖X − Z‖_F and the change of Z fall below tol·‖b‖ (default 1e-6). */
  tol?: number
  /** Iteration cap (default 3000). */
  maxIterations?: number
}

/** What {@link minNuclearNormCompletion} returns. */
export interface MinNuclearNormResult {
  /** The completion X (≈ argmin ‖X‖_* s.t. X_ij = b_ij on Ω). */
  completion: Matrix
  /** ‖X‖_*. */
  nuclearNorm: number
  /** Relative violation of the constraints, ‖P_Ω(X) − b‖ / ‖b‖. */
  residual: number
  iterations: number
  converged: boolean
}

/**
 * Minimum nuclear norm completion min ‖X‖_* s.t. X_ij = b_ij for (i, j) ∈ Ω, by ADMM (Douglas–
 * Rachford) on X = Z with Z in the affine set: X ← SVT_{1/ρ}(Z − U), Z ← X + U with Z_Ω = b,
 * U ← U + X − Z, where SVT_τ shrinks every singular value by τ. `observations` as core's
 * `sampleObservations` returns them; the result does not depend on their order.
 * @example
 * const observations = { indices: [[0, 1], [1, 0], [1, 1]], values: Float64Array.of(1, 1, 0) }
 * minNuclearNormCompletion(observations, { shape: [2, 2] }).completion.get(0, 0) // ≈ 0
 */
export function minNuclearNormCompletion(observations: Observations, options: MinNuclearNormOptions = {}): MinNuclearNormResult {
  assertKnownOptions('minNuclearNormCompletion', options, ['shape', 'target', 'rho', 'tol', 'maxIterations'])
  const target = options.target === undefined ? undefined : toMatrix('target', options.target)
  let shape: [number, number]
  if (options.shape !== undefined) shape = checkShape('shape', options.shape)
  else if (target) shape = [target.rows, target.columns]
  else throw new Error('shape: required when no target is given ([rows, columns])')
  const obs = sortEntries(toEntryList('observations', observations, shape))
  const M = obs.values.length
  let b2 = 0
  for (const v of obs.values) b2 += v * v
  const bNorm = Math.sqrt(b2)
  const rms = Math.sqrt(b2 / M)
  const rho = options.rho ?? (rms > 0 ? 1 / rms : 1)
  assertPositive('rho', rho)
  const tol = options.tol ?? 1e-6
  assertPositive('tol', tol)
  const maxIterations = options.maxIterations ?? 3000
  assertInteger('maxIterations', maxIterations, { min: 1 })
  const [m, n] = shape
  const tau = 1 / rho
  let X = new Matrix(m, n)
  const Z = new Matrix(m, n)
  const U = new Matrix(m, n)
  const Zold = new Matrix(m, n)
  const project = (A: Matrix): void => { for (let k = 0; k < M; k++) A.set(obs.rows[k] as number, obs.cols[k] as number, obs.values[k] as number) }
  project(Z)
  let iterations = 0
  let converged = false
  const scale = bNorm > 0 ? bNorm : 1
  for (; iterations < maxIterations && !converged; iterations++) {
    const { U: L, S, V: R } = svd(Z.clone().sub(U))
    const k = S.length
    const Ls = new Matrix(m, k)
    for (let i = 0; i < m; i++) for (let c = 0; c < k; c++) Ls.set(i, c, L.get(i, c) * Math.max((S[c] as number) - tau, 0))
    X = Ls.mmul(R.transpose())
    let primal = 0
    let change = 0
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const z = X.get(i, j) + U.get(i, j)
        Zold.set(i, j, Z.get(i, j))
        Z.set(i, j, z)
      }
    }
    project(Z)
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const d = X.get(i, j) - Z.get(i, j)
        primal += d * d
        change += (Z.get(i, j) - Zold.get(i, j)) ** 2
        U.set(i, j, U.get(i, j) + d)
      }
    }
    // The first pass from Z = P_Ω(b) always moves; test from the second.
    converged = iterations > 0 && Math.sqrt(primal) <= tol * scale && Math.sqrt(change) <= tol * scale
  }
  let res = 0
  for (let k = 0; k < M; k++) res += (X.get(obs.rows[k] as number, obs.cols[k] as number) - (obs.values[k] as number)) ** 2
  const sv = svd(X).S
  let nuc = 0
  for (const s of sv) nuc += s
  return { completion: X, nuclearNorm: nuc, residual: Math.sqrt(res) / scale, iterations, converged }
}
