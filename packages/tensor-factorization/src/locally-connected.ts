/**
 * A small locally connected (or convolutional) network on 1D sequences, on the tfjs track: the
 * network counterpart of a hierarchical tensor factorization over a balanced tree of positions
 * (Razin, Maman, Cohen 2022, Sec. 5; Cohen & Shashua 2017). Layer l maps non-overlapping windows of
 * `kernel` positions to one position: h^{l+1}[p] = σ(W^l_p · concat(h^l[k·p], …, h^l[k·p+k−1]) + b^l_p)
 * (W^l_p = W^l for all p when `shared`, a convolution with stride = kernel; σ = relu, tanh or softplus), until one position
 * is left; a linear head gives the output f(x). Two positions interact only from the layer where
 * their windows merge: the architecture's locality.
 */
import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  resolveOptimizerSpec,
  resolveRng,
  TRAINER_OPTION_KEYS,
  trainerLoop,
  type Recorder,
  type Rng,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { localityRegularizer, type LocalityRegularizerOptions } from './factorization/locality-regularizer'

/** Options of {@link locallyConnected}. */
export interface LocallyConnectedOptions {
  /** Sequence length L: a power of `kernel`. */
  length: number
  /** Input channels per position. */
  channels: number
  /** Hidden channels of every layer (default 16). */
  hidden?: number
  /** Window size = stride of every layer (default 2). */
  kernel?: number
  /** Share weights across positions (a convolution) instead of locally connected (default false). */
  shared?: boolean
  /** Output units (default 1: a logit). */
  outputs?: number
  /** Activation after every layer (default 'relu'; 'tanh' and 'softplus' have non-zero second derivatives). */
  activation?: 'relu' | 'tanh' | 'softplus'
  /** Seed or stream of the He-normal initialization (default 0). */
  rng?: Rng | number
}

/** A locally connected network: `predict` maps [batch, length, channels] to [batch, outputs]. */
export interface LocallyConnectedModel {
  readonly length: number
  readonly channels: number
  readonly kernel: number
  readonly shared: boolean
  /** Per layer: weights [positions, kernel·in, hidden] and bias [positions, 1, hidden] ([kernel·in, hidden] and [hidden] when shared). */
  readonly layers: ReadonlyArray<{ weight: TF.Variable; bias: TF.Variable }>
  /** The linear head: weight [hidden, outputs], bias [outputs]. */
  readonly head: { weight: TF.Variable; bias: TF.Variable }
  /** All trainable variables. */
  readonly variables: TF.Variable[]
  /** f(x) for x of shape [batch, length, channels] (not tidied: call inside tf.tidy). */
  predict(x: TF.Tensor): TF.Tensor2D
  /** Free the variables. */
  dispose(): void
}

let modelCounter = 0

let tanhOp: ((z: TF.Tensor) => TF.Tensor) | null = null
/**
 * tanh whose gradient is built from the saved input: tfjs's own Tanh gradient, (1 − y²)·dy, reads
 * the saved output y, which its engine clones before the Tanh node is on the tape, so a second
 * differentiation (the gradient of localityRegularizer, itself built from ∇ₓf) silently drops every
 * path through y (checked against finite differences in the tests). Recomputing tanh(z) from the
 * saved input z keeps those paths.
 */
function tanhWithInputGrad(z: TF.Tensor): TF.Tensor {
  // built once, on first use (after initTf started a backend)
  tanhOp ??= tf.customGrad((...args: Array<TF.Tensor | TF.GradSaveFunc>) => {
    const [x, save] = args as [TF.Tensor, TF.GradSaveFunc]
    save([x])
    return { value: tf.tanh(x), gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(saved[0] as TF.Tensor)))) }
  }) as (z: TF.Tensor) => TF.Tensor
  return tanhOp(z)
}

/**
 * Build a locally connected (or, with `shared`, convolutional) network for sequences of `length`
 * positions: log_kernel(length) layers of non-overlapping windows with `activation` (default ReLU),
 * then a linear head. Every network of the package is built here (`trainLocalConvNet` wraps it).
 * Needs `await initTf()` (from @theoryml/core/tf) once first.
 * @example await initTf(); const model = locallyConnected({ length: 16, channels: 4, activation: 'tanh', rng: 0 })
 */
