import type * as TF from '@tensorflow/tfjs-core'
import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  resolveRng,
  tfOptimizer,
  toMatrix,
  toVector,
  type MatrixLike,
  type Rng,
  type VectorLike,
} from '@theoryml/core'

/** Options of {@link trainLocalConvNet}. */
export interface LocalConvNetOptions {
  /** Channels of every layer (default 16). */
  channels?: number
  /** Full-batch Adam steps (default 300). */
  steps?: number
  /** Adam learning rate (default 0.01). */
  lr?: number
  /** Seed or stream for the initialization (default seed 0). */
  rng?: Rng | number
}

/** A trained {@link trainLocalConvNet} model (tfjs variables: call `dispose()` when done). */
export interface LocalConvNet {
  /** Logits f(x) for the rows of X (standardized with the training statistics). */
  predict(X: MatrixLike): Float64Array
  /** Fraction of rows with sign f(x) = y (labels ±1). */
  accuracy(X: MatrixLike, y: VectorLike): number
  /** Training loss every 10 steps (and at the last step). */
  history: { step: number[]; loss: number[] }
  /** Free the tfjs variables. */
  dispose(): void
}

/** The parameters of the tree network as tensors (variables when training). */
export interface LocalConvNetParams {
  /** Layer k: weights (2·C_{k−1}) × C_k and bias C_k, shared by every position of the layer. */
  W: TF.Tensor2D[]
  b: TF.Tensor1D[]
  /** Output layer: C × 1 and 1. */
  wOut: TF.Tensor2D
  bOut: TF.Tensor1D
}

let counter = 0

/**
 * Loss and its gradient for the tree network, by explicit backpropagation in tfjs ops (the plain
 * tfjs-core build registers no op gradients, so autodiff is not relied on; a test checks this
 * gradient against tfjs autodiff). x: M × 2^K standardized inputs, y: ±1 labels (M).
 * Forward: h_0 = x viewed as (M·2^{K−1}) × 2; a_k = h_{k−1} W_k + b_k with h_{k−1} reshaped to
 * (M·2^{K−k}) × 2C_{k−1} (each row: two neighbouring positions), h_k = relu(a_k); f = h_K w + b.
 * Loss (1/M) Σ_m softplus(−y_m f_m).
 * @internal
 */
export function localConvNetLossAndGrads(
  tf: typeof TF,
  params: LocalConvNetParams,
  x: TF.Tensor2D,
  y: TF.Tensor1D,
): { loss: TF.Scalar; grads: { W: TF.Tensor2D[]; b: TF.Tensor1D[]; wOut: TF.Tensor2D; bOut: TF.Tensor1D } } {
  const M = x.shape[0]
  const K = params.W.length
  const inputs: TF.Tensor2D[] = []
  const pre: TF.Tensor2D[] = []
  let h: TF.Tensor2D = x
  for (let k = 0; k < K; k++) {
    const W = params.W[k] as TF.Tensor2D
    const inp = tf.reshape(h, [-1, W.shape[0]]) as TF.Tensor2D
    const a = tf.add(tf.matMul(inp, W), params.b[k] as TF.Tensor1D) as TF.Tensor2D
    inputs.push(inp)
    pre.push(a)
    h = tf.relu(a)
  }
  const f = tf.reshape(tf.add(tf.matMul(h, params.wOut), params.bOut), [M]) as TF.Tensor1D
  const margin = tf.mul(y, f)
  const loss = tf.mean(tf.softplus(tf.neg(margin))) as TF.Scalar
  // d loss / d f = −y σ(−y f) / M
  const df = tf.reshape(tf.div(tf.mul(tf.neg(y), tf.sigmoid(tf.neg(margin))), M), [M, 1]) as TF.Tensor2D
  const wOut = tf.matMul(h, df, true, false) as TF.Tensor2D
  const bOut = tf.reshape(tf.sum(df), [1]) as TF.Tensor1D
  let dh = tf.matMul(df, params.wOut, false, true) as TF.Tensor2D
  const gW: TF.Tensor2D[] = new Array<TF.Tensor2D>(K)
  const gb: TF.Tensor1D[] = new Array<TF.Tensor1D>(K)
  for (let k = K - 1; k >= 0; k--) {
    const a = pre[k] as TF.Tensor2D
    const da = tf.mul(dh, tf.step(a)) as TF.Tensor2D
    gW[k] = tf.matMul(inputs[k] as TF.Tensor2D, da, true, false) as TF.Tensor2D
    gb[k] = tf.sum(da, 0) as TF.Tensor1D
    if (k > 0) {
      const prevC = (params.W[k - 1] as TF.Tensor2D).shape[1]
      dh = tf.reshape(tf.matMul(da, params.W[k] as TF.Tensor2D, false, true), [-1, prevC]) as TF.Tensor2D
    }
  }
  return { loss, grads: { W: gW, b: gb, wOut, bOut } }
}

/**
 * A small convolutional, locally connected binary classifier on the tfjs track: the binary-tree
 * network of Alexander et al. 2023 (their locally connected tensor network with ReLU), i.e. a 1D
 * convolution of width 2 and stride 2 applied log₂D times (weights shared across positions), so
 * each unit sees a contiguous block of features, then a linear read-out:
 * h_0 = x, h_k[p] = relu(W_kᵀ [h_{k−1}[2p]; h_{k−1}[2p+1]] + b_k), f(x) = wᵀ h_K + b.
 * Inputs are standardized per feature (training statistics) and zero-padded to a power of two.
 * Trained by full-batch Adam on (1/M) Σ softplus(−y f(x)), every step inside `tf.tidy`; the gradient
 * is backpropagated explicitly ({@link localConvNetLossAndGrads}).
 * @example const net = trainLocalConvNet(tf, Xtrain, ytrain, { rng: 0 }); net.accuracy(Xtest, ytest); net.dispose()
 */
