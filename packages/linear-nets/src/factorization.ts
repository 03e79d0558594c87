/**
 * Deep matrix factorization (Arora, Cohen, Hu, Luo 2019): fit W = W_N⋯W₁ to observations of a
 * matrix by minimizing ℓ(W) over the layers, and record how the product's singular values,
 * effective rank and error evolve (the implicit low-rank bias).
 */
import {
  Matrix,
  assertInteger,
  assertKnownOptions,
  assertPositive,
  createOptimizer,
  effectiveRank,
  relativeError,
  resolveRng,
  singularValues,
  toMatrix,
  train,
  type History,
  type MatrixLike,
  type Optimizer,
  type OptimizerSpec,
  type Params,
  type Rng,
} from '@theoryml/core'
import type { StopReason } from '@theoryml/core'
import { fromFlat, toFlat } from './dense'
import { DEFAULT_INIT_SCALE, initDeepLinear, toWeights, type DeepLinearInit } from './deep-linear'
import { DeepLinearKernel } from './kernel'
import { checkShape, sortEntries, toEntryList, type Observation } from './observations'

/** An optimizer by name (with `lr`), a core optimizer spec, or an optimizer instance. */
export type OptimizerChoice = 'gd' | 'momentum' | 'adam' | 'groupRmsprop' | OptimizerSpec | Optimizer

/** Options shared by the deep factorization trainers. */
export interface DeepFactorizationOptions {
  /** Shape [rows, columns] of the matrix (inferred from `target` or the measurements when given). */
  shape?: readonly [number, number]
  /** Depth N ≥ 1 (default 3). */
  depth?: number
  /** Hidden width of every layer (default min(rows, columns): does not constrain the rank). */
  width?: number
  /** Initialization of the layers (default 'gaussian'). */
  init?: DeepLinearInit
  /** Initialization scale (default 1e-3; see initDeepLinear). */
  scale?: number
  /** Explicit initial layers W₁ … W_N (overrides depth, width, init, scale). */
  initialWeights?: readonly MatrixLike[]
  /** 'gd' (default), 'momentum', 'adam', 'groupRmsprop', a spec or an optimizer. */
  optimizer?: OptimizerChoice
  /** Learning rate when `optimizer` is a name (default 1e-2). */
  lr?: number
  /** Number of updates (default 1000). */
  steps?: number
  /** Record a history row every `every` steps (default max(1, steps/100)); first and last always. */
  every?: number
  /** Number of top singular values recorded per row (default 5). */
  topK?: number
  /** Extra history columns computed from the product at each recorded row. */
  record?: Record<string, (product: Matrix, step: number) => number | number[]>
  /** Stop once the loss falls to this value. */
  stopAtLoss?: number
  /** Called at each recorded row (e.g. to draw progress). */
  onProgress?: (step: number, loss: number) => void
  /** Seed or stream for the initialization (default seed 0). */
  rng?: Rng | number
}

/** Options of {@link matrixCompletion}: a target and/or observed entries. */
export interface MatrixCompletionOptions extends DeepFactorizationOptions {
  /** The ground-truth matrix: relError is measured against it; observed values are read from it. */
  target?: MatrixLike
  /** Observed entries [row, col, value] (or [row, col] read from `target`); default: every entry of `target`. */
  observations?: readonly Observation[]
}

/** One linear measurement y = ⟨A, W⟩ = Σ_ij A_ij W_ij. */
export interface Measurement {
  A: MatrixLike
  y: number
}

/** Options of {@link matrixSensing}. */
export interface MatrixSensingOptions extends DeepFactorizationOptions {
  /** Measurements y_i = ⟨A_i, W*⟩. */
  measurements: readonly Measurement[]
  /** The ground truth W*, for relError (default: relative residual of the measurements). */
  target?: MatrixLike
}

/** History of a deep factorization run: one row per recorded step. */
export type FactorizationHistory = History & {
  relError: number[]
  effectiveRank: number[]
  singularValues: number[][]
}

/** What the trainers return. */
export interface DeepFactorizationResult {
  /** The trained layers W₁ … W_N. */
  weights: Matrix[]
  /** Their product W_N⋯W₁. */
  product: Matrix
  history: FactorizationHistory
  /** Number of updates applied. */
  steps: number
  stoppedBy: StopReason
}