export function locallyConnected(options: LocallyConnectedOptions): LocallyConnectedModel {
  assertKnownOptions('locallyConnected', options, ['length', 'channels', 'hidden', 'kernel', 'shared', 'outputs', 'activation', 'rng'])
  const kernel = options.kernel ?? 2
  assertInteger('kernel', kernel, { min: 2 })
  assertInteger('length', options.length, { min: kernel })
  assertInteger('channels', options.channels, { min: 1 })
  const hidden = options.hidden ?? 16
  assertInteger('hidden', hidden, { min: 1 })
  const outputs = options.outputs ?? 1
  assertInteger('outputs', outputs, { min: 1 })
  const shared = options.shared ?? false
  const activation = options.activation ?? 'relu'
  if (!['relu', 'tanh', 'softplus'].includes(activation)) throw new Error(`activation: expected 'relu', 'tanh' or 'softplus', got '${String(activation)}'`)
  const act = (z: TF.Tensor): TF.Tensor => (activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tanhWithInputGrad(z) : tf.softplus(z))
  let depth = 0
  for (let l = options.length; l > 1; l /= kernel) {
    if (l % kernel !== 0) throw new Error(`length: expected a power of kernel ${kernel}, got ${options.length}`)
    depth++
  }
  const rng = resolveRng(options.rng ?? 0)
  // unique variable names from a counter, so that the initialization draws only the weights
  const tag = `locallyConnected${modelCounter++}`
  const variable = (t: TF.Tensor, name: string): TF.Variable => {
    const v = tf.variable(t, true, `${tag}/${name}`)
    t.dispose() // the variable holds its own reference to the data
    return v
  }
  const layers: Array<{ weight: TF.Variable; bias: TF.Variable }> = []
  let positions = options.length
  let inCh = options.channels
  for (let l = 0; l < depth; l++) {
    positions /= kernel
    const fanIn = kernel * inCh
    const wShape = shared ? [fanIn, hidden] : [positions, fanIn, hidden]
    const size = wShape.reduce((a, b) => a * b, 1)
    const w = rng.fillNormal(new Float32Array(size), Math.sqrt(2 / fanIn))
    const bShape = shared ? [hidden] : [positions, 1, hidden]
    layers.push({
      weight: variable(tf.tensor(w, wShape), `W${l}`),
      bias: variable(tf.zeros(bShape), `b${l}`),
    })
    inCh = hidden
  }
  const head = {
    weight: variable(tf.tensor(rng.fillNormal(new Float32Array(hidden * outputs), Math.sqrt(1 / hidden)), [hidden, outputs]), 'wOut'),
    bias: variable(tf.zeros([outputs]), 'bOut'),
  }
  const variables = [...layers.flatMap((l) => [l.weight, l.bias]), head.weight, head.bias]
  const L = options.length
  const C = options.channels
  let disposed = false
  const predict = (x: TF.Tensor): TF.Tensor2D => {
    if (disposed) throw new Error('model: this locallyConnected model was disposed; build a new one')
    if (x.rank !== 3 || x.shape[1] !== L || x.shape[2] !== C) {
      throw new Error(`x: expected shape [batch, ${L}, ${C}], got [${x.shape.join(', ')}]`)
    }
    const B = x.shape[0] as number
    let h: TF.Tensor = x
    let pos = L
    let ch = C
    for (const { weight, bias } of layers) {
      pos /= kernel
      if (shared) {
        // rows (sample, window) of [B·pos, k·ch]: h stays 2D, four ops a layer
        h = act(tf.add(tf.matMul(tf.reshape(h, [B * pos, kernel * ch]), weight as TF.Tensor2D), bias))
      } else {
        const byPos = tf.transpose(tf.reshape(h, [B, pos, kernel * ch]), [1, 0, 2]) // [pos, B, k·ch]
        const z = tf.add(tf.matMul(byPos as TF.Tensor3D, weight as TF.Tensor3D), bias) // [pos, B, hidden]
        h = tf.transpose(act(z), [1, 0, 2])
      }
      ch = hidden
    }
    return tf.add(tf.matMul(tf.reshape(h, [B, hidden]), head.weight as TF.Tensor2D), head.bias) as TF.Tensor2D
  }
  return {
    length: L,
    channels: C,
    kernel,
    shared,
    layers,
    head,
    variables,
    predict,
    dispose: () => {
      if (disposed) return
      disposed = true
      variables.forEach((v) => v.dispose())
    },
  }
}

