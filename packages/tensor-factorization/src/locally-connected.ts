/**
 * A small locally connected (or convolutional) network on 1D sequences, on the tfjs track: the
 * network counterpart of a hierarchical tensor factorization over a balanced tree of positions
 * (Razin, Maman, Cohen 2022, Sec. 5; Cohen & Shashua 2017). Layer l maps non-overlapping windows of
 * `kernel` positions to one position: h^{l+1}[p] = σ(W^l_p · concat(h^l[k·p], …, h^l[k·p+k−1]) + b^l_p)
 * (W^l_p = W^l for all p when `shared`, a convolution with stride = kernel; σ = relu, tanh or softplus), until one position
 * is left; a linear head gives the output f(x). Two positions interact only from the layer where
 * their windows merge: the architecture's locality.
 */
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type OptimizerSpec, type Rng } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { localityRegularizer, type LocalityRegularizerOptions } from './locality-regularizer'

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
  readonly tf: typeof TF
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

const tanhs = new WeakMap<typeof TF, (z: TF.Tensor) => TF.Tensor>()
/**
 * tanh whose gradient is built from the saved input: tfjs's own Tanh gradient, (1 − y²)·dy, reads
 * the saved output y, which its engine clones before the Tanh node is on the tape, so a second
 * differentiation (the gradient of localityRegularizer, itself built from ∇ₓf) silently drops every
 * path through y (checked against finite differences in the tests). Recomputing tanh(z) from the
 * saved input z keeps those paths.
 */
function tanhOf(tf: typeof TF): (z: TF.Tensor) => TF.Tensor {
  let fn = tanhs.get(tf)
  if (!fn) {
    fn = tf.customGrad((...args: Array<TF.Tensor | TF.GradSaveFunc>) => {
      const [z, save] = args as [TF.Tensor, TF.GradSaveFunc]
      save([z])
      return { value: tf.tanh(z), gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(saved[0] as TF.Tensor)))) }
    })
    tanhs.set(tf, fn)
  }
  return fn
}

/**
 * Build a locally connected (or, with `shared`, convolutional) network for sequences of `length`
 * positions: log_kernel(length) layers of non-overlapping windows with `activation` (default ReLU),
 * then a linear head. Every network of the package is built here (`trainLocalConvNet` wraps it).
 * @example const { tf } = await initTf(); const model = locallyConnected(tf, { length: 16, channels: 4 })
 */
export function locallyConnected(tf: typeof TF, options: LocallyConnectedOptions): LocallyConnectedModel {
  assertKnownOptions('locallyConnected', options, ['length', 'channels', 'hidden', 'kernel', 'shared', 'outputs', 'activation', 'rng'])
  if (!tf || typeof tf.variable !== 'function') throw new Error('tf: expected the tfjs-core namespace (from initTf() of @theoryml/core)')
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
  const act = (z: TF.Tensor): TF.Tensor => (activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tanhOf(tf)(z) : tf.softplus(z))
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
  const predict = (x: TF.Tensor): TF.Tensor2D => {
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
    tf,
    length: L,
    channels: C,
    kernel,
    shared,
    layers,
    head,
    variables,
    predict,
    dispose: () => variables.forEach((v) => v.dispose()),
  }
}

/** Options of {@link trainLocallyConnected}. */
export interface TrainLocallyConnectedOptions {
  /** Inputs, row-major [samples, length, channels]. */
  x: Float32Array | Float64Array
  /** Binary labels (0/1), one per sample. */
  y: ArrayLike<number>
  /** Optimization steps (default 300). */
  steps?: number
  /** Minibatch size (default 64); at least the number of samples: full batch, the data kept as one tensor. */
  batchSize?: number
  /** The tfjs optimizer spec (default { type: 'adam', lr: 3e-3 }). */
  optimizer?: OptimizerSpec
  /**
   * Add localityRegularizer (with its λ, default 1) to the loss; omit (or λ = 0) for none. Sample i
   * takes patch Q of sample i+1 of the (randomly drawn) minibatch, as in the paper's code, unless
   * `permutation` is given.
   */
  regularizer?: LocalityRegularizerOptions
  /**
   * Each step, let patches P and Q trade roles with probability 1/2 (default true): the paper's code
   * draws P at random from the two preset patches and takes the other as Q, so both directions are
   * regularized. false: P = `regularizer.patch` always.
   */
  swapRoles?: boolean
  /** Record every `every` steps (default steps/50). */
  every?: number
  /** Seed or stream of the minibatch order (default 0). */
  rng?: Rng | number
}

