/**
 * Tensor completion with a CP factorization trained by gradient descent (Razin, Maman, Cohen 2021):
 * minimize the mean squared error over the observed entries, from a small random initialization.
 */
import { assertInteger, assertKnownOptions, assertPositive, fromFlat, packObservations, resolveRng, TRAINER_OPTION_KEYS, type Matrix, type MatrixLike, type NdArray } from '@theoryml/core'
import type { Observations, PackedObservations, Recorder, TrainerOptions, TrainerResult, TrainerState } from '@theoryml/core'
import { checkFactors, checkShapeArg, componentNormsFromFlats, cpTensorFromFlats } from './cp'
import { completionProblem, runCompletion, topK } from './completion'

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
 * The CP completion loss and its closed-form gradient at given factors (see {@link CpObjective}):
 * L = (1/|Ω|) Σ_{ω∈Ω} (Σ_r Π_n A^n[ω_n, r] − y_ω)², grad[n] = ∂L/∂A^n (d_n × R).
 * @example const { loss, grad } = cpCompletionLossAndGrad(factors, observations) // grad[n]: d_n × R
 */
export function cpCompletionLossAndGrad(factors: readonly MatrixLike[], observations: Observations): { loss: number; grad: Matrix[] } {
  const { flats, shape, rank } = checkFactors('factors', factors)
  const obs = packObservations(shape, observations)
  const grads = flats.map((f) => new Float64Array(f.length))
  const loss = new CpObjective(shape, rank, obs).evaluate(flats, grads)
  return { loss, grad: grads.map((g, n) => fromFlat(g, shape[n] as number, rank)) }
}

/** What `record`, `onStep` and `stopWhen` see in {@link cpCompletion} (the matrices and norms are computed on access). */
export interface CpCompletionState extends TrainerState {
  /** The current factor matrices A^n (d_n × R), copies. */
  readonly factors: Matrix[]
  /** ∂L/∂A^n at `factors` (d_n × R), copies. */
  readonly grad: Matrix[]
  /** The component norms Π_n ‖A^n[:, r]‖, r = 1 … R, in component order. */
  readonly componentNorms: Float64Array
  /** ‖Ŵ − target‖_F / ‖target‖_F; present only when `target` was given. */
  readonly relError?: number
}

/** Options of {@link cpCompletion}: the common trainer options plus the problem and the initialization. */
export interface CpCompletionOptions extends TrainerOptions<CpCompletionState> {
  /** Shape (d_1, …, d_N) of the tensor to complete. */
  shape: readonly number[]
  /** The observed entries Ω and their values (e.g. from core's `sampleObservations`). */
  observations: Observations
  /** Number of components R of the factorization. */
  rank: number
  /** The initialization scheme: 'gaussian', A^n entries i.i.d. N(0, initStd²) drawn from `rng` (default). */
  init?: 'gaussian'
  /** Standard deviation of the 'gaussian' initialization (default 1e-3). */
  initStd?: number
  /** Explicit initial factors (d_n × R), copied; instead of `init`/`initStd`. */
  initial?: readonly MatrixLike[]
  /** How many of the largest component norms the `componentNorms` history column keeps, descending (default 10; 0: no column). */
  topK?: number
  /** The full ground-truth tensor: adds the history column relError = ‖Ŵ − target‖_F / ‖target‖_F. */
  target?: NdArray
}

/** What {@link cpCompletion} returns. */
export interface CpCompletionResult extends TrainerResult {
  /** The learned factor matrices A^n (d_n × R). */
  factors: Matrix[]
}

/**
 * The defaults of {@link cpCompletion}: init 'gaussian' with std 1e-3 (a small initialization),
 * GroupRMSprop with lr 1e-2 (the 2021 paper's optimizer), up to 10000 steps, the top 10 component
 * norms recorded, seed 0; a history row every max(1, ⌊steps/100⌋) steps.
 */