const COMMON_KEYS = ['shape', 'depth', 'width', 'init', 'scale', 'initialWeights', 'optimizer', 'lr', 'steps', 'every', 'topK', 'record', 'stopAtLoss', 'onProgress', 'rng'] as const

/**
 * Defaults of the trainers, in one place: depth 3, Gaussian init of scale 1e-3, gradient descent with
 * lr 1e-2, 1000 steps, the top 5 singular values recorded.
 * @example FACTORIZATION_DEFAULTS.depth // 3
 */
export const FACTORIZATION_DEFAULTS = { depth: 3, init: 'gaussian', scale: DEFAULT_INIT_SCALE.gaussian, optimizer: 'gd', lr: 1e-2, steps: 1000, topK: 5 } as const

const OPTIMIZER_NAMES = ['gd', 'momentum', 'adam', 'groupRmsprop'] as const

/** @internal Resolve an optimizer choice. */
export function resolveOptimizer(choice: OptimizerChoice | undefined, lr: number | undefined): Optimizer {
  const c = choice ?? FACTORIZATION_DEFAULTS.optimizer
  if (typeof c === 'string') {
    if (!(OPTIMIZER_NAMES as readonly string[]).includes(c)) throw new Error(`optimizer: expected one of ${OPTIMIZER_NAMES.join(', ')}, a spec or an optimizer, got '${c}'`)
    const rate = lr ?? FACTORIZATION_DEFAULTS.lr
    assertPositive('lr', rate)
    return createOptimizer({ type: c, lr: rate } as OptimizerSpec)
  }
  if (lr !== undefined) throw new Error("lr: give the learning rate inside the optimizer spec, or name the optimizer ('gd', …) and pass lr")
  return createOptimizer(c)
}

/** @internal Initial layers for a [rows, columns] product. */
export function initialLayers(options: DeepFactorizationOptions, shape: readonly [number, number], rng: Rng): Matrix[] {
  if (options.initialWeights !== undefined) {
    const ws = toWeights('initialWeights', options.initialWeights).map((w) => w.clone())
    const rows = (ws[ws.length - 1] as Matrix).rows
    const cols = (ws[0] as Matrix).columns
    if (rows !== shape[0] || cols !== shape[1]) throw new Error(`initialWeights: the product is ${rows}x${cols}, expected ${shape[0]}x${shape[1]}`)
    return ws
  }
  const depth = options.depth ?? FACTORIZATION_DEFAULTS.depth
  assertInteger('depth', depth, { min: 1 })
  const width = options.width ?? Math.min(shape[0], shape[1])
  assertInteger('width', width, { min: 1 })
  const dims = [shape[1], ...Array.from({ length: depth - 1 }, () => width), shape[0]]
  const init = options.init ?? FACTORIZATION_DEFAULTS.init
  return initDeepLinear({ dims, init, scale: options.scale ?? DEFAULT_INIT_SCALE[init] ?? FACTORIZATION_DEFAULTS.scale, rng })
}