/**
 * Train on binary labels with the logistic loss mean log(1 + e^{−(2y−1)·f(x)}), plus
 * localityRegularizer (λ·mean |cos|) when `regularizer` is given, as in the paper's code (P and Q
 * trade roles at random, x′_i takes patch Q of the next sample in the minibatch); minibatches drawn
 * by the seeded RNG, every step inside tf.tidy. Returns the recorded training loss and regularizer value.
 * @example const { history } = trainLocallyConnected(model, { x, y, steps: 300, regularizer: { lambda: 1, patch: [0, 2], swap: [14, 16] } })
 */
export function trainLocallyConnected(model: LocallyConnectedModel, options: TrainLocallyConnectedOptions): { history: { step: number[]; loss: number[]; regularizer: number[] } } {
  assertKnownOptions('trainLocallyConnected', options, ['x', 'y', 'steps', 'batchSize', 'optimizer', 'regularizer', 'swapRoles', 'every', 'rng'])
  const tf = model.tf
  const per = model.length * model.channels
  const n = options.y.length
  if (options.x.length !== n * per) throw new Error(`x: expected ${n}·${model.length}·${model.channels} = ${n * per} entries for ${n} labels, got ${options.x.length}`)
  for (let i = 0; i < n; i++) if (options.y[i] !== 0 && options.y[i] !== 1) throw new Error(`y: expected labels 0 or 1, got ${options.y[i]} at index ${i}`)
  const steps = options.steps ?? 300
  assertInteger('steps', steps, { min: 0 })
  const batch = Math.min(options.batchSize ?? 64, n)
  assertInteger('batchSize', batch, { min: 1 })
  const every = options.every ?? Math.max(1, Math.floor(steps / 50))
  const lambda = options.regularizer === undefined ? 0 : options.regularizer.lambda ?? 1
  assertPositive('regularizer.lambda', lambda, true)
  const swapRoles = options.swapRoles ?? true
  const rng = resolveRng(options.rng ?? 0)
  // a separate stream for the roles, so that λ = 0 and λ > 0 runs see the same minibatches
  const roleRng = rng.fork('roles')
  const opt = tfOptimizer(options.optimizer ?? { type: 'adam', lr: 3e-3 })
  const xb = new Float32Array(batch * per)
  const yb = new Float32Array(batch)
  const history = { step: [] as number[], loss: [] as number[], regularizer: [] as number[] }
  // full batch: the data stay one tensor, no per-step copies (the mean loss does not depend on the order)
  const full = batch === n
  const xAll = full ? tf.tensor3d(Float32Array.from(options.x), [n, model.length, model.channels]) : null
  const signAll = full ? tf.tensor1d(Float32Array.from(options.y, (v) => 2 * v - 1)) : null
  let order = full ? [] : rng.permutation(n)
  let cursor = 0
  for (let step = 0; step < steps; step++) {
    for (let b = 0; !full && b < batch; b++) {
      if (cursor >= n) {
        order = rng.shuffle(order)
        cursor = 0
      }
      const i = order[cursor++] as number
      for (let q = 0; q < per; q++) xb[b * per + q] = options.x[i * per + q] as number
      yb[b] = options.y[i] as number
    }
    const record = step % every === 0 || step === steps - 1
    const flip = lambda > 0 && swapRoles && roleRng.uniform() < 0.5
    let lossT: TF.Scalar | null = null
    let regT: TF.Scalar | null = null
    tf.tidy(() => {
      const x = xAll ?? tf.tensor3d(xb, [batch, model.length, model.channels])
      const sign = signAll ?? tf.sub(tf.mul(tf.tensor1d(yb), 2), 1)
      const { grads } = tf.variableGrads(() => {
        const out = model.predict(x)
        const f = tf.reshape(out.shape[1] === 1 ? out : tf.slice(out, [0, 0], [batch, 1]), [batch])
        const loss = tf.mean(tf.softplus(tf.neg(tf.mul(sign, f)))) as TF.Scalar
        if (record) lossT = tf.keep(loss)
        if (lambda > 0 && options.regularizer) {
          const { patch, swap } = options.regularizer
          const reg = localityRegularizer(model, x, { ...options.regularizer, patch: flip ? swap : patch, swap: flip ? patch : swap })
          if (record) regT = tf.keep(reg)
          return tf.add(loss, reg) as TF.Scalar
        }
        return loss
      }, model.variables)
      opt.applyGradients(grads)
    })
    if (record) {
      history.step.push(step)
      history.loss.push(lossT ? ((lossT as TF.Scalar).dataSync()[0] as number) : NaN)
      history.regularizer.push(regT ? ((regT as TF.Scalar).dataSync()[0] as number) : 0)
      if (lossT) (lossT as TF.Scalar).dispose()
      if (regT) (regT as TF.Scalar).dispose()
    }
  }
  opt.dispose()
  xAll?.dispose()
  signAll?.dispose()
  return { history }
}
