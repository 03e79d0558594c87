import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  createOptimizer,
  resolveRng,
  train,
  type History,
  type Optimizer,
  type OptimizerSpec,
  type Rng,
  type TrainState,
} from '@theoryml/core'
import type { SequenceDataset } from './data'
import { assertDataset, ssmLossAndGradient } from './gradient'
import { effectiveRankOfA, impulseErrorOf } from './metrics'
import { adaptiveGd } from '@theoryml/core'
import { gradientFlow } from './optimizer'
import { assertSsm, diagonalSsm, impulseInto, type DiagonalSsm } from './ssm'
import type { Teacher } from './teacher'

/** Which of A, B, C gradient descent updates. */
export type Trainable = 'a' | 'b' | 'c'

/** Options of {@link trainSsm}. */
export interface TrainSsmOptions {
  /** Initial student (copied; see {@link studentInit}). */
  student: DiagonalSsm
  /** Training set from `dataset({ teacher, sequences })`. */
  data: SequenceDataset
  /** Parameters to train (default ['a', 'b', 'c']; Theorem 1 trains ['a'] with B = C = 1 fixed). */
  trainable?: readonly Trainable[]
  /**
   * 'adaptive' (the paper's adaptive normalized step, {@link adaptiveGd}), 'flow' (gradient flow,
   * {@link gradientFlow}), 'gd', 'adam', or a core optimizer / spec. Default 'adaptive'.
   */
  optimizer?: 'adaptive' | 'flow' | 'gd' | 'adam' | Optimizer | OptimizerSpec
  /** Learning rate (base rate for 'adaptive', largest time step for 'flow'); default 0.01. */
  lr?: number
  /** Maximum number of updates before the loss reaches `stopAtLoss` (default 10 000). */
  steps?: number
  /** Stop once the training loss is ≤ this (default 0: run all `steps`). */
  stopAtLoss?: number
  /** Updates to continue after reaching `stopAtLoss`, as the paper does (default 0). */
  extraSteps?: number
  /** Record a history row every this many steps (default max(1, steps/100)). */
  every?: number
  /** Horizon of the recorded extrapolation error (default 40). */
  extrapolationLength?: number
  /** Extra history columns. */
  record?: Record<string, (state: TrainState) => number>
}

/** What {@link trainSsm} returns. */
export interface TrainSsmResult {
  /** The trained student. */
  student: DiagonalSsm
  /** Columns step, loss, extrapolationError (relative ℓ∞ of the impulse response), effectiveRank (of A), plus `record`'s. */
  history: History
  /** Whether the loss reached `stopAtLoss` (always true when stopAtLoss is 0). */
  fitted: boolean
  /** Step at which the loss first reached `stopAtLoss` (null if it did not). */
  stepsToFit: number | null
  /** Total number of updates. */
  steps: number
  /** Training loss at the end. */
  loss: number
  /** Relative ℓ∞ extrapolation error of the impulse response at the end. */
  extrapolationError: number
}

function makeOptimizer(spec: TrainSsmOptions['optimizer'], lr: number): Optimizer {
  if (spec === undefined || spec === 'adaptive') return adaptiveGd({ lr })
  if (spec === 'flow') return gradientFlow({ lr })
  if (spec === 'gd') return createOptimizer({ type: 'gd', lr })
  if (spec === 'adam') return createOptimizer({ type: 'adam', lr })
  if (typeof spec === 'string') throw new Error(`optimizer: expected 'adaptive', 'flow', 'gd', 'adam', an optimizer or a spec, got '${spec}'`)
  return createOptimizer(spec)
}

/**
 * Train a diagonal SSM on clean-labeled sequences by gradient descent with closed-form float64
 * gradients of ℓ = (1/n) Σ_s (C h_L(x_s) − y_s)² (see ssmLossAndGradient), over the `trainable`
 * parameters, until the loss reaches `stopAtLoss`, then `extraSteps` more (Slutzky et al.'s protocol).
 * Records the training loss, the extrapolation error against the data's teacher and the effective rank of A.
 * A diverging run throws core's DivergenceError (step, last finite loss).
 * @example const { student, history } = trainSsm({ student: studentInit({ dim: 10, std: 0.01, rng: 0 }), data, trainable: ['a', 'b', 'c'], stopAtLoss: 0.01, extraSteps: 1500 })
 */
