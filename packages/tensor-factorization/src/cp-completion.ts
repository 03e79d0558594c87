/**
 * Tensor completion with a CP factorization trained by gradient descent (Razin, Maman, Cohen 2021):
 * minimize the mean squared error over the observed entries, from a small random initialization.
 */
import { assertInteger, assertKnownOptions, assertPositive, relativeError, resolveRng, train, type History, type Matrix, type MatrixLike, type NdArray, type Params, type Rng } from '@theoryml/core'
import type { StopReason } from '@theoryml/core'
import { checkFactors, checkShapeArg, componentNormsFromFlats, cpTensorFromFlats } from './cp'
import { packObservations, resolveOptimizer, topK, type Observations, type OptimizerChoice, type PackedObservations } from './observations'
import { checkTensor, fromFlat } from './tensor'

/**
 * The CP completion objective with closed-form gradients, buffers allocated once.
 *
 * L(A¹, …, A^N) = (1/|Ω|) Σ_{ω∈Ω} (Ŵ_ω − y_ω)², Ŵ_ω = Σ_r Π_n A^n[ω_n, r];
 * ∂L/∂A^n[i, r] = (2/|Ω|) Σ_{ω: ω_n = i} (Ŵ_ω − y_ω) Π_{k≠n} A^k[ω_k, r]
 * (the leave-one-out products by prefix/suffix products, no division).
 */
export class CpObjective {
  readonly rank: number
  readonly shape: readonly number[]
  private readonly obs: PackedObservations
  private readonly pre: Float64Array
  private readonly suf: Float64Array
  private readonly A: Float64Array[]
  private readonly G: Float64Array[]

  constructor(shape: readonly number[], rank: number, observations: PackedObservations) {
    this.shape = shape
    this.rank = rank
    this.obs = observations
    this.pre = new Float64Array(shape.length * rank)
    this.suf = new Float64Array(rank)
    this.A = new Array<Float64Array>(shape.length)
    this.G = new Array<Float64Array>(shape.length)
  }

  /** Loss at `factors` (row-major d_n × R); writes the gradients into `grads` (same layout). */
  evaluate(factors: readonly Float64Array[], grads: readonly Float64Array[]): number {
    const N = this.shape.length
    const R = this.rank
    const { count: m, index, values } = this.obs
    const A = this.A
    const G = this.G
    for (let n = 0; n < N; n++) {
      A[n] = factors[n] as Float64Array
      G[n] = grads[n] as Float64Array
      ;(G[n] as Float64Array).fill(0)
    }
    const pre = this.pre
    const suf = this.suf
    const scale = 2 / m
    let loss = 0
    const A0 = A[0] as Float64Array
    const G0 = G[0] as Float64Array
    if (N === 3) return this.evaluate3(A0, A[1] as Float64Array, A[2] as Float64Array, G0, G[1] as Float64Array, G[2] as Float64Array)
    if (N === 4) return this.evaluate4(A0, A[1] as Float64Array, A[2] as Float64Array, A[3] as Float64Array, G0, G[1] as Float64Array, G[2] as Float64Array, G[3] as Float64Array)
    for (let j = 0; j < m; j++) {
      const base = j * N
      const o0 = (index[base] as number) * R
      for (let r = 0; r < R; r++) pre[r] = A0[o0 + r] as number
      for (let n = 1; n < N; n++) {
        const An = A[n] as Float64Array
        const on = (index[base + n] as number) * R
        const p = (n - 1) * R
        const q = n * R
        for (let r = 0; r < R; r++) pre[q + r] = (pre[p + r] as number) * (An[on + r] as number)
      }
      let pred = 0
      const last = (N - 1) * R
      for (let r = 0; r < R; r++) pred += pre[last + r] as number
      const res = pred - (values[j] as number)
      loss += res * res
      const c = scale * res
      suf.fill(c)
      for (let n = N - 1; n >= 1; n--) {
        const An = A[n] as Float64Array
        const Gn = G[n] as Float64Array
        const on = (index[base + n] as number) * R
        const p = (n - 1) * R
        for (let r = 0; r < R; r++) {
          const s = suf[r] as number
          Gn[on + r] = (Gn[on + r] as number) + (pre[p + r] as number) * s
          suf[r] = s * (An[on + r] as number)
        }
      }
      for (let r = 0; r < R; r++) G0[o0 + r] = (G0[o0 + r] as number) + (suf[r] as number)
    }
    return loss / m
  }

