import { assertInteger, assertKnownOptions, assertPositive, dmath, type Optimizer, type Recorder, resolveOptimizer, resolveRng, type Rng, TRAINER_OPTION_KEYS, type TrainerOptions, type TrainerResult, type TrainerState } from '@theoryml/core'
import type { SequenceDataset } from './data'
import { assertDataset, ssmObjective, type SsmGrad } from './gradient'
import { effectiveRankOfA, impulseErrorOf } from './metrics'
import { fitThenExtraLoop } from './protocol'
import { assertSsm, diagonalSsm, impulseInto, type DiagonalSsm } from './ssm'

/** Which of A, B, C gradient descent updates. */
export type Trainable = 'a' | 'b' | 'c'

/** The student initialization schemes of {@link studentInit}, by name. */
export type StudentInitScheme = 'normal' | 'uniform'

/**
 * The defaults of {@link trainSsm}: the paper code's adaptive normalized step (core's `adaptiveGd`)
 * with base rate 0.01, at most 10 000 updates, A, B, C all trained, a student drawn by
 * `studentInit({ distribution: 'normal', std: 0.01 })` when no `initial` one is given, and the
 * extrapolation error recorded over a horizon of 40.
 */
export const TRAIN_SSM_DEFAULTS = {
  optimizer: 'adaptiveGd',
  lr: 0.01,
  steps: 10_000,
  trainable: ['a', 'b', 'c'],
  init: 'normal',
  initStd: 0.01,
  extraSteps: 0,
  extrapolationLength: 40,
} as const satisfies Partial<TrainSsmOptions>

/** What `record`, `onStep` and `stopWhen` receive in {@link trainSsm}. */
export interface TrainSsmState extends TrainerState {
  /** The student being trained: a, b, c are the live training buffers (copy them to keep a snapshot). */
  student: DiagonalSsm
  /** ∂ℓ/∂p at `student` for the trained parameters p (the others are absent). */
  grad: Partial<SsmGrad>
  /** The optimizer taking the steps. */
  optimizer: Optimizer
  /** Whether the loss has reached `stopAtLoss` (the `extraSteps` then run). */
  fitted: boolean
}

/**
 * Options of {@link trainSsm}: core's trainer options (optimizer, lr, steps, every, record, onStep,
 * stopAtLoss, stopWhen, signal, rng) plus the data and the student. Defaults: {@link TRAIN_SSM_DEFAULTS}.
 */
export interface TrainSsmOptions extends TrainerOptions<TrainSsmState> {
  /** Training set from `dataset({ teacher, sequences })`. */
  data: SequenceDataset
  /** The initial student, explicitly (copied), e.g. `studentInit({ …, unitBC: true })`; else one is drawn by `init`. */
  initial?: DiagonalSsm
  /** Scheme of the student drawn when no `initial` is given: `studentInit`'s distribution 'normal' (default) or 'uniform'. */
  init?: StudentInitScheme
  /** State dimension d of the student drawn by `init` (required without `initial`). */
  dim?: number
  /** Scale of the student drawn by `init` (default 0.01). */
  initStd?: number
  /** Parameters to train (default ['a', 'b', 'c']; Theorem 1 trains ['a'] with B = C = 1 fixed). */
  trainable?: readonly Trainable[]
  /** Updates to continue after the loss reaches `stopAtLoss`, as the paper does (default 0; needs `stopAtLoss`). */
  extraSteps?: number
  /** Horizon of the recorded extrapolation error (default 40). */
  extrapolationLength?: number
}

/** What {@link trainSsm} returns: the trained student, core's history, steps and stoppedBy, and the fit. */
export interface TrainSsmResult extends TrainerResult {
  /** The trained student. */
  student: DiagonalSsm
  /** Whether the loss reached `stopAtLoss` (true when no `stopAtLoss` is given). */
  fitted: boolean
  /** Step at which the loss first reached `stopAtLoss` (null if it did not, or none is given). */
  stepsToFit: number | null
  /** Training loss at the end. */
  loss: number
  /** Relative ℓ∞ extrapolation error of the impulse response at the end (horizon `extrapolationLength`). */
  extrapolationError: number
}

const OWN_COLUMNS = ['extrapolationError', 'effectiveRank']

