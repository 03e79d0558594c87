import { Matrix, assertAllocation, assertInteger, assertKnownOptions, assertPositive, resolveRng, toMatrix, type MatrixLike, type Rng } from '@theoryml/core'

/**
 * Which way states multiply the system matrices.
 * - `'row'` (the paper's code): states are row vectors, x_{h+1} = x_h A + u_h B, u_h = x_h K, with
 *   A n×n, B m×n, K n×m.
 * - `'column'` (the control-textbook form): x_{h+1} = A x_h + B u_h, u_h = K x_h, with A n×n, B n×m,
 *   K m×n. It is the row form transposed: A_row = A_colᵀ, B_row = B_colᵀ, K_row = K_colᵀ.
 */
export type Convention = 'row' | 'column'

/**
 * A finite-horizon linear quadratic control problem. Matrices are stored in the row convention
 * (x_{h+1} = x_h A + u_h B, u_h = x_h K); `convention` records how the user passes and receives
 * controllers K (row: n×m; column: m×n, u = K x).
 */
export interface LqrSystem {
  /** State transition, n×n (row convention). */
  readonly A: Matrix
  /** Control matrix, m×n (row convention). */
  readonly B: Matrix
  /** State cost, n×n symmetric PSD. */
  readonly Q: Matrix
  /** Control cost, m×m symmetric PSD. */
  readonly R: Matrix
  /** Horizon H ≥ 1: the cost sums h = 0 … H (H transitions). */
  readonly horizon: number
  /** State dimension n. */
  readonly stateDim: number
  /** Control dimension m. */
  readonly controlDim: number
  /** How controllers are passed in and returned. */
  readonly convention: Convention
}

/** Options of {@link lqrSystem}. */
export interface LqrSystemOptions {
  A: MatrixLike
  B: MatrixLike
  Q?: MatrixLike
  R?: MatrixLike
  /** Number of transitions H (the cost sums h = 0 … H). */
  horizon: number
  /** 'row' (default, the paper's code) or 'column'. */
  convention?: Convention
}

/**
 * Throw unless `M` is symmetric positive semidefinite (within round-off); the error names `name`.
 * Checks symmetry entrywise, then that a Cholesky factorization of M + δI (δ = 1e-9·max|m_ij|) exists.
 * @example assertSymmetricPsd('Q', Matrix.eye(2))
 */
export function assertSymmetricPsd(name: string, M: Matrix): void {
  const n = M.rows
  let scale = 0
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(M.get(i, j)))
  const tol = 1e-10 * Math.max(scale, 1e-300)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(M.get(i, j) - M.get(j, i)) > tol) {
        throw new Error(`${name}: expected a symmetric matrix, entries (${i}, ${j}) and (${j}, ${i}) differ: ${M.get(i, j)} vs ${M.get(j, i)}`)
      }
    }
  }
  if (scale === 0) return
  // Cholesky of M + δI (δ = 1e-9·max|m_ij|) succeeds iff λ_min(M) > −δ (up to round-off): O(n³/3).
  const delta = 1e-9 * scale
  const L = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let d = 0.5 * (M.get(j, j) + M.get(j, j)) + delta
    for (let k = 0; k < j; k++) d -= (L[j * n + k] as number) ** 2
    if (!(d > 0)) throw new Error(`${name}: expected a positive semidefinite matrix, it has a negative eigenvalue (Cholesky pivot ${j} is ${(d - delta).toPrecision(4)})`)
    const ljj = Math.sqrt(d)
    L[j * n + j] = ljj
    for (let i = j + 1; i < n; i++) {
      let v = 0.5 * (M.get(i, j) + M.get(j, i))
      for (let k = 0; k < j; k++) v -= (L[i * n + k] as number) * (L[j * n + k] as number)
      L[i * n + j] = v / ljj
    }
  }
}