export function trainSsm(options: TrainSsmOptions): TrainSsmResult {
  assertKnownOptions('trainSsm', options, ['student', 'data', 'trainable', 'optimizer', 'lr', 'steps', 'stopAtLoss', 'extraSteps', 'every', 'extrapolationLength', 'record'])
  assertSsm('student', options.student)
  assertDataset('data', options.data)
  const trainable = options.trainable ?? ['a', 'b', 'c']
  if (!Array.isArray(trainable) || trainable.length === 0 || trainable.some((t) => t !== 'a' && t !== 'b' && t !== 'c')) {
    throw new Error(`trainable: expected a non-empty subset of ['a', 'b', 'c'], got ${JSON.stringify(trainable)}`)
  }
  const lr = options.lr ?? 0.01
  assertPositive('lr', lr)
  const steps = options.steps ?? 10_000
  assertInteger('steps', steps, { min: 0 })
  const stopAtLoss = options.stopAtLoss ?? 0
  assertPositive('stopAtLoss', stopAtLoss, true)
  const extraSteps = options.extraSteps ?? 0
  assertInteger('extraSteps', extraSteps, { min: 0 })
  const every = options.every ?? Math.max(1, Math.floor((steps + extraSteps) / 100))
  assertInteger('every', every, { min: 1 })
  const horizon = options.extrapolationLength ?? 40
  assertInteger('extrapolationLength', horizon, { min: 1 })
  const teacher: Teacher = options.data.teacher
  const d = options.student.dim

  const a = Float64Array.from(options.student.a)
  const b = Float64Array.from(options.student.b)
  const c = Float64Array.from(options.student.c)
  const params: Record<string, Float64Array> = {}
  if (trainable.includes('a')) params.a = a
  if (trainable.includes('b')) params.b = b
  if (trainable.includes('c')) params.c = c
  const f = ssmLossAndGradient(options.data, d)
  const lossAndGrad = (_p: Record<string, Float64Array>, g: Record<string, Float64Array>): number => f(a, b, c, g)

  const kS = new Float64Array(horizon)
  const kT = new Float64Array(horizon)
  impulseInto(teacher.a, teacher.b, teacher.c, horizon, kT)
  const extrapolation = (): number => {
    impulseInto(a, b, c, horizon, kS)
    return impulseErrorOf(kS, kT, horizon)
  }
  const record: Record<string, (s: TrainState) => number> = {
    extrapolationError: extrapolation,
    effectiveRank: () => effectiveRankOfA(a),
    ...(options.record ?? {}),
  }
  const optimizer = makeOptimizer(options.optimizer, lr)
  const first = train({
    params,
    lossAndGrad,
    optimizer,
    steps,
    every,
    record,
    ...(stopAtLoss > 0 ? { stopWhen: (s: TrainState) => s.loss <= stopAtLoss } : {}),
  })
  const fitted = stopAtLoss === 0 || first.stoppedBy === 'stopWhen' || (first.history.loss.at(-1) as number) <= stopAtLoss
  const stepsToFit = stopAtLoss === 0 ? first.steps : fitted ? first.steps : null
  const history = first.history
  let total = first.steps
  if (fitted && extraSteps > 0) {
    const second = train({ params, lossAndGrad, optimizer, steps: extraSteps, every, record })
    for (const key of Object.keys(history)) {
      const col = second.history[key] as Array<number | number[]>
      const target = history[key] as Array<number | number[]>
      // row 0 of the second run repeats the last row of the first
      for (let i = 1; i < col.length; i++) target.push(key === 'step' ? (col[i] as number) + total : (col[i] as number | number[]))
    }
    total += second.steps
  }
  const loss = f(a, b, c)
  return {
    student: diagonalSsm({ a, b, c }, { warn: false }),
    history,
    fitted,
    stepsToFit,
    steps: total,
    loss,
    extrapolationError: extrapolation(),
  }
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
  distribution?: 'normal' | 'uniform'
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
  const diff = options.diff ?? 0.05 / Math.exp(5 * Math.log10(1 / std))
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
