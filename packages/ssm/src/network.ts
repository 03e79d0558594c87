import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  resolveOptimizerSpec,
  resolveRng,
  toMatrix,
  TRAINER_OPTION_KEYS,
  type Rng,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
  type VectorLike,
} from '@theoryml/core'
import { tfjs, tfOptimizer } from '@theoryml/core/tf'
import { concatSequenceGroups } from './data'
import { ssmLayer, type SsmLayer } from './layer'
import { extrapolationSettings } from './metrics'
import { fitThenExtraLoop } from './protocol'
import type { SequencesLike } from './ssm'

/** Options of {@link ssmNetwork}. */
export interface SsmNetworkOptions {
  /** State dimension of the SSM layer. */
  stateDim: number
  /** Widths of the pointwise ReLU MLP applied to each input x_t before the SSM (default []: none). */
  inputHidden?: readonly number[]
  /** Width of the ReLU MLP after the SSM (default 15). */
  hidden?: number
  /** Number of ReLU layers after the SSM (default 2). */
  depth?: number
  /** Complex-diagonal SSM (default false). */
  complex?: boolean
  /** Std of a, b, c (default 0.01). */
  initStd?: number
  /** Std of the MLP weights (default 0.03). */
  mlpInitStd?: number
  /**
   * Explicit initial weights, replacing the random ones (e.g. a teacher's exact weights): the SSM's
   * a, b, c and the MLP matrices, each number[][] (rows = inputs).
   */
  initial?: { a?: VectorLike; b?: VectorLike; c?: VectorLike; input?: number[][][]; output?: number[][][] }
  /** Seed or stream (default seed 0). */
  rng?: Rng | number
}

/** An SSM between MLPs (tfjs track): x [n, L] ↦ f_out(C h_L(f_in(x))) [n]. */
export interface SsmNetwork {
  /** The SSM layer. */
  readonly ssm: SsmLayer
  /** All trainable variables. */
  readonly variables: TF.Variable[]
  /** Forward pass: x [n, L] → predictions [n]. */
  predict(x: TF.Tensor2D): TF.Tensor1D
  /** Dispose every variable of the network. */
  dispose(): void
}

/**
 * A small non-linear network with a diagonal SSM layer between MLPs (Slutzky et al., Sec. 4.2):
 * u_t = MLP_in(x_t) (pointwise, optional), y = C h_L with h_t = A h_{t−1} + B u_t, then
 * ŷ = w_outᵀ ReLU(W_depth ⋯ ReLU(W_1 y)) (no biases, as in the paper's code).
 * @example
 * await initTf()
 * const net = ssmNetwork({ stateDim: 10, hidden: 15, depth: 2, rng: 0 })
 * const y = net.predict(tf.randomNormal([4, 6])) // [4]
 */
export function ssmNetwork(options: SsmNetworkOptions): SsmNetwork {
  tfjs() // throws until initTf() has run
  assertKnownOptions('ssmNetwork', options, ['stateDim', 'inputHidden', 'hidden', 'depth', 'complex', 'initStd', 'mlpInitStd', 'initial', 'rng'])
  assertInteger('stateDim', options.stateDim, { min: 1 })
  const inputHidden = options.inputHidden ?? []
  inputHidden.forEach((w) => assertInteger('inputHidden', w, { min: 1 }))
  const hidden = options.hidden ?? 15
  assertInteger('hidden', hidden, { min: 1 })
  const depth = options.depth ?? 2
  assertInteger('depth', depth, { min: 0 })
  const mlpStd = options.mlpInitStd ?? 0.03
  assertPositive('mlpInitStd', mlpStd)
  const rng = resolveRng(options.rng)
  const w = options.initial ?? {}
  assertKnownOptions('initial', w, ['a', 'b', 'c', 'input', 'output'])
  // draw and check every matrix before any variable exists (a bad `initial` leaks nothing)
  const dense = (name: string, rows: number, cols: number, given: number[][] | undefined): { rows: number; cols: number; values: Float32Array } => {
    const m = given !== undefined ? toMatrix(name, given, { rows, columns: cols }).to1DArray() : rng.fillNormal(new Float64Array(rows * cols), mlpStd)
    return { rows, cols, values: Float32Array.from(m) }
  }
  const inDims = [1, ...inputHidden]
  const inInit = inputHidden.map((_, i) => dense(`initial.input[${i}]`, inDims[i] as number, inDims[i + 1] as number, w.input?.[i]))
  const projInit = inputHidden.length > 0 ? dense(`initial.input[${inputHidden.length}]`, inDims.at(-1) as number, 1, w.input?.[inputHidden.length]) : null
  const outDims = [1, ...Array.from({ length: depth }, () => hidden), 1]
  const outInit = outDims.slice(0, -1).map((rows, i) => dense(`initial.output[${i}]`, rows, outDims[i + 1] as number, w.output?.[i]))
  const ssmInit: { a?: VectorLike; b?: VectorLike; c?: VectorLike } = {}
  if (w.a !== undefined) ssmInit.a = w.a
  if (w.b !== undefined) ssmInit.b = w.b
  if (w.c !== undefined) ssmInit.c = w.c
  const ssm = ssmLayer({ stateDim: options.stateDim, complex: options.complex ?? false, initStd: options.initStd ?? 0.01, initial: ssmInit, rng: rng.fork('ssm') })
  // inside tidy, each initial tensor is freed once its variable holds the data
  const variable = (m: { rows: number; cols: number; values: Float32Array }): TF.Variable => tf.tidy(() => tf.variable(tf.tensor2d(m.values, [m.rows, m.cols])))
  const inW = inInit.map(variable)
  const inProj = projInit ? variable(projInit) : null
  const outW = outInit.map(variable)
  const variables = [...inW, ...(inProj ? [inProj] : []), ...ssm.variables, ...outW]
  let disposed = false
  return {
    ssm,
    variables,
    predict(x) {
      if (disposed) throw new Error('network: this ssmNetwork was disposed; build a new one')
      if (!x || x.rank !== 2) throw new Error('x: expected a tf.Tensor2D [n, L]')
      return tf.tidy(() => {
        const [n, L] = x.shape as [number, number]
        let u: TF.Tensor = x
        if (inProj) {
          let z: TF.Tensor = tf.reshape(x, [n * L, 1])
          for (const W of inW) z = tf.relu(tf.matMul(z as TF.Tensor2D, W))
          u = tf.reshape(tf.matMul(z as TF.Tensor2D, inProj), [n, L])
        }
        let y: TF.Tensor = ssm.apply(u) // [n, 1]
        outW.forEach((W, i) => {
          y = tf.matMul(y as TF.Tensor2D, W)
          if (i + 1 < outW.length) y = tf.relu(y)
        })
        return tf.reshape(y, [n]) as TF.Tensor1D
      })
    },
    dispose() {
      if (disposed) return
      disposed = true
      for (const v of [...inW, ...(inProj ? [inProj] : []), ...outW]) v.dispose()
      ssm.dispose()
    },
  }
}