/**
 * Build an LQR problem: dynamics, quadratic costs and horizon, validated.
 * Row convention (default, as in the paper's code): x_{h+1} = x_h A + u_h B, u_h = x_h K,
 * cost J(K; x₀) = Σ_{h=0}^{H} x_h Q x_hᵀ + u_h R u_hᵀ. Column convention: x_{h+1} = A x_h + B u_h,
 * u_h = K x_h (stored transposed). Q defaults to I_n, R to 0_m.
 * @example const sys = lqrSystem({ A: [[1, 1], [0, 1]], B: [[0, 1]], horizon: 5 }) // n = 2, m = 1
 */
export function lqrSystem(options: LqrSystemOptions): LqrSystem {
  assertKnownOptions('lqrSystem', options, ['A', 'B', 'Q', 'R', 'horizon', 'convention'])
  if (!options || typeof options !== 'object') throw new Error('lqrSystem: expected an options object { A, B, Q, R, horizon }')
  const convention = options.convention ?? 'row'
  if (convention !== 'row' && convention !== 'column') throw new Error(`convention: expected 'row' or 'column', got '${String(convention)}'`)
  const A0 = toMatrix('A', options.A, { square: true })
  const n = A0.rows
  const B0 = toMatrix('B', options.B)
  let A: Matrix
  let B: Matrix
  if (convention === 'row') {
    if (B0.columns !== n) throw new Error(`B: expected ${n} columns (row convention: B is m×n, x_{h+1} = x_h A + u_h B), got ${B0.rows}x${B0.columns}`)
    A = A0
    B = B0
  } else {
    if (B0.rows !== n) throw new Error(`B: expected ${n} rows like A (column convention: B is n×m), got ${B0.rows}x${B0.columns}`)
    A = A0.transpose()
    B = B0.transpose()
  }
  const m = B.rows
  const Q = options.Q === undefined ? identityB(n, n) : toMatrix('Q', options.Q, { rows: n, columns: n })
  const R = options.R === undefined ? new Matrix(m, m) : toMatrix('R', options.R, { rows: m, columns: m })
  assertSymmetricPsd('Q', Q)
  assertSymmetricPsd('R', R)
  assertInteger('horizon', options.horizon, { min: 1 })
  return Object.freeze({ A: A.clone(), B: B.clone(), Q: Q.clone(), R: R.clone(), horizon: options.horizon, stateDim: n, controlDim: m, convention })
}

/** Throw unless `system` looks like the result of {@link lqrSystem}. */
export function assertSystem(system: unknown): asserts system is LqrSystem {
  const s = system as LqrSystem | undefined
  if (!s || typeof s !== 'object' || !Matrix.isMatrix(s.A) || !Matrix.isMatrix(s.B) || typeof s.horizon !== 'number') {
    throw new Error('system: expected an LQR system from lqrSystem({ A, B, Q, R, horizon })')
  }
}

/**
 * A controller argument in the system's convention, converted to the row form (n×m, u = x K).
 * @example controllerToRow(sys, [[0], [0]]) // 2×1 zero matrix
 */
export function controllerToRow(system: LqrSystem, K: MatrixLike, name = 'K'): Matrix {
  assertSystem(system)
  const n = system.stateDim
  const m = system.controlDim
  if (system.convention === 'row') return toMatrix(name, K, { rows: n, columns: m })
  return toMatrix(name, K, { rows: m, columns: n }).transpose()
}

/**
 * A row-form controller (n×m) returned in the system's convention.
 * @example controllerFromRow(sys, K)
 */
export function controllerFromRow(system: LqrSystem, Krow: Matrix): Matrix {
  return system.convention === 'row' ? Krow.clone() : Krow.transpose()
}

/**
 * Initial states (one per row, n columns) as a validated matrix; a single vector is one state.
 * @example toStates(sys, [[1, 0], [0, 1]]).rows // 2
 */
export function toStates(system: LqrSystem, states: MatrixLike | readonly number[], name = 'initialStates'): Matrix {
  const n = system.stateDim
  if (Array.isArray(states) && states.length > 0 && typeof states[0] === 'number') {
    return toMatrix(name, [states as number[]], { columns: n })
  }
  const X = toMatrix(name, states)
  if (X.columns !== n) throw new Error(`${name}: expected states with ${n} entries (one state per row), got ${X.rows}x${X.columns}`)
  return X
}