/** What `record`, `onStep` and `stopWhen` see in {@link trainLocallyConnected}. */
export interface LocallyConnectedState extends TrainerState {
  /** The logistic loss mean log(1 + e^{−(2y−1)·f(x)}) on this step's minibatch (without the regularizer). */
  loss: number
  /** The regularizer's value on this step's minibatch (0 without `regularizer`; read from the device on access). */
  readonly regularizer: number
  /** The model being trained (its variables are updated in place). */
  readonly model: LocallyConnectedModel
}

/** Options of {@link trainLocallyConnected}: the common trainer options plus the data and the regularizer. */
export interface TrainLocallyConnectedOptions extends TrainerOptions<LocallyConnectedState> {
  /** Inputs, row-major [samples, length, channels]. */
  x: Float32Array | Float64Array
  /** Binary labels (0/1), one per sample. */
  y: ArrayLike<number>
  /** Minibatch size (default 64); at least the number of samples: full batch, the data kept as one tensor. */
  batchSize?: number
  /**
   * Add localityRegularizer (with its λ, default 1) to the loss; omit (or λ = 0) for none. Sample i
   * takes patch Q of sample i+1 of the (randomly drawn) minibatch, as in the paper's code, unless
   * `permutation` is given. Adds the history column `regularizer`.
   */
  regularizer?: LocalityRegularizerOptions
  /**
   * Each step, let patches P and Q trade roles with probability 1/2 (default true): the paper's code
   * draws P at random from the two preset patches and takes the other as Q, so both directions are
   * regularized. false: P = `regularizer.patch` always.
   */
  swapRoles?: boolean
}

/** What {@link trainLocallyConnected} returns. */
export interface TrainLocallyConnectedResult extends TrainerResult {
  /** The trained model (the same object, its variables updated in place). */
  model: LocallyConnectedModel
}

/**
 * The defaults of {@link trainLocallyConnected}: Adam with lr 3e-3, 300 steps, minibatches of 64,
 * P and Q trading roles, seed 0; a history row every max(1, ⌊steps/100⌋) steps.
 */
export const TRAIN_LOCALLY_CONNECTED_DEFAULTS = { optimizer: 'adam', lr: 3e-3, steps: 300, batchSize: 64, swapRoles: true, rng: 0 } as const

/**
 * Train on binary labels with the logistic loss mean log(1 + e^{−(2y−1)·f(x)}), plus
 * localityRegularizer (λ·mean |cos|) when `regularizer` is given, as in the paper's code (P and Q
 * trade roles at random, x′_i takes patch Q of the next sample in the minibatch); minibatches drawn
 * by the seeded RNG, every step inside tf.tidy. History columns: step, loss (the logistic loss of
 * the step's minibatch), regularizer (with `regularizer`), then `record`'s. Optimizers: 'gd',
 * 'momentum', 'adam' (tfjs). Defaults: {@link TRAIN_LOCALLY_CONNECTED_DEFAULTS}.
 * @example const { history, stoppedBy } = trainLocallyConnected(model, { x, y, steps: 300, optimizer: 'adam', lr: 6e-3, regularizer: { lambda: 1, patch: [0, 2], swap: [14, 16] } })
 */
