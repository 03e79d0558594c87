import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, toMatrix, type OptimizerSpec, type Rng, type VectorLike } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { ssmLayer, type SsmLayer } from './layer'
import { concatSequenceGroups } from './data'
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
  /** Exact weights (e.g. for a teacher): SSM init and the MLP matrices, each number[][] (rows = inputs). */
  weights?: { a?: VectorLike; b?: VectorLike; c?: VectorLike; input?: number[][][]; output?: number[][][] }
  /** Seed or stream (default seed 0). */
  rng?: Rng | number
}

/** An SSM between MLPs (tfjs track): x [n, L] ↦ f_out(C h_L(f_in(x))) [n]. */
export interface SsmNetwork {
  readonly ssm: SsmLayer
  /** All trainable variables. */
  readonly variables: TF.Variable[]
  /** Forward pass: x [n, L] → predictions [n]. */
  predict(x: TF.Tensor2D): TF.Tensor1D
  dispose(): void
}

/**
 * A small non-linear network with a diagonal SSM layer between MLPs (Slutzky et al., Sec. 4.2):
 * u_t = MLP_in(x_t) (pointwise, optional), y = C h_L with h_t = A h_{t−1} + B u_t, then
 * ŷ = w_outᵀ ReLU(W_depth ⋯ ReLU(W_1 y)) (no biases, as in the paper's code).
 * @example const net = ssmNetwork(tf, { stateDim: 10, hidden: 15, depth: 2, rng: 0 })
 */
export function ssmNetwork(tf: typeof TF, options: SsmNetworkOptions): SsmNetwork {
  if (!tf || typeof tf.tidy !== 'function') throw new Error('tf: expected the tfjs namespace from initTf()')
  assertKnownOptions('ssmNetwork', options, ['stateDim', 'inputHidden', 'hidden', 'depth', 'complex', 'initStd', 'mlpInitStd', 'weights', 'rng'])
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
  const w = options.weights ?? {}
  assertKnownOptions('weights', w, ['a', 'b', 'c', 'input', 'output'])
  const dense = (name: string, rows: number, cols: number, given: number[][] | undefined): TF.Variable => {
    const m = given !== undefined ? toMatrix(name, given, { rows, columns: cols }).to1DArray() : rng.fillNormal(new Float64Array(rows * cols), mlpStd)
    return tf.variable(tf.tensor2d(Float32Array.from(m), [rows, cols]))
  }
  const inDims = [1, ...inputHidden]
  const inW: TF.Variable[] = []
  for (let i = 0; i < inputHidden.length; i++) inW.push(dense(`weights.input[${i}]`, inDims[i] as number, inDims[i + 1] as number, w.input?.[i]))
  const inProj = inputHidden.length > 0 ? dense(`weights.input[${inputHidden.length}]`, inDims.at(-1) as number, 1, w.input?.[inputHidden.length]) : null
  const outDims = [1, ...Array.from({ length: depth }, () => hidden), 1]
  const outW: TF.Variable[] = []
  for (let i = 0; i + 1 < outDims.length; i++) outW.push(dense(`weights.output[${i}]`, outDims[i] as number, outDims[i + 1] as number, w.output?.[i]))
  const init: { a?: VectorLike; b?: VectorLike; c?: VectorLike } = {}
  if (w.a !== undefined) init.a = w.a
  if (w.b !== undefined) init.b = w.b
  if (w.c !== undefined) init.c = w.c
  const ssm = ssmLayer(tf, { stateDim: options.stateDim, complex: options.complex ?? false, initStd: options.initStd ?? 0.01, init, rng: rng.fork('ssm') })
  const variables = [...inW, ...(inProj ? [inProj] : []), ...ssm.variables, ...outW]
  return {
    ssm,
    variables,
    predict(x) {
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
      for (const v of [...inW, ...(inProj ? [inProj] : []), ...outW]) v.dispose()
      ssm.dispose()
    },
  }
}

/** Sequences labeled by a (teacher) network: inputs n × L row-major and labels. */
export interface NetworkDataset {
  readonly inputs: Float64Array
  readonly labels: Float64Array
  readonly count: number
  readonly length: number
}

/**
 * Label sequences with a teacher network (clean labels): y_s = teacher(x_s). Accepts groups of
 * sequences (baseline, special) concatenated in order.
 * @example const data = networkDataset(tf, { teacher, sequences: [baseline, special] })
 */
export function networkDataset(tf: typeof TF, options: { teacher: SsmNetwork; sequences: SequencesLike | SequencesLike[] }): NetworkDataset {
  assertKnownOptions('networkDataset', options, ['teacher', 'sequences'])
  if (!options.teacher || typeof options.teacher.predict !== 'function') throw new Error('teacher: expected a network from ssmNetwork')
  const { inputs, count, length } = concatSequenceGroups(options.sequences)
  const yt = tf.tidy(() => options.teacher.predict(tf.tensor2d(Float32Array.from(inputs), [count, length])))
  const labels = Float64Array.from(yt.dataSync())
  yt.dispose()
  return { inputs, labels, count, length }
}