/** Sequences labeled by a (teacher) network: inputs n × L row-major and labels. */
export interface NetworkDataset {
  /** Row-major inputs, n × length. */
  readonly inputs: Float64Array
  /** Clean labels y_s = teacher(x_s). */
  readonly labels: Float64Array
  /** Number of sequences n. */
  readonly count: number
  /** Sequence length L. */
  readonly length: number
}

/** Options of {@link networkDataset}. */
export interface NetworkDatasetOptions {
  /** The network whose outputs are the labels. */
  teacher: SsmNetwork
  /** One group of equal-length sequences, or several (e.g. baseline and special) concatenated in order. */
  sequences: SequencesLike | SequencesLike[]
}

/**
 * Label sequences with a teacher network (clean labels): y_s = teacher(x_s). Accepts groups of
 * sequences (baseline, special) concatenated in order.
 * @example const data = networkDataset({ teacher, sequences: [baseline, special] })
 */
export function networkDataset(options: NetworkDatasetOptions): NetworkDataset {
  tfjs() // throws until initTf() has run
  assertKnownOptions('networkDataset', options, ['teacher', 'sequences'])
  assertNetwork('teacher', options.teacher)
  const { inputs, count, length } = concatSequenceGroups(options.sequences)
  const yt = tf.tidy(() => options.teacher.predict(tf.tensor2d(Float32Array.from(inputs), [count, length])))
  const labels = Float64Array.from(yt.dataSync())
  yt.dispose()
  return { inputs, labels, count, length }
}

function assertNetwork(name: string, network: unknown): asserts network is SsmNetwork {
  if (!network || typeof (network as SsmNetwork).predict !== 'function' || !Array.isArray((network as SsmNetwork).variables)) {
    throw new Error(`${name}: expected a network from ssmNetwork`)
  }
}

/**
 * The defaults of {@link trainSsmNetwork}: Adam with lr 0.01 (as in the paper's code), at most 5000
 * updates before the fit, no extra steps.
 */
export const TRAIN_SSM_NETWORK_DEFAULTS = { optimizer: 'adam', lr: 0.01, steps: 5000, extraSteps: 0 } as const

/** What `record`, `onStep` and `stopWhen` receive in {@link trainSsmNetwork}. */
export interface TrainSsmNetworkState extends TrainerState {
  /** The network being trained (its variables at this step). */
  network: SsmNetwork
  /** Whether the loss has reached `stopAtLoss` (the `extraSteps` then run). */
  fitted: boolean
}

/**
 * Options of {@link trainSsmNetwork}: core's trainer options (optimizer as a name with `lr` or a spec
 * such as `{ type: 'adam', lr, eps }`; steps, every, record, onStep, stopAtLoss, stopWhen, signal)
 * plus the network and its data. Defaults: {@link TRAIN_SSM_NETWORK_DEFAULTS}.
 */