export function trainLocalConvNet(tf: typeof TF, X: MatrixLike, y: VectorLike, options: LocalConvNetOptions = {}): LocalConvNet {
  assertKnownOptions('trainLocalConvNet', options, ['channels', 'steps', 'lr', 'rng'])
  const channels = options.channels ?? 16
  const steps = options.steps ?? 300
  const lr = options.lr ?? 0.01
  assertInteger('channels', channels, { min: 1 })
  assertInteger('steps', steps, { min: 0 })
  assertPositive('lr', lr)
  const rng = resolveRng(options.rng)
  const m = toMatrix('X', X)
  const M = m.rows
  const D = m.columns
  if (D < 2) throw new Error(`X: expected at least 2 features, got ${D}`)
  const labels = toVector('y', y, M)
  labels.forEach((v, i) => {
    if (v !== 1 && v !== -1) throw new Error(`y: expected labels ±1, got ${v} at index ${i}`)
  })
  const K = Math.ceil(Math.log2(D))
  const P = 2 ** K
  const mean = new Float64Array(D)
  const scale = new Float64Array(D)
  for (let f = 0; f < D; f++) {
    let s = 0
    for (let i = 0; i < M; i++) s += m.get(i, f)
    const mu = s / M
    let v = 0
    for (let i = 0; i < M; i++) v += (m.get(i, f) - mu) ** 2
    mean[f] = mu
    scale[f] = v > 0 ? 1 / Math.sqrt(v / M) : 0
  }
  const toInput = (Z: MatrixLike): TF.Tensor2D => {
    const z = toMatrix('X', Z, { columns: D })
    const buf = new Float32Array(z.rows * P)
    for (let i = 0; i < z.rows; i++) for (let f = 0; f < D; f++) buf[i * P + f] = (z.get(i, f) - (mean[f] as number)) * (scale[f] as number)
    return tf.tensor2d(buf, [z.rows, P])
  }
  const tag = `localConvNet${counter++}`
  const vars: TF.Variable[] = []
  const variable = (t: TF.Tensor, name: string): TF.Variable => {
    const v = tf.variable(t, true, `${tag}/${name}`)
    t.dispose()
    vars.push(v)
    return v
  }
  const W: TF.Variable[] = []
  const b: TF.Variable[] = []
  let cin = 1
  for (let k = 0; k < K; k++) {
    const fanIn = 2 * cin
    W.push(variable(tf.tensor2d(rng.fillNormal(new Float32Array(fanIn * channels), Math.sqrt(2 / fanIn)), [fanIn, channels]), `W${k}`))
    b.push(variable(tf.zeros([channels]), `b${k}`))
    cin = channels
  }
  const wOut = variable(tf.tensor2d(rng.fillNormal(new Float32Array(cin), Math.sqrt(1 / cin)), [cin, 1]), 'wOut')
  const bOut = variable(tf.zeros([1]), 'bOut')
  const params = { W: W as TF.Tensor2D[], b: b as TF.Tensor1D[], wOut: wOut as TF.Tensor2D, bOut: bOut as TF.Tensor1D }
  const xs = toInput(m)
  const ys = tf.tensor1d(Float32Array.from(labels))
  const optimizer = tfOptimizer(tf, { type: 'adam', lr })
  const history = { step: [] as number[], loss: [] as number[] }
  const cleanup = (): void => {
    xs.dispose()
    ys.dispose()
    optimizer.dispose()
  }
  for (let step = 0; step < steps; step++) {
    const record = step % 10 === 0 || step === steps - 1
    const loss = tf.tidy(() => {
      const { loss: l, grads } = localConvNetLossAndGrads(tf, params, xs, ys)
      const named: Record<string, TF.Tensor> = { [wOut.name]: grads.wOut, [bOut.name]: grads.bOut }
      for (let k = 0; k < K; k++) {
        named[(W[k] as TF.Variable).name] = grads.W[k] as TF.Tensor
        named[(b[k] as TF.Variable).name] = grads.b[k] as TF.Tensor
      }
      optimizer.applyGradients(named)
      return record ? (l.dataSync()[0] as number) : 0
    })
    if (record) {
      if (!Number.isFinite(loss)) {
        cleanup()
        vars.forEach((v) => v.dispose())
        throw new Error(`training diverged: loss is ${loss} at step ${step}; lower lr`)
      }
      history.step.push(step)
      history.loss.push(loss)
    }
  }
  cleanup()
  const predict = (Z: MatrixLike): Float64Array => {
    const out = tf.tidy(() => {
      let h: TF.Tensor2D = toInput(Z)
      for (let k = 0; k < K; k++) {
        const Wk = W[k] as TF.Variable
        h = tf.relu(tf.add(tf.matMul(tf.reshape(h, [-1, Wk.shape[0] as number]), Wk as TF.Tensor2D), b[k] as TF.Variable)) as TF.Tensor2D
      }
      return tf.add(tf.matMul(h, wOut as TF.Tensor2D), bOut)
    })
    const values = Float64Array.from(out.dataSync())
    out.dispose()
    return values
  }
  return {
    predict,
    accuracy(Z, yz) {
      const out = predict(Z)
      const t = toVector('y', yz, out.length)
      let ok = 0
      for (let i = 0; i < out.length; i++) if (((out[i] as number) >= 0 ? 1 : -1) === t[i]) ok++
      return ok / out.length
    },
    history,
    dispose() {
      vars.forEach((v) => v.dispose())
    },
  }
}