  /** Order 3, unrolled: the same formulas without the prefix buffers. */
  private evaluate3(A0: Float64Array, A1: Float64Array, A2: Float64Array, G0: Float64Array, G1: Float64Array, G2: Float64Array): number {
    const R = this.rank
    const { count: m, index, values } = this.obs
    const scale = 2 / m
    let loss = 0
    for (let j = 0; j < m; j++) {
      const o0 = (index[3 * j] as number) * R
      const o1 = (index[3 * j + 1] as number) * R
      const o2 = (index[3 * j + 2] as number) * R
      let pred = 0
      for (let r = 0; r < R; r++) pred += (A0[o0 + r] as number) * (A1[o1 + r] as number) * (A2[o2 + r] as number)
      const res = pred - (values[j] as number)
      loss += res * res
      const c = scale * res
      for (let r = 0; r < R; r++) {
        const x0 = A0[o0 + r] as number
        const x1 = A1[o1 + r] as number
        const x2 = A2[o2 + r] as number
        G0[o0 + r] = (G0[o0 + r] as number) + c * x1 * x2
        G1[o1 + r] = (G1[o1 + r] as number) + c * x0 * x2
        G2[o2 + r] = (G2[o2 + r] as number) + c * x0 * x1
      }
    }
    return loss / m
  }

  /** Order 4, unrolled. */
  private evaluate4(A0: Float64Array, A1: Float64Array, A2: Float64Array, A3: Float64Array, G0: Float64Array, G1: Float64Array, G2: Float64Array, G3: Float64Array): number {
    const R = this.rank
    const { count: m, index, values } = this.obs
    const scale = 2 / m
    let loss = 0
    for (let j = 0; j < m; j++) {
      const o0 = (index[4 * j] as number) * R
      const o1 = (index[4 * j + 1] as number) * R
      const o2 = (index[4 * j + 2] as number) * R
      const o3 = (index[4 * j + 3] as number) * R
      let pred = 0
      for (let r = 0; r < R; r++) pred += (A0[o0 + r] as number) * (A1[o1 + r] as number) * (A2[o2 + r] as number) * (A3[o3 + r] as number)
      const res = pred - (values[j] as number)
      loss += res * res
      const c = scale * res
      for (let r = 0; r < R; r++) {
        const x0 = A0[o0 + r] as number
        const x1 = A1[o1 + r] as number
        const x2 = A2[o2 + r] as number
        const x3 = A3[o3 + r] as number
        const c01 = c * x0 * x1
        const c23 = c * x2 * x3
        G0[o0 + r] = (G0[o0 + r] as number) + c23 * x1
        G1[o1 + r] = (G1[o1 + r] as number) + c23 * x0
        G2[o2 + r] = (G2[o2 + r] as number) + c01 * x3
        G3[o3 + r] = (G3[o3 + r] as number) + c01 * x2
      }
    }
    return loss / m
  }
}

/**
 * The CP completion loss and its closed-form gradients at given factors (see {@link CpObjective}).
 * @example const { loss, gradients } = cpCompletionGradient(factors, observations)
 */
export function cpCompletionGradient(factors: readonly MatrixLike[], observations: Observations): { loss: number; gradients: Matrix[] } {
  const { flats, shape, rank } = checkFactors('factors', factors)
  const obs = packObservations(shape, observations)
  const grads = flats.map((f) => new Float64Array(f.length))
  const loss = new CpObjective(shape, rank, obs).evaluate(flats, grads)
  return { loss, gradients: grads.map((g, n) => fromFlat(g, shape[n] as number, rank)) }
}

/** Options of {@link cpCompletion}. */
export interface CpCompletionOptions {
  /** Shape (d_1, …, d_N) of the tensor to complete. */
  shape: readonly number[]
  /** The observed entries Ω and their values. */
  observations: Observations
  /** Number of components R of the factorization. */
  rank: number
  /** Standard deviation of the i.i.d. Gaussian initialization (default 1e-3). */
  initStd?: number
  /** Initial factors (d_n × R) instead of the random initialization. */
  init?: readonly MatrixLike[]
  /** 'gd' | 'momentum' | 'adam' | 'groupRmsprop' (with `lr`), a spec, or an optimizer (default 'groupRmsprop'). */
  optimizer?: OptimizerChoice
  /** Learning rate when `optimizer` is a name (default 1e-2). */
  lr?: number
  /** Maximum number of steps (default 10000). */
  steps?: number
  /** Stop once the loss is at most this (default 0: run all steps). */
  stopAtLoss?: number
  /** What to record: every `every` steps (default steps/100) the top `topK` component norms (default 10). */
  record?: { every?: number; topK?: number }
  /** The full ground-truth tensor, to record relError = ‖Ŵ − target‖_F / ‖target‖_F. */
  target?: NdArray
  /** Seed or stream of the initialization (default 0). */
  rng?: Rng | number
  /** Aborts between steps. */
  signal?: AbortSignal
}