/** @internal The training loop shared by completion, sensing and ℓp regression. */
export function runDeepLinear(
  options: DeepFactorizationOptions,
  layers: Matrix[],
  lossAndGrad: (kernel: DeepLinearKernel, ws: Float64Array[], grads: Float64Array[]) => number,
  relErrorOf: ((P: Matrix) => number) | null,
  withSpectrum = true,
): DeepFactorizationResult {
  const steps = options.steps ?? FACTORIZATION_DEFAULTS.steps
  assertInteger('steps', steps, { min: 0 })
  const topK = options.topK ?? FACTORIZATION_DEFAULTS.topK
  assertInteger('topK', topK, { min: 0 })
  if (options.stopAtLoss !== undefined) assertPositive('stopAtLoss', options.stopAtLoss, true)
  const extra = options.record ?? {}
  if (typeof extra !== 'object' || extra === null) throw new Error('record: expected an object of functions (product, step) => number | number[]')
  for (const [k, f] of Object.entries(extra)) if (typeof f !== 'function') throw new Error(`record.${k}: expected a function (product, step) => number | number[]`)
  const optimizer = resolveOptimizer(options.optimizer, options.lr)
  const dims = [(layers[0] as Matrix).columns, ...layers.map((w) => w.rows)]
  const N = layers.length
  const kernel = new DeepLinearKernel(dims)
  const params: Params = {}
  const names = layers.map((_, j) => `W${j + 1}`)
  layers.forEach((w, j) => { params[names[j] as string] = toFlat(w) })
  const ws = names.map((k) => params[k] as Float64Array)
  let gradViews: Float64Array[] = []
  const rowsOut = dims[N] as number
  const colsOut = dims[0] as number
  // The product and its spectrum, computed once per recorded row.
  let cachedStep = -1
  let cachedP = new Matrix(1, 1)
  let cachedS: Float64Array = new Float64Array(0)
  const atRow = (step: number): void => {
    if (step === cachedStep) return
    cachedStep = step
    cachedP = fromFlat(kernel.product(ws), rowsOut, colsOut)
    cachedS = withSpectrum ? singularValues(cachedP) : new Float64Array(0)
  }
  const record: Record<string, (s: { step: number }) => number | number[]> = {}
  if (relErrorOf) record.relError = (s) => { atRow(s.step); return relErrorOf(cachedP) }
  if (withSpectrum) {
    record.effectiveRank = (s) => { atRow(s.step); return effectiveRank(cachedS) }
    record.singularValues = (s) => { atRow(s.step); return Array.from(cachedS.subarray(0, topK)) }
  }
  for (const [k, f] of Object.entries(extra)) record[k] = (s) => { atRow(s.step); return f(cachedP, s.step) }
  const stopAt = options.stopAtLoss
  const result = train({
    params,
    optimizer,
    steps,
    ...(options.every !== undefined ? { every: options.every } : {}),
    lossAndGrad: (_p, g) => {
      if (gradViews.length !== N) gradViews = names.map((k) => g[k] as Float64Array)
      return lossAndGrad(kernel, ws, gradViews)
    },
    record,
    ...(stopAt !== undefined ? { stopWhen: (s: { loss: number }) => s.loss <= stopAt } : {}),
    ...(options.onProgress ? { onStep: (s: { step: number; loss: number }) => options.onProgress?.(s.step, s.loss) } : {}),
  })
  const weights = ws.map((w, j) => fromFlat(w, dims[j + 1] as number, dims[j] as number))
  const product = fromFlat(kernel.product(ws), rowsOut, colsOut)
  return { weights, product, history: result.history as FactorizationHistory, steps: result.steps, stoppedBy: result.stoppedBy }
}

/**
 * Matrix completion by deep matrix factorization (Arora, Cohen, Hu, Luo 2019): minimize
 * ℓ(W_N⋯W₁) = ½ Σ_{(i,j)∈Ω} ((W_N⋯W₁)_ij − b_ij)² over the layers, from a small initialization.
 * The gradient touches the product only at observed entries. History columns: step, loss,
 * relError (‖W − target‖_F/‖target‖_F, or the relative residual on Ω without a target),
 * effectiveRank (Roy & Vetterli), singularValues (top k).
 * @example
 * const target = lowRankMatrix({ shape: [30, 30], rank: 2, rng: 0 })
 * const { product, history } = matrixCompletion({ target, observations: sampleObservations(target, { count: 250 }), depth: 3, optimizer: 'groupRmsprop', lr: 1e-2, steps: 3000 })
 */
export function matrixCompletion(options: MatrixCompletionOptions): DeepFactorizationResult {
  assertKnownOptions('matrixCompletion', options, [...COMMON_KEYS, 'target', 'observations'])
  if (!options || typeof options !== 'object') throw new Error('matrixCompletion: expected an options object')
  if (options.target === undefined && options.observations === undefined) throw new Error('matrixCompletion: expected a target, observations, or both')
  const target = options.target === undefined ? undefined : toMatrix('target', options.target)
  let shape: [number, number]
  if (target) {
    shape = [target.rows, target.columns]
    if (options.shape !== undefined) {
      const s = checkShape('shape', options.shape)
      if (s[0] !== shape[0] || s[1] !== shape[1]) throw new Error(`shape: [${s.join(', ')}] differs from the target's ${shape[0]}x${shape[1]}`)
    }
  } else {
    if (options.shape === undefined) throw new Error('shape: required when no target is given ([rows, columns])')
    shape = checkShape('shape', options.shape)
  }
  let obs
  if (options.observations !== undefined) {
    obs = toEntryList('observations', options.observations, shape, target)
  } else {
    const all: Array<[number, number]> = []
    for (let i = 0; i < shape[0]; i++) for (let j = 0; j < shape[1]; j++) all.push([i, j])
    obs = toEntryList('observations', all, shape, target)
  }
  obs = sortEntries(obs)
  const rng = resolveRng(options.rng)
  const layers = initialLayers(options, shape, rng)
  let bNorm = 0
  for (const v of obs.values) bNorm += v * v
  bNorm = Math.sqrt(bNorm)
  const relErrorOf = target
    ? (P: Matrix) => relativeError(P, target)
    : (P: Matrix) => {
        let s = 0
        for (let k = 0; k < obs.values.length; k++) {
          const d = P.get(obs.rows[k] as number, obs.cols[k] as number) - (obs.values[k] as number)
          s += d * d
        }
        return bNorm === 0 ? Math.sqrt(s) : Math.sqrt(s) / bNorm
      }
  return runDeepLinear(options, layers, (kernel, ws, grads) => kernel.sparseLossAndGrad(ws, grads, obs), relErrorOf)
}