/**
 * Train a diagonal SSM on clean-labeled sequences by minimizing ℓ = (1/n) Σ_s (C h_L(x_s) − y_s)²
 * with closed-form float64 gradients (see `ssmLossAndGrad`) over the `trainable` parameters,
 * p ← optimizer(p, ∂ℓ/∂p), until the loss reaches `stopAtLoss`, then `extraSteps` more
 * (Slutzky et al.'s protocol; `steps` bounds the updates before the fit, so a run takes at most
 * steps + extraSteps). One history covers the whole run: columns step, loss, extrapolationError
 * (relative ℓ∞ of the impulse response against the data's teacher), effectiveRank (of A), then
 * `record`'s. `stoppedBy` is 'stopAtLoss' once the fit and its extra steps are done, 'steps' when
 * the loss never reached `stopAtLoss` (or none was given), else 'stopWhen' or 'signal'.
 *
 * The optimizer is one of core's by name with `lr` (default 'adaptiveGd', lr 0.01: the paper code's
 * adaptive normalized step), a spec `{ type, lr, … }`, or an optimizer instance such as
 * `gradientFlow({ lr })` (this package's Euler integrator of gradient flow, Theorem 1's dynamics).
 * An instance keeps its state (moments, step size, flow time) from one run to the next: give each
 * run a fresh one. A diverging run throws core's DivergenceError (step, last finite loss).
 * @example
 * const { student, history, stoppedBy } = trainSsm({ data, dim: 10, initStd: 0.01, rng: 0, optimizer: gradientFlow({ lr: 1e-3 }), steps: 1e6, stopAtLoss: 1e-6, extraSteps: 1500 })
 */
export function trainSsm(options: TrainSsmOptions): TrainSsmResult {
  assertKnownOptions('trainSsm', options, ['data', 'initial', 'init', 'dim', 'initStd', 'trainable', 'extraSteps', 'extrapolationLength', ...TRAINER_OPTION_KEYS])
  assertDataset('data', options.data)
  const D = TRAIN_SSM_DEFAULTS
  const trainable = options.trainable ?? D.trainable
  if (!Array.isArray(trainable) || trainable.length === 0 || trainable.some((t) => t !== 'a' && t !== 'b' && t !== 'c')) {
    throw new Error(`trainable: expected a non-empty subset of ['a', 'b', 'c'], got ${JSON.stringify(trainable)}`)
  }
  const initial = initialStudent(options)
  const horizon = options.extrapolationLength ?? D.extrapolationLength
  assertInteger('extrapolationLength', horizon, { min: 1 })
  for (const name of Object.keys(options.record ?? {})) {
    if (OWN_COLUMNS.includes(name)) throw new Error(`record.${name}: trainSsm records '${name}' already; choose another column name`)
  }
  const optimizer = resolveOptimizer(options, { optimizer: D.optimizer, lr: D.lr })
  const teacher = options.data.teacher
  const d = initial.dim

  const a = Float64Array.from(initial.a)
  const b = Float64Array.from(initial.b)
  const c = Float64Array.from(initial.c)
  const params: Record<string, Float64Array> = {}
  const grad: Partial<SsmGrad> & Record<string, Float64Array> = {}
  for (const [key, v] of [['a', a], ['b', b], ['c', c]] as const) {
    if (!trainable.includes(key)) continue
    params[key] = v
    grad[key] = new Float64Array(d)
  }
  const f = ssmObjective(options.data, d)

  const kS = new Float64Array(horizon)
  const kT = new Float64Array(horizon)
  impulseInto(teacher.a, teacher.b, teacher.c, horizon, kT)
  const extrapolation = (): number => {
    impulseInto(a, b, c, horizon, kS)
    return impulseErrorOf(kS, kT, horizon)
  }
  const columns: Record<string, Recorder<TrainSsmState>> = {
    extrapolationError: extrapolation,
    effectiveRank: () => effectiveRankOfA(a),
  }

  const { loop, finish } = fitThenExtraLoop<TrainSsmState>(options, { steps: D.steps, extraSteps: options.extraSteps, columns })
  const state: TrainSsmState = { step: 0, loss: NaN, student: { a, b, c, dim: d }, grad, optimizer, fitted: false }
  for (; ; state.step++) {
    state.loss = f(a, b, c, grad)
    if (loop.stop(state)) break
    optimizer.step(params, grad)
  }
  return {
    student: diagonalSsm({ a, b, c }, { warn: false }),
    ...finish(state),
    loss: state.loss,
    extrapolationError: extrapolation(),
  }
}