export function trainLocallyConnected(model: LocallyConnectedModel, options: TrainLocallyConnectedOptions): TrainLocallyConnectedResult {
  assertKnownOptions('trainLocallyConnected', options, ['x', 'y', 'batchSize', 'regularizer', 'swapRoles', ...TRAINER_OPTION_KEYS])
  if (!model || typeof model.predict !== 'function' || !Array.isArray(model.variables)) throw new Error('model: expected a model from locallyConnected()')
  const D = TRAIN_LOCALLY_CONNECTED_DEFAULTS
  const per = model.length * model.channels
  const n = options.y.length
  if (options.x.length !== n * per) throw new Error(`x: expected ${n}·${model.length}·${model.channels} = ${n * per} entries for ${n} labels, got ${options.x.length}`)
  for (let i = 0; i < n; i++) if (options.y[i] !== 0 && options.y[i] !== 1) throw new Error(`y: expected labels 0 or 1, got ${options.y[i]} at index ${i}`)
  const batch = Math.min(options.batchSize ?? D.batchSize, n)
  assertInteger('batchSize', batch, { min: 1 })
  const lambda = options.regularizer === undefined ? 0 : options.regularizer.lambda ?? 1
  assertPositive('regularizer.lambda', lambda, true)
  const swapRoles = options.swapRoles ?? D.swapRoles
  const rng = resolveRng(options.rng ?? D.rng)
  // a separate stream for the roles, so that λ = 0 and λ > 0 runs see the same minibatches
  const roleRng = rng.fork('roles')
  const columns: Record<string, Recorder<LocallyConnectedState>> = {}
  if (options.regularizer !== undefined) columns.regularizer = (s) => s.regularizer
  const loop = trainerLoop(options, { steps: D.steps, columns })
  const opt = tfOptimizer(resolveOptimizerSpec(options, D))
  const xb = new Float32Array(batch * per)
  const yb = new Float32Array(batch)
  // full batch: the data stay one tensor, no per-step copies (the mean loss does not depend on the order)
  const full = batch === n
  const xAll = full ? tf.tensor3d(Float32Array.from(options.x), [n, model.length, model.channels]) : null
  const signAll = full ? tf.tensor1d(Float32Array.from(options.y, (v) => 2 * v - 1)) : null
  let order = full ? [] : rng.permutation(n)
  let cursor = 0
  let regT = null as TF.Scalar | null
  let regValue = null as number | null
  const state = {
    step: 0,
    loss: NaN,
    model,
    get regularizer(): number {
      regValue ??= regT ? (regT.dataSync()[0] as number) : 0
      return regValue
    },
  } as LocallyConnectedState
  try {
    for (; ; state.step++) {
      for (let b = 0; !full && b < batch; b++) {
        if (cursor >= n) {
          order = rng.shuffle(order)
          cursor = 0
        }
        const i = order[cursor++] as number
        for (let q = 0; q < per; q++) xb[b * per + q] = options.x[i * per + q] as number
        yb[b] = options.y[i] as number
      }
      const flip = lambda > 0 && swapRoles && roleRng.uniform() < 0.5
      // the last evaluation (step = steps) needs no gradient: no update follows
      const last = state.step >= loop.steps
      const grads = tf.tidy(() => {
        const x = xAll ?? tf.tensor3d(xb, [batch, model.length, model.channels])
        const sign = signAll ?? tf.sub(tf.mul(tf.tensor1d(yb), 2), 1)
        const objective = (): TF.Scalar => {
          const out = model.predict(x)
          const f = tf.reshape(out.shape[1] === 1 ? out : tf.slice(out, [0, 0], [batch, 1]), [batch])
          const loss = tf.mean(tf.softplus(tf.neg(tf.mul(sign, f)))) as TF.Scalar
          state.loss = loss.dataSync()[0] as number
          if (lambda > 0 && options.regularizer) {
            const { patch, swap } = options.regularizer
            const reg = localityRegularizer(model, x, { ...options.regularizer, patch: flip ? swap : patch, swap: flip ? patch : swap })
            regT = tf.keep(reg)
            return tf.add(loss, reg) as TF.Scalar
          }
          return loss
        }
        if (last) {
          objective()
          return {}
        }
        return tf.variableGrads(objective, model.variables).grads
      }) as TF.NamedTensorMap
      regValue = null
      let stop = true
      try {
        stop = loop.stop(state)
      } finally {
        // also when loop.stop throws (a DivergenceError): nothing of the step outlives it
        regT?.dispose()
        regT = null
        if (stop) tf.dispose(Object.values(grads))
      }
      if (stop || last) break
      tf.tidy(() => opt.applyGradients(grads))
      tf.dispose(Object.values(grads))
    }
  } finally {
    opt.dispose()
    xAll?.dispose()
    signAll?.dispose()
  }
  return { model, ...loop.result() }
}