/**
 * Matrix sensing by deep matrix factorization: minimize ℓ(W) = ½ Σ_i (⟨A_i, W⟩ − y_i)² over the
 * layers of W = W_N⋯W₁; ∇ℓ(W) = Σ_i (⟨A_i, W⟩ − y_i) A_i. History as in {@link matrixCompletion}.
 * @example const { product } = matrixSensing({ measurements: [{ A: [[1, 0], [0, 0]], y: 1 }], depth: 2, steps: 100, lr: 0.1 })
 */
export function matrixSensing(options: MatrixSensingOptions): DeepFactorizationResult {
  assertKnownOptions('matrixSensing', options, [...COMMON_KEYS, 'target', 'measurements'])
  if (!options || typeof options !== 'object') throw new Error('matrixSensing: expected an options object')
  const meas = options.measurements
  if (!Array.isArray(meas) || meas.length === 0) throw new Error('measurements: expected a non-empty array of { A, y }')
  const target = options.target === undefined ? undefined : toMatrix('target', options.target)
  const first = meas[0] as Measurement
  if (!first || typeof first !== 'object') throw new Error('measurements[0]: expected { A, y }')
  const A0 = toMatrix('measurements[0].A', first.A)
  const shape: [number, number] = options.shape !== undefined ? checkShape('shape', options.shape) : target ? [target.rows, target.columns] : [A0.rows, A0.columns]
  if (target && (target.rows !== shape[0] || target.columns !== shape[1])) throw new Error(`target: expected ${shape[0]}x${shape[1]}, got ${target.rows}x${target.columns}`)
  const size = shape[0] * shape[1]
  const M = meas.length
  const As = new Float64Array(M * size)
  const ys = new Float64Array(M)
  meas.forEach((m, i) => {
    if (!m || typeof m !== 'object') throw new Error(`measurements[${i}]: expected { A, y }`)
    const A = toMatrix(`measurements[${i}].A`, m.A, { rows: shape[0], columns: shape[1] })
    if (typeof m.y !== 'number' || !Number.isFinite(m.y)) throw new Error(`measurements[${i}].y: expected a finite number, got ${String(m.y)}`)
    toFlat(A, As.subarray(i * size, (i + 1) * size))
    ys[i] = m.y
  })
  const rng = resolveRng(options.rng)
  const layers = initialLayers(options, shape, rng)
  const lossOfProduct = (P: Float64Array, G: Float64Array): number => {
    G.fill(0)
    let loss = 0
    for (let i = 0; i < M; i++) {
      const off = i * size
      let s = 0
      for (let k = 0; k < size; k++) s += (As[off + k] as number) * (P[k] as number)
      const r = s - (ys[i] as number)
      loss += r * r
      for (let k = 0; k < size; k++) G[k] = (G[k] as number) + r * (As[off + k] as number)
    }
    return 0.5 * loss
  }
  let yNorm = 0
  for (const v of ys) yNorm += v * v
  yNorm = Math.sqrt(yNorm)
  const relErrorOf = target
    ? (P: Matrix) => relativeError(P, target)
    : (P: Matrix) => {
        const flat = toFlat(P)
        let s = 0
        for (let i = 0; i < M; i++) {
          let dot = 0
          for (let k = 0; k < size; k++) dot += (As[i * size + k] as number) * (flat[k] as number)
          s += (dot - (ys[i] as number)) ** 2
        }
        return yNorm === 0 ? Math.sqrt(s) : Math.sqrt(s) / yNorm
      }
  return runDeepLinear(options, layers, (kernel, ws, grads) => kernel.denseLossAndGrad(ws, grads, lossOfProduct), relErrorOf)
}