export const CP_COMPLETION_DEFAULTS = { init: 'gaussian', initStd: 1e-3, optimizer: 'groupRmsprop', lr: 1e-2, steps: 10000, topK: 10, rng: 0 } as const

const CP_COMPLETION_KEYS = ['shape', 'observations', 'rank', 'init', 'initStd', 'initial', 'topK', 'target', ...TRAINER_OPTION_KEYS]

/**
 * Tensor completion by gradient descent over a CP factorization (Razin, Maman, Cohen 2021):
 * min (1/|Ω|) Σ_{ω∈Ω} (Σ_r Π_n A^n[ω_n, r] − y_ω)² from A^n ~ N(0, initStd²), with closed-form
 * gradients. Small initialization makes component norms Π_n ‖A^n[:, r]‖ leave zero one at a time
 * (incremental rank learning), so the learned tensor tends to low CP rank. History columns: step,
 * loss, componentNorms (the top `topK`, descending), relError (with a `target`), then `record`'s.
 * Defaults: {@link CP_COMPLETION_DEFAULTS}.
 * @example
 * const observations = sampleObservations(target, { count: 300, rng: 0 }) // from @theoryml/core
 * const { factors, history, stoppedBy } = cpCompletion({ shape: [8, 8, 8], observations, rank: 20, initStd: 1e-3, steps: 3000, topK: 5, target })
 */
export function cpCompletion(options: CpCompletionOptions): CpCompletionResult {
  assertKnownOptions('cpCompletion', options, CP_COMPLETION_KEYS)
  const D = CP_COMPLETION_DEFAULTS
  const shape = checkShapeArg(options.shape)
  assertInteger('rank', options.rank, { min: 1 })
  const R = options.rank
  const problem = completionProblem(options, shape, D)
  const N = shape.length
  let flats: Float64Array[]
  if (options.initial !== undefined) {
    if (options.init !== undefined || options.initStd !== undefined) throw new Error('initial: give explicit factors (initial) or a random scheme (init, initStd), not both')
    const initial = checkFactors('initial', options.initial)
    if (initial.rank !== R || initial.shape.length !== N || initial.shape.some((d, n) => d !== shape[n])) {
      throw new Error(`initial: expected ${N} factors of shapes ${shape.map((d) => `${d}×${R}`).join(', ')}`)
    }
    flats = initial.flats
  } else {
    const init = options.init ?? D.init
    if (init !== 'gaussian') throw new Error(`init: expected 'gaussian' (entries i.i.d. N(0, initStd²)), got ${JSON.stringify(init)}; give explicit factors as \`initial\``)
    const initStd = options.initStd ?? D.initStd
    assertPositive('initStd', initStd)
    const rng = resolveRng(options.rng ?? D.rng)
    flats = shape.map((d) => rng.fillNormal(new Float64Array(d * R), initStd))
  }
  const grads = flats.map((f) => new Float64Array(f.length))
  const objective = new CpObjective(shape, R, problem.obs)
  const norms = new Float64Array(R)
  const k = problem.topK
  const columns: Record<string, Recorder<CpCompletionState>> = {}
  if (k > 0) columns.componentNorms = () => topK(componentNormsFromFlats(flats, shape, R, undefined, norms), k)
  const state = {
    step: 0,
    loss: NaN,
    get factors() {
      return flats.map((f, n) => fromFlat(f, shape[n] as number, R))
    },
    get grad() {
      return grads.map((g, n) => fromFlat(g, shape[n] as number, R))
    },
    get componentNorms() {
      return componentNormsFromFlats(flats, shape, R)
    },
  } as CpCompletionState
  const evaluate = (): number => objective.evaluate(flats, grads)
  const tensor = (): NdArray => cpTensorFromFlats(flats, shape, R)
  const result = runCompletion(options, problem, { state, flats, grads, prefix: 'A', evaluate, tensor, columns, defaultSteps: D.steps })
  return { factors: flats.map((f, n) => fromFlat(f, shape[n] as number, R)), ...result }
}