interface StandardOptions {
  /** Horizon H (default 5, the paper's). */
  horizon?: number
  /** Control dimension m (default n; B = I_{m×n} in the row convention). */
  controlDim?: number
}

function identityB(m: number, n: number): Matrix {
  const B = new Matrix(m, n)
  for (let i = 0; i < Math.min(m, n); i++) B.set(i, i, 1)
  return B
}

/**
 * The identity system of the paper (no exploration): A = I, B = I, Q = I, R = 0. From a training
 * state the uncontrolled system never leaves its span, so policy gradient cannot extrapolate.
 * @example identitySystem(5).A // I₅
 */
export function identitySystem(n: number, options: StandardOptions = {}): LqrSystem {
  assertInteger('n', n, { min: 1 })
  assertKnownOptions('identitySystem', options, ['horizon', 'controlDim'])
  const m = options.controlDim ?? n
  assertInteger('controlDim', m, { min: 1 })
  return lqrSystem({ A: identityB(n, n), B: identityB(m, n), Q: identityB(n, n), R: new Matrix(m, m), horizon: options.horizon ?? 5 })
}

/**
 * The shift system of the paper (strong exploration): e_i A = e_{i+1} (cyclically), i.e.
 * A_{i, i+1 mod n} = 1, B = I, Q = I, R = 0. From e₁ the system visits e₂, e₃, … in turn.
 * @example shiftSystem(3).A // [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
 */
export function shiftSystem(n: number, options: StandardOptions = {}): LqrSystem {
  assertInteger('n', n, { min: 1 })
  assertKnownOptions('shiftSystem', options, ['horizon', 'controlDim'])
  const m = options.controlDim ?? n
  assertInteger('controlDim', m, { min: 1 })
  const A = new Matrix(n, n)
  for (let i = 0; i < n; i++) A.set(i, (i + 1) % n, 1)
  return lqrSystem({ A, B: identityB(m, n), Q: identityB(n, n), R: new Matrix(m, m), horizon: options.horizon ?? 5 })
}

/** Options of {@link randomSystem}. */
export interface RandomSystemOptions {
  /** Horizon H (default 5). */
  horizon?: number
  /** Standard deviation of A's entries (default 1/√n, the paper's). */
  std?: number
  /** Draw B Gaussian with the same std instead of B = I_{m×n} (default false, the paper's 'random'). */
  randomB?: boolean
}

/**
 * The paper's random system: A_ij ~ N(0, 1/n), B = I_{m×n}, Q = I, R = 0 (row convention).
 * With `randomB` B is Gaussian too.
 * @example randomSystem(5, 5, createRng(0)).A.rows // 5
 */
export function randomSystem(n: number, m: number, rng: Rng | number = 0, options: RandomSystemOptions = {}): LqrSystem {
  assertInteger('n', n, { min: 1 })
  assertInteger('m', m, { min: 1 })
  assertAllocation('n', n * n, 8)
  assertAllocation('m', m * n, 8)
  assertKnownOptions('randomSystem', options, ['horizon', 'std', 'randomB'])
  const r = resolveRng(rng)
  const std = options.std ?? 1 / Math.sqrt(n)
  assertPositive('std', std)
  const A = new Matrix(n, n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, r.normal(0, std))
  let B: Matrix
  if (options.randomB) {
    B = new Matrix(m, n)
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) B.set(i, j, r.normal(0, std))
  } else {
    B = identityB(m, n)
  }
  return lqrSystem({ A, B, Q: identityB(n, n), R: new Matrix(m, m), horizon: options.horizon ?? 5 })
}

/**
 * The standard basis vectors e_{from+1} … e_{to} of ℝⁿ as rows (0-based `from`, exclusive `to`).
 * @example basisStates(5, 0, 2) // [[1,0,0,0,0],[0,1,0,0,0]]
 */
export function basisStates(n: number, from: number, to: number): Matrix {
  assertInteger('n', n, { min: 1 })
  assertInteger('from', from, { min: 0, max: n })
  assertInteger('to', to, { min: from, max: n })
  const X = new Matrix(Math.max(to - from, 0), n)
  for (let i = from; i < to; i++) X.set(i - from, i, 1)
  return X
}