/** Options of {@link trainSsmNetwork}. */
export interface TrainSsmNetworkOptions {
  network: SsmNetwork
  data: NetworkDataset
  /** Optimizer spec for tfjs (default { type: 'adam', lr: 0.01 }, as in the paper's code). */
  optimizer?: OptimizerSpec
  /** Maximum updates before reaching `stopAtLoss` (default 5000). */
  steps?: number
  /** Stop once the training MSE is ≤ this (default 0: never). */
  stopAtLoss?: number
  /** Updates after reaching `stopAtLoss` (default 0). */
  extraSteps?: number
  /** Record every this many steps (default max(1, (steps + extraSteps)/100)). */
  every?: number
  /** Extra metrics recorded each row. */
  record?: Record<string, () => number>
}

/** What {@link trainSsmNetwork} returns. */
export interface TrainSsmNetworkResult {
  history: { step: number[]; loss: number[] } & Record<string, number[]>
  fitted: boolean
  stepsToFit: number | null
  steps: number
  loss: number
}

/**
 * Full-batch training of an SSM network on the tfjs track by minimizing the MSE (1/n) Σ_s (ŷ_s − y_s)²
 * with a tfjs optimizer, each step inside tf.tidy; stops at `stopAtLoss` then runs `extraSteps` more.
 * Throws when the loss becomes non-finite (names the step).
 * @example trainSsmNetwork(tf, { network, data, optimizer: { type: 'adam', lr: 0.01 }, steps: 3000, stopAtLoss: 0.01, extraSteps: 500 })
 */
export function trainSsmNetwork(tf: typeof TF, options: TrainSsmNetworkOptions): TrainSsmNetworkResult {
  assertKnownOptions('trainSsmNetwork', options, ['network', 'data', 'optimizer', 'steps', 'stopAtLoss', 'extraSteps', 'every', 'record'])
  const { network, data } = options
  if (!network || typeof network.predict !== 'function') throw new Error('network: expected a network from ssmNetwork')
  if (!data || !(data.inputs instanceof Float64Array) || !(data.labels instanceof Float64Array)) throw new Error('data: expected a dataset from networkDataset')
  const steps = options.steps ?? 5000
  assertInteger('steps', steps, { min: 0 })
  const extraSteps = options.extraSteps ?? 0
  assertInteger('extraSteps', extraSteps, { min: 0 })
  const stopAtLoss = options.stopAtLoss ?? 0
  assertPositive('stopAtLoss', stopAtLoss, true)
  const every = options.every ?? Math.max(1, Math.floor((steps + extraSteps) / 100))
  assertInteger('every', every, { min: 1 })
  const opt = tfOptimizer(options.optimizer ?? { type: 'adam', lr: 0.01 })
  const x = tf.tensor2d(Float32Array.from(data.inputs), [data.count, data.length])
  const y = tf.tensor1d(Float32Array.from(data.labels))
  const history: TrainSsmNetworkResult['history'] = { step: [], loss: [] }
  const extra = Object.entries(options.record ?? {})
  for (const [k] of extra) history[k] = []
  const lossFn = (): TF.Scalar => tf.mean(tf.square(tf.sub(network.predict(x), y))) as TF.Scalar
  let fitted = stopAtLoss === 0
  let stepsToFit: number | null = null
  let extraLeft = -1
  let step = 0
  let loss = NaN
  try {
    for (;; step++) {
      const l = tf.tidy(() => {
        const cost = opt.minimize(lossFn, true, network.variables) as TF.Scalar
        return cost.dataSync()[0] as number
      })
      // l is the loss before this update
      if (!Number.isFinite(l)) throw new Error(`training diverged: loss is ${l} at step ${step}; lower the learning rate or the initialization scale`)
      loss = l
      const row = step % every === 0
      if (!fitted && l <= stopAtLoss) {
        fitted = true
        stepsToFit = step
        extraLeft = extraSteps
      }
      const done = (!fitted && step >= steps) || (fitted && stopAtLoss > 0 && extraLeft <= 0) || (stopAtLoss === 0 && step >= steps + extraSteps)
      if (row || done) {
        history.step.push(step)
        history.loss.push(l)
        for (const [k, f] of extra) (history[k] as number[]).push(f())
      }
      if (done) break
      if (extraLeft > 0) extraLeft--
    }
  } finally {
    x.dispose()
    y.dispose()
    opt.dispose()
  }
  if (stopAtLoss === 0) stepsToFit = step
  return { history, fitted, stepsToFit, steps: step, loss }
}

/**
 * Sequence-level extrapolation error of a student network against a teacher network: relative ℓ₂
 * error ‖ŷ − y*‖₂ / ‖y*‖₂ over `samples` Gaussian sequences of `length` (default 40, 2000 samples as in the paper).
 * @example networkExtrapolationError(tf, student, teacher, { length: 40 })
 */
export function networkExtrapolationError(tf: typeof TF, student: SsmNetwork, teacher: SsmNetwork, options: { length?: number; samples?: number; rng?: Rng | number } = {}): number {
  assertKnownOptions('networkExtrapolationError', options, ['length', 'samples', 'rng'])
  const length = options.length ?? 40
  assertInteger('length', length, { min: 1 })
  const samples = options.samples ?? 2000
  assertInteger('samples', samples, { min: 1 })
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