/** What {@link cpCompletion} returns. */
export interface CpCompletionResult {
  /** The learned factor matrices A^n (d_n × R). */
  factors: Matrix[]
  /** Columns `step`, `loss`, `componentNorms` (top k, descending) and, with a target, `relError`. */
  history: History
  /** Steps taken. */
  steps: number
  /** Why training stopped. */
  stoppedBy: StopReason
}

const DEFAULTS = { initStd: 1e-3, optimizer: 'groupRmsprop' as OptimizerChoice, lr: 1e-2, steps: 10000, stopAtLoss: 0, topK: 10 }

/**
 * Tensor completion by gradient descent over a CP factorization (Razin, Maman, Cohen 2021):
 * min (1/|Ω|) Σ_{ω∈Ω} (Σ_r Π_n A^n[ω_n, r] − y_ω)² from A^n ~ N(0, initStd²), with closed-form
 * gradients. Small initialization makes component norms Π_n ‖A^n[:, r]‖ leave zero one at a time
 * (incremental rank learning), so the learned tensor tends to low CP rank.
 * @example
 * const { factors, history } = cpCompletion({ shape: [8, 8, 8], observations: sampleObservations(target, 300, 0), rank: 20, steps: 3000, target })
 */
export function cpCompletion(options: CpCompletionOptions): CpCompletionResult {
  assertKnownOptions('cpCompletion', options, ['shape', 'observations', 'rank', 'initStd', 'init', 'optimizer', 'lr', 'steps', 'stopAtLoss', 'record', 'target', 'rng', 'signal'])
  const shape = checkShapeArg(options.shape)
  assertInteger('rank', options.rank, { min: 1 })
  const R = options.rank
  const obs = packObservations(shape, options.observations)
  const initStd = options.initStd ?? DEFAULTS.initStd
  assertPositive('initStd', initStd)
  const steps = options.steps ?? DEFAULTS.steps
  assertInteger('steps', steps, { min: 0 })
  const stopAtLoss = options.stopAtLoss ?? DEFAULTS.stopAtLoss
  assertPositive('stopAtLoss', stopAtLoss, true)
  assertKnownOptions('record', options.record, ['every', 'topK'])
  const k = options.record?.topK ?? DEFAULTS.topK
  assertInteger('record.topK', k, { min: 1 })
  const every = options.record?.every ?? Math.max(1, Math.floor(steps / 100))
  assertInteger('record.every', every, { min: 1 })
  const target = options.target === undefined ? undefined : checkTensor('target', options.target)
  if (target && (target.shape.length !== shape.length || target.shape.some((d, n) => d !== shape[n]))) {
    throw new Error(`target: expected shape [${shape.join(', ')}], got [${target.shape.join(', ')}]`)
  }
  const optimizer = resolveOptimizer(options.optimizer ?? DEFAULTS.optimizer, options.lr ?? DEFAULTS.lr)
  const N = shape.length
  let flats: Float64Array[]
  if (options.init !== undefined) {
    const init = checkFactors('init', options.init)
    if (init.rank !== R || init.shape.some((d, n) => d !== shape[n]) || init.shape.length !== N) {
      throw new Error(`init: expected ${N} factors of shapes ${shape.map((d) => `${d}×${R}`).join(', ')}`)
    }
    flats = init.flats
  } else {
    const rng = resolveRng(options.rng ?? 0)
    flats = shape.map((d) => rng.fillNormal(new Float64Array(d * R), initStd))
  }
  const params: Params = {}
  flats.forEach((f, n) => (params[`A${n}`] = f))
  const keys = flats.map((_, n) => `A${n}`)
  const objective = new CpObjective(shape, R, obs)
  const fs = new Array<Float64Array>(N)
  const gs = new Array<Float64Array>(N)
  const norms = new Float64Array(R)
  const record: Record<string, (s: { params: Params }) => number | number[]> = {
    componentNorms: (s) => topK(componentNormsFromFlats(keys.map((key) => s.params[key] as Float64Array), shape, R, undefined, norms), k),
  }
  if (target) record.relError = (s) => relativeError(cpTensorFromFlats(keys.map((key) => s.params[key] as Float64Array), shape, R), target)
  const result = train({
    params,
    optimizer,
    steps,
    every,
    record,
    lossAndGrad: (p, g) => {
      for (let n = 0; n < N; n++) {
        fs[n] = p[keys[n] as string] as Float64Array
        gs[n] = g[keys[n] as string] as Float64Array
      }
      return objective.evaluate(fs, gs)
    },
    ...(stopAtLoss > 0 ? { stopWhen: (s: { loss: number }) => s.loss <= stopAtLoss } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  return {
    factors: keys.map((key, n) => fromFlat(params[key] as Float64Array, shape[n] as number, R)),
    history: result.history,
    steps: result.steps,
    stoppedBy: result.stoppedBy,
  }
}