export interface TrainSsmNetworkOptions extends TrainerOptions<TrainSsmNetworkState> {
  /** The network to train, in place. */
  network: SsmNetwork
  /** Training set from `networkDataset`. */
  data: NetworkDataset
  /** Updates to continue after the loss reaches `stopAtLoss` (default 0; needs `stopAtLoss`). */
  extraSteps?: number
}

/** What {@link trainSsmNetwork} returns: the trained network, core's history, steps and stoppedBy, and the fit. */
export interface TrainSsmNetworkResult extends TrainerResult {
  /** The trained network (the one passed in, trained in place). */
  network: SsmNetwork
  /** Whether the loss reached `stopAtLoss` (true when no `stopAtLoss` is given). */
  fitted: boolean
  /** Step at which the loss first reached `stopAtLoss` (null if it did not, or none is given). */
  stepsToFit: number | null
  /** Training MSE at the end. */
  loss: number
}

/**
 * Full-batch training of an SSM network on the tfjs track by minimizing the MSE
 * ℓ = (1/n) Σ_s (ŷ_s − y_s)² with a tfjs optimizer (autodiff, each step inside tf.tidy), until the
 * loss reaches `stopAtLoss`, then `extraSteps` more (at most steps + extraSteps updates; one history,
 * `stoppedBy` as in `trainSsm`). A non-finite loss throws core's DivergenceError (step, last finite loss).
 * @example
 * const { network, history, stoppedBy } = trainSsmNetwork({ network: student, data, optimizer: { type: 'adam', lr: 0.01, eps: 1e-3 }, steps: 3000, stopAtLoss: 0.01, extraSteps: 500 })
 */
export function trainSsmNetwork(options: TrainSsmNetworkOptions): TrainSsmNetworkResult {
  tfjs() // throws until initTf() has run
  assertKnownOptions('trainSsmNetwork', options, ['network', 'data', 'extraSteps', ...TRAINER_OPTION_KEYS])
  const { network, data } = options
  assertNetwork('network', network)
  if (!data || !(data.inputs instanceof Float64Array) || !(data.labels instanceof Float64Array)) throw new Error('data: expected a dataset from networkDataset')
  const D = TRAIN_SSM_NETWORK_DEFAULTS
  const spec = resolveOptimizerSpec(options, { optimizer: D.optimizer, lr: D.lr })
  const { loop, finish } = fitThenExtraLoop<TrainSsmNetworkState>(options, { steps: D.steps, extraSteps: options.extraSteps })
  const opt = tfOptimizer(spec)
  const x = tf.tensor2d(Float32Array.from(data.inputs), [data.count, data.length])
  const y = tf.tensor1d(Float32Array.from(data.labels))
  const vars = network.variables
  const lossFn = (): TF.Scalar => tf.mean(tf.square(tf.sub(network.predict(x), y))) as TF.Scalar
  const state: TrainSsmNetworkState = { step: 0, loss: NaN, network, fitted: false }
  try {
    for (; ; state.step++) {
      // the loss at the current weights and its gradient; the update follows only if the run goes on
      const grads = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars)
        state.loss = value.dataSync()[0] as number
        return grads
      })
      let stop: boolean
      try {
        stop = loop.stop(state)
        if (!stop) tf.tidy(() => opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] as TF.Tensor }))))
      } finally {
        tf.dispose(grads)
      }
      if (stop) break
    }
  } finally {
    x.dispose()
    y.dispose()
    opt.dispose()
  }
  return { network, ...finish(state), loss: state.loss }
}

/** Options of {@link networkExtrapolationError}. */
export interface NetworkExtrapolationOptions {
  /** Length of the test sequences (default 40). */
  length?: number
  /** Number of Gaussian test sequences (default 2000, as in the paper). */
  samples?: number
  /** Seed or stream for the test sequences (default seed 0). */
  rng?: Rng | number
}

/**
 * Sequence-level extrapolation error of a student network against a teacher network: relative ℓ₂
 * error ‖ŷ − y*‖₂ / ‖y*‖₂ over `samples` Gaussian sequences x ~ N(0, I_length).
 * @example networkExtrapolationError(student, teacher, { length: 40, samples: 2000, rng: 0 })
 */
export function networkExtrapolationError(student: SsmNetwork, teacher: SsmNetwork, options: NetworkExtrapolationOptions = {}): number {
  tfjs() // throws until initTf() has run
  assertNetwork('student', student)
  assertNetwork('teacher', teacher)
  const { length, samples } = extrapolationSettings('networkExtrapolationError', options, 2000)
  const rng = resolveRng(options.rng)
  const xs = rng.fillNormal(new Float32Array(samples * length))
  return tf.tidy(() => {
    const x = tf.tensor2d(xs, [samples, length])
    const ys = teacher.predict(x)
    const yh = student.predict(x)
    const num = tf.norm(tf.sub(yh, ys)).dataSync()[0] as number
    const den = tf.norm(ys).dataSync()[0] as number
    return num / den
  })
}