/** The initial student: `initial` (validated) or one drawn by the `init` scheme. */
function initialStudent(options: TrainSsmOptions): DiagonalSsm {
  if (options.initial !== undefined) {
    for (const key of ['init', 'dim', 'initStd'] as const) {
      if (options[key] !== undefined) throw new Error(`${key}: give either an explicit \`initial\` student or a scheme (init, dim, initStd), not both`)
    }
    assertSsm('initial', options.initial)
    return options.initial
  }
  if (options.dim === undefined) throw new Error('dim: required without an `initial` student (the state dimension of the student drawn by `init`)')
  const init = options.init ?? TRAIN_SSM_DEFAULTS.init
  if (init !== 'normal' && init !== 'uniform') throw new Error(`init: expected 'normal' or 'uniform' (or an explicit \`initial\` student), got ${JSON.stringify(init)}`)
  const initOptions: StudentInitOptions = { dim: options.dim, std: options.initStd ?? TRAIN_SSM_DEFAULTS.initStd, distribution: init }
  if (options.rng !== undefined) initOptions.rng = options.rng
  return studentInit(initOptions)
}

/** Options of {@link studentInit}. */
export interface StudentInitOptions {
  /** State dimension d (≥ 1). */
  dim: number
  /** Initialization scale of a (and of b, c unless `bcStd`). */
  std: number
  /** Scale of b and c (default `std`). */
  bcStd?: number
  /** 'normal': |N(0, std²)| entries (the paper's Keras runs); 'uniform': std·U[0, 1) (its gradient-flow runs). Default 'normal'. */
  distribution?: StudentInitScheme
  /** Gap between the top two entries of a (and of b): a_2 = a_1 − diff. Default 0.05 / exp(5 log10(1/std)), as in the paper's code. */
  diff?: number
  /** Constant added to a and b after sampling ("warm" start; default 0). */
  warm?: number
  /** Fix b = c = 1 (Theorem 1's setting); default false. */
  unitBC?: boolean
  /** Seed or stream (default seed 0). */
  rng?: Rng | number
}

/**
 * The paper's student initialization: a = sorted (descending) |entries| of scale `std`, with the top two
 * nearly tied (a_2 = a_1 − diff), likewise b (b_2 = b_1 − diff) and c sorted, then a += warm, b += warm.
 * With `unitBC`, b = c = (1, …, 1) as in Theorem 1.
 * @example const s0 = studentInit({ dim: 10, std: 1e-3, distribution: 'uniform', unitBC: true, rng: 242 })
 */
export function studentInit(options: StudentInitOptions): DiagonalSsm {
  assertKnownOptions('studentInit', options, ['dim', 'std', 'bcStd', 'distribution', 'diff', 'warm', 'unitBC', 'rng'])
  assertInteger('dim', options.dim, { min: 1 })
  assertPositive('std', options.std)
  const std = options.std
  const bcStd = options.bcStd ?? std
  assertPositive('bcStd', bcStd)
  const dist = options.distribution ?? 'normal'
  if (dist !== 'normal' && dist !== 'uniform') throw new Error(`distribution: expected 'normal' or 'uniform', got '${String(dist)}'`)
  const diff = options.diff ?? 0.05 / dmath.exp(5 * dmath.log10(1 / std))
  assertPositive('diff', diff, true)
  const warm = options.warm ?? 0
  assertPositive('warm', warm, true)
  const rng = resolveRng(options.rng)
  const d = options.dim
  const draw = (scale: number): Float64Array => {
    const v = new Float64Array(d)
    for (let i = 0; i < d; i++) v[i] = dist === 'normal' ? Math.abs(rng.normal(0, scale)) : scale * rng.uniform()
    return v.sort().reverse()
  }
  const a = draw(std)
  if (d > 1) a[1] = (a[0] as number) - diff
  let b: Float64Array
  let c: Float64Array
  if (options.unitBC) {
    b = new Float64Array(d).fill(1)
    c = new Float64Array(d).fill(1)
  } else {
    b = draw(bcStd)
    c = draw(bcStd)
    if (d > 1) b[1] = (b[0] as number) - diff
    for (let i = 0; i < d; i++) b[i] = (b[i] as number) + warm
  }
  for (let i = 0; i < d; i++) a[i] = (a[i] as number) + warm
  return diagonalSsm({ a, b, c }, { warn: false })
}
