/**
 * Deep matrix factorization (Arora, Cohen, Hu, Luo 2019): fit W = W_N⋯W₁ to observations of a
 * matrix by minimizing ℓ(W) over the layers, and record how the product's singular values,
 * effective rank and error evolve (the implicit low-rank bias).
 */
import {
  Matrix,
  TRAINER_OPTION_KEYS,
  assertInteger,
  assertKnownOptions,
  effectiveRank,
  relativeError,
  resolveOptimizer,
  resolveRng,
  singularValues,
  toMatrix,
  trainerLoop,
  type History,
  type MatrixLike,
  type Observations,
  type Params,
  type Recorder,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from '@theoryml/core'
import { fromFlat, toFlat } from '@theoryml/core'
import { DEFAULT_INIT_SCALE, initDeepLinear, toWeights, type DeepLinearInit } from './deep-linear'
import { DeepLinearKernel } from './kernel'
import { allEntries, checkShape, sortEntries, toEntryList } from './observations'

/**
 * What `record`, `onStep` and `stopWhen` see in the deep linear trainers ({@link matrixCompletion},
 * {@link matrixSensing}, `lpRegression`), once per step before the update. `layers` and `grad` are
 * the live buffers (copy them to keep them); `weights` and `product` are computed on first read at
 * each step (and cached for the other columns of the same row), so a run that does not read them
 * computes nothing extra.
 */
export interface DeepLinearState extends TrainerState {
  /** The layers W₁ … W_N, row-major (W_j is d_j × d_{j−1}), updated in place by the optimizer. */
  readonly layers: readonly Float64Array[]
  /** ∂loss/∂W_j at `layers`, row-major like `layers`. */
  readonly grad: readonly Float64Array[]
  /** The layers W₁ … W_N as matrices (copies). */
  readonly weights: Matrix[]
  /** The end-to-end matrix W_N ⋯ W₁ (a copy; 1 × d for `lpRegression`). */
  readonly product: Matrix
}

/** Options shared by the deep factorization trainers: the common trainer options plus the net. */
export interface DeepFactorizationOptions extends TrainerOptions<DeepLinearState> {
  /** Shape [rows, columns] of the matrix (inferred from `target` or the measurements when given). */
  shape?: readonly [number, number]
  /** Depth N ≥ 1 (default 3). */
  depth?: number
  /** Hidden width of every layer (default min(rows, columns): does not constrain the rank). */
  width?: number
  /** Initialization scheme of the layers: 'gaussian' (default), 'balanced', 'identity' or 'orthogonal' (see initDeepLinear). */
  init?: DeepLinearInit
  /** Initialization scale (default 1e-3 for 'gaussian' and 'balanced', 1 otherwise; see initDeepLinear). */
  scale?: number
  /** Explicit initial layers W₁ … W_N (the shape of the result's `weights`), instead of depth, width, init and scale. */
  initial?: readonly MatrixLike[]
  /** Number of top singular values recorded per row (default 5). */
  topK?: number
}

/** Options of {@link matrixCompletion}: a target and/or observed entries. */
export interface MatrixCompletionOptions extends DeepFactorizationOptions {
  /** The ground-truth matrix: relError is measured against it (and every entry is observed when `observations` is absent). */
  target?: MatrixLike
  /** Observed entries, as core's `sampleObservations` returns them: `{ indices: [row, column][], values }`. */
  observations?: Observations
}

/** One linear measurement y = ⟨A, W⟩ = Σ_ij A_ij W_ij. */
export interface Measurement {
  /** The measurement matrix, of the shape of W. */
  A: MatrixLike
  /** The measured value. */
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

/** What the deep factorization trainers return. */
export interface DeepFactorizationResult extends TrainerResult {
  /** The trained layers W₁ … W_N. */
  weights: Matrix[]
  /** Their product W_N⋯W₁. */
  product: Matrix
  /** Columns step, loss, relError, effectiveRank, singularValues (top `topK`), then those of `record`. */
  history: FactorizationHistory
}

const NET_KEYS = ['depth', 'width', 'init', 'scale', 'initial'] as const
const COMMON_KEYS = ['shape', ...NET_KEYS, 'topK', ...TRAINER_OPTION_KEYS] as const

/**
 * Defaults of the factorization trainers, in one place: depth 3, Gaussian init of scale 1e-3,
 * gradient descent with lr 1e-2, 1000 steps, the top 5 singular values recorded.
 * @example FACTORIZATION_DEFAULTS.depth // 3
 */
export const FACTORIZATION_DEFAULTS = { depth: 3, init: 'gaussian', scale: DEFAULT_INIT_SCALE.gaussian, optimizer: 'gd', lr: 1e-2, steps: 1000, topK: 5 } as const

const NET_DEFAULTS = { depth: FACTORIZATION_DEFAULTS.depth, init: FACTORIZATION_DEFAULTS.init }

/** @internal The net's defaults: depth, init, and scale (default DEFAULT_INIT_SCALE[init]) and width (default min(rows, columns)) where they differ. */
export interface NetDefaults {
  depth: number
  init: DeepLinearInit
  scale?: number
  width?: number
}

/** @internal Initial layers for a [rows, columns] product: `initial` (validated, copied) or a fresh init. */
export function initialLayers(options: Pick<DeepFactorizationOptions, (typeof NET_KEYS)[number] | 'rng'>, shape: readonly [number, number], defaults: NetDefaults): Matrix[] {
  if (options.initial !== undefined) {
    const clash = NET_KEYS.filter((k) => k !== 'initial' && options[k] !== undefined)
    if (clash.length) throw new Error(`initial: explicit layers fix the net; drop ${clash.map((k) => `'${k}'`).join(', ')} (or drop 'initial')`)
    const ws = toWeights('initial', options.initial).map((w) => w.clone())
    const rows = (ws[ws.length - 1] as Matrix).rows
    const cols = (ws[0] as Matrix).columns
    if (cols !== shape[1]) throw new Error(`initial[0]: expected ${shape[1]} columns, got ${cols}`)
    if (rows !== shape[0]) throw new Error(`initial[${ws.length - 1}]: expected ${shape[0]} rows, got ${rows}`)
    return ws
  }
  if (options.init !== undefined && typeof options.init !== 'string') {
    throw new Error("init: expected a scheme name ('gaussian', 'balanced', 'identity' or 'orthogonal'); give explicit layers as 'initial'")
  }
  const depth = options.depth ?? defaults.depth
  assertInteger('depth', depth, { min: 1 })
  const width = options.width ?? defaults.width ?? Math.min(shape[0], shape[1])
  assertInteger('width', width, { min: 1 })
  const dims = [shape[1], ...Array.from({ length: depth - 1 }, () => width), shape[0]]
  const init = options.init ?? defaults.init
  const scale = options.scale ?? defaults.scale ?? DEFAULT_INIT_SCALE[init]
  return initDeepLinear({ dims, init, ...(scale !== undefined ? { scale } : {}), rng: resolveRng(options.rng) })
}

/** @internal What {@link runDeepLinear} measures beside the loss. */
export interface DeepLinearColumns {
  /** relError of the product, or null for no relError column. */
  relErrorOf: ((P: Matrix) => number) | null
  /** Record effectiveRank and the top `topK` singular values; null: no spectrum columns. */
  topK: number | null
}

/**
 * @internal The training loop shared by completion, sensing and ℓp regression: core's trainerLoop
 * around the allocation-free kernel, with the state of {@link DeepLinearState}.
 */
export function runDeepLinear(
  options: DeepFactorizationOptions,
  layers: Matrix[],
  lossAndGrad: (kernel: DeepLinearKernel, ws: Float64Array[], grads: Float64Array[]) => number,
  columns: DeepLinearColumns,
): { weights: Matrix[]; product: Matrix } & TrainerResult {
  const optimizer = resolveOptimizer(options, { optimizer: FACTORIZATION_DEFAULTS.optimizer, lr: FACTORIZATION_DEFAULTS.lr })
  const dims = [(layers[0] as Matrix).columns, ...layers.map((w) => w.rows)]
  const kernel = new DeepLinearKernel(dims)
  const names = layers.map((_, j) => `W${j + 1}`)
  const params: Params = {}
  const gradParams: Params = {}
  layers.forEach((w, j) => {
    params[names[j] as string] = toFlat(w)
    gradParams[names[j] as string] = new Float64Array(w.rows * w.columns)
  })
  const ws = names.map((k) => params[k] as Float64Array)
  const grads = names.map((k) => gradParams[k] as Float64Array)
  const rowsOut = dims[dims.length - 1] as number
  const colsOut = dims[0] as number
  const productOf = (): Matrix => fromFlat(kernel.product(ws), rowsOut, colsOut)
  const weightsOf = (): Matrix[] => ws.map((w, j) => fromFlat(w, dims[j + 1] as number, dims[j] as number))
  // The product, its spectrum and the weights, computed on first read at each step.
  let productStep = -1
  let product = new Matrix(1, 1)
  let spectrumStep = -1
  let spectrum: Float64Array = new Float64Array(0)
  let weightsStep = -1
  let weights: Matrix[] = []
  const state: DeepLinearState = {
    step: 0,
    loss: NaN,
    layers: ws,
    grad: grads,
    get weights() {
      if (weightsStep !== state.step) {
        weights = weightsOf()
        weightsStep = state.step
      }
      return weights
    },
    get product() {
      if (productStep !== state.step) {
        product = productOf()
        productStep = state.step
      }
      return product
    },
  }
  const spectrumAt = (s: DeepLinearState): Float64Array => {
    if (spectrumStep !== s.step) {
      spectrum = singularValues(s.product)
      spectrumStep = s.step
    }
    return spectrum
  }
  const own: Record<string, Recorder<DeepLinearState>> = {}
  const { relErrorOf, topK } = columns
  if (relErrorOf) own.relError = (s) => relErrorOf(s.product)
  if (topK !== null) {
    own.effectiveRank = (s) => effectiveRank(spectrumAt(s))
    own.singularValues = (s) => spectrumAt(s).subarray(0, topK)
  }
  const loop = trainerLoop<DeepLinearState>(options, { steps: FACTORIZATION_DEFAULTS.steps, columns: own })
  for (; ; state.step++) {
    state.loss = lossAndGrad(kernel, ws, grads)
    if (loop.stop(state)) break
    optimizer.step(params, gradParams)
  }
  return { weights: weightsOf(), product: productOf(), ...loop.result() }
}

/**
 * Matrix completion by deep matrix factorization (Arora, Cohen, Hu, Luo 2019): minimize
 * ℓ(W_N⋯W₁) = ½ Σ_{(i,j)∈Ω} ((W_N⋯W₁)_ij − b_ij)² over the layers, from a small initialization.
 * The gradient touches the product only at observed entries. History columns: step, loss,
 * relError (‖W − target‖_F/‖target‖_F, or the relative residual on Ω without a target),
 * effectiveRank (Roy & Vetterli), singularValues (top `topK`), then the `record` columns, each a
 * function of the {@link DeepLinearState}. Defaults: {@link FACTORIZATION_DEFAULTS}.
 * @example
 * import { sampleObservations } from '@theoryml/core'
 * const target = lowRankMatrix({ shape: [30, 30], rank: 2, rng: 0 })
 * const { product, history } = matrixCompletion({
 *   target, observations: sampleObservations(target, { count: 250, rng: 1 }), depth: 3, optimizer: 'groupRmsprop', lr: 1e-2, steps: 3000,
 *   record: { corner: (s) => s.product.get(0, 0) }, onStep: (s) => console.log(s.step, s.loss),
 * })
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
  const topK = options.topK ?? FACTORIZATION_DEFAULTS.topK
  assertInteger('topK', topK, { min: 0 })
  // Ordered by (row, column): the kernel pairs the entries of a row, and the result does not depend on the order given.
  const obs = sortEntries(options.observations !== undefined ? toEntryList('observations', options.observations, shape) : allEntries(target as Matrix))
  const layers = initialLayers(options, shape, NET_DEFAULTS)
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
  const run = runDeepLinear(options, layers, (kernel, ws, grads) => kernel.sparseLossAndGrad(ws, grads, obs), { relErrorOf, topK })
  return { ...run, history: run.history as FactorizationHistory }
}

/**
 * Matrix sensing by deep matrix factorization: minimize ℓ(W) = ½ Σ_i (⟨A_i, W⟩ − y_i)² over the
 * layers of W = W_N⋯W₁; ∇ℓ(W) = Σ_i (⟨A_i, W⟩ − y_i) A_i. Options, history and result as in
 * {@link matrixCompletion}.
 * @example const { product, stoppedBy } = matrixSensing({ measurements: [{ A: [[1, 0], [0, 0]], y: 1 }], depth: 2, optimizer: 'gd', lr: 0.1, steps: 100, stopAtLoss: 1e-8 })
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
  const topK = options.topK ?? FACTORIZATION_DEFAULTS.topK
  assertInteger('topK', topK, { min: 0 })
  const layers = initialLayers(options, shape, NET_DEFAULTS)
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
  const run = runDeepLinear(options, layers, (kernel, ws, grads) => kernel.denseLossAndGrad(ws, grads, lossOfProduct), { relErrorOf, topK })
  return { ...run, history: run.history as FactorizationHistory }
}
