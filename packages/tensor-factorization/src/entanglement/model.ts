/**
 * The locally connected classifier of the entanglement experiments (Alexander et al. 2023): a thin
 * wrapper of {@link locallyConnected} (one model, one forward, one initializer for the whole package)
 * that takes a feature matrix, standardizes and zero-pads it, and trains full-batch with
 * {@link trainLocallyConnected}.
 */
import * as tf from '@tensorflow/tfjs'
import {
  assertInteger,
  assertKnownOptions,
  resolveOptimizerSpec,
  resolveRng,
  toMatrix,
  toVector,
  TRAINER_OPTION_KEYS,
  type MatrixLike,
  type TrainerOptions,
  type TrainerResult,
  type VectorLike,
} from '@theoryml/core'
import { locallyConnected, trainLocallyConnected, type LocallyConnectedModel, type LocallyConnectedState } from '../locally-connected'

/** Options of {@link trainLocalConvNet}: the common trainer options (state: that of `trainLocallyConnected`) plus the width. */
export interface LocalConvNetOptions extends TrainerOptions<LocallyConnectedState> {
  /** Channels of every layer (default 16). */
  channels?: number
}

/** A trained {@link trainLocalConvNet} model (tfjs variables: call `dispose()` when done). */
export interface LocalConvNet extends TrainerResult {
  /** The underlying network: `locallyConnected` with kernel 2, shared weights and ReLU on [M, 2^K, 1] inputs. */
  readonly model: LocallyConnectedModel
  /** Logits f(x) for the rows of X (standardized with the training statistics). */
  predict(X: MatrixLike): Float64Array
  /** Fraction of rows with sign f(x) = y (labels ±1). */
  accuracy(X: MatrixLike, y: VectorLike): number
  /** Free the tfjs variables. */
  dispose(): void
}

/**
 * The defaults of {@link trainLocalConvNet}: 16 channels, full-batch Adam with lr 0.01 for 300
 * steps, seed 0 for the initialization; a history row every max(1, ⌊steps/100⌋) steps.
 */
export const LOCAL_CONV_NET_DEFAULTS = { channels: 16, optimizer: 'adam', lr: 0.01, steps: 300, rng: 0 } as const

/**
 * A small convolutional, locally connected binary classifier on the tfjs track: the binary-tree
 * network of Alexander et al. 2023 (their locally connected tensor network with ReLU), i.e. a 1D
 * convolution of width 2 and stride 2 applied log₂D times (weights shared across positions), so
 * each unit sees a contiguous block of features, then a linear read-out:
 * h_0 = x, h_k[p] = relu(W_kᵀ [h_{k−1}[2p]; h_{k−1}[2p+1]] + b_k), f(x) = wᵀ h_K + b.
 * This is `locallyConnected({ length: 2^K, channels: 1, hidden: channels, kernel: 2, shared: true,
 * activation: 'relu' })`; inputs are standardized per feature (training statistics) and zero-padded
 * to a power of two, and the network is trained by `trainLocallyConnected` full-batch on
 * (1/M) Σ softplus(−y f(x)) (`rng` seeds the initialization). Defaults: {@link LOCAL_CONV_NET_DEFAULTS}.
 * Needs `await initTf()` (from @theoryml/core/tf) once first.
 * @example const net = trainLocalConvNet(Xtrain, ytrain, { steps: 150, lr: 0.02, rng: 0 }); net.accuracy(Xtest, ytest); net.dispose()
 */
export function trainLocalConvNet(X: MatrixLike, y: VectorLike, options: LocalConvNetOptions = {}): LocalConvNet {
  assertKnownOptions('trainLocalConvNet', options, ['channels', ...TRAINER_OPTION_KEYS])
  const D0 = LOCAL_CONV_NET_DEFAULTS
  const channels = options.channels ?? D0.channels
  assertInteger('channels', channels, { min: 1 })
  const optimizer = resolveOptimizerSpec(options, D0)
  const rng = resolveRng(options.rng ?? D0.rng)
  const m = toMatrix('X', X)
  const M = m.rows
  const D = m.columns
  if (D < 2) throw new Error(`X: expected at least 2 features, got ${D}`)
  const labels = toVector('y', y, M)
  const y01 = new Uint8Array(M)
  labels.forEach((v, i) => {
    if (v !== 1 && v !== -1) throw new Error(`y: expected labels ±1, got ${v} at index ${i}`)
    y01[i] = v === 1 ? 1 : 0
  })
  const P = 2 ** Math.ceil(Math.log2(D))
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
  /** Standardized rows, zero-padded to P positions of one channel: row-major [rows, P, 1]. */
  const toInput = (Z: MatrixLike): { data: Float32Array; rows: number } => {
    const z = toMatrix('X', Z, { columns: D })
    const buf = new Float32Array(z.rows * P)
    for (let i = 0; i < z.rows; i++) for (let f = 0; f < D; f++) buf[i * P + f] = (z.get(i, f) - (mean[f] as number)) * (scale[f] as number)
    return { data: buf, rows: z.rows }
  }
  const model = locallyConnected({ length: P, channels: 1, hidden: channels, kernel: 2, shared: true, activation: 'relu', rng })
  const { optimizer: _o, lr: _l, rng: _r, channels: _c, ...loopOptions } = options
  let trained: ReturnType<typeof trainLocallyConnected>
  try {
    trained = trainLocallyConnected(model, { ...loopOptions, x: toInput(m).data, y: y01, steps: options.steps ?? D0.steps, batchSize: M, optimizer })
  } catch (err) {
    model.dispose() // a DivergenceError (or a bad option): nothing is left allocated
    throw err
  }
  const predict = (Z: MatrixLike): Float64Array => {
    const { data, rows } = toInput(Z)
    const out = tf.tidy(() => model.predict(tf.tensor3d(data, [rows, P, 1])))
    const values = Float64Array.from(out.dataSync())
    out.dispose()
    return values
  }
  return {
    model,
    predict,
    accuracy(Z, yz) {
      const out = predict(Z)
      const t = toVector('y', yz, out.length)
      let ok = 0
      for (let i = 0; i < out.length; i++) if (((out[i] as number) >= 0 ? 1 : -1) === t[i]) ok++
      return ok / out.length
    },
    history: trained.history,
    steps: trained.steps,
    stoppedBy: trained.stoppedBy,
    dispose: () => model.dispose(),
  }
}
