import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type Rng } from '@theoryml/core'
import { linear } from '@theoryml/core/tf'
import { affine as fusedAffine, causalAttention, layerNorm as fusedLayerNorm } from './kernels'

/** Sizes of a {@link Transformer}. */
export interface TransformerConfig {
  /** Number of token ids (tokens are 0 … vocabSize − 1). */
  vocabSize: number
  /** Length of the learned absolute position table (the largest position id + 1). */
  maxPositions: number
  /** Residual width d (default 64). */
  dModel?: number
  /** Attention heads (default 4; must divide dModel). */
  heads?: number
  /** Transformer blocks (default 2). */
  layers?: number
  /** MLP hidden width (default 4·dModel). */
  dMlp?: number
  /** Std of the N(0, std²) initialization of weight matrices and embeddings (default 0.02, as GPT-2). */
  initStd?: number
  /** Seed or stream for the initialization. */
  rng?: Rng | number
}

/** One pre-LN block's parameters. */
interface Block {
  ln1g: TF.Variable
  ln1b: TF.Variable
  wqkv: TF.Variable
  wo: TF.Variable
  ln2g: TF.Variable
  ln2b: TF.Variable
  w1: TF.Variable
  b1: TF.Variable
  w2: TF.Variable
  b2: TF.Variable
}

/**
 * A small decoder-only transformer on tfjs: pre-LN blocks, learned absolute position embeddings,
 * causal multi-head attention, ReLU MLP, untied unembedding.
 *
 * h⁰ₜ = E[xₜ] + P[pₜ];  hˡ⁺¹ = u + MLP(LN(u)), u = hˡ + Attn(LN(hˡ));  logitsₜ = LN(h^L_t) U,
 * Attn: softmax(Q Kᵀ/√d_h + M) V per head, with Mₜₛ = −∞ for s > t (causal).
 * Embedding lookups are one-hot matmuls so that their gradients exist on the wasm backend.
 * Call {@link Transformer.dispose} when done.
 * @example const model = createTransformer({ vocabSize: 16, maxPositions: 64 }) // after `await initTf()`
 */
export interface Transformer {
  readonly config: Required<Omit<TransformerConfig, 'rng'>>
  /** Every trainable variable, in a fixed order. */
  readonly variables: TF.Variable[]
  /**
   * Logits [B, T, V] of int32 token ids [B, T] placed at position ids offset … offset + T − 1
   * (the same offset for every row), as a tensor; call it inside `tf.tidy`.
   */
  logits(tokens: TF.Tensor2D, offset?: number): TF.Tensor3D
  /** Number of trainable scalars. */
  parameterCount(): number
  /** Free every variable and cached mask. */
  dispose(): void
}

const DEFAULTS = { dModel: 64, heads: 4, layers: 2, initStd: 0.02 }

let modelCount = 0
let currentModel = 0
/** tfjs registers variables by name: make each model's names unique. */
function uniqueName(name: string): string {
  return `rasp${currentModel}_${name}`
}

/**
 * Build a {@link Transformer} with seeded N(0, initStd²) weights (zero biases, unit LayerNorm gains;
 * output projections scaled by 1/√(2·layers) as in GPT-2). Needs `await initTf()` (from
 * `@theoryml/core/tf`) once first.
 * @example
 * await initTf()
 * const model = createTransformer({ vocabSize: 16, maxPositions: 64, dModel: 64, heads: 4, layers: 2, rng: 0 })
 */
export function createTransformer(config: TransformerConfig): Transformer {
  if (!config || typeof config !== 'object') throw new Error('config: expected { vocabSize, maxPositions, … }')
  assertKnownOptions('createTransformer', config, ['vocabSize', 'maxPositions', 'dModel', 'heads', 'layers', 'dMlp', 'initStd', 'rng'])
  assertInteger('vocabSize', config.vocabSize, { min: 2 })
  assertInteger('maxPositions', config.maxPositions, { min: 1 })
  const dModel = config.dModel ?? DEFAULTS.dModel
  const heads = config.heads ?? DEFAULTS.heads
  const layers = config.layers ?? DEFAULTS.layers
  assertInteger('dModel', dModel, { min: 1 })
  assertInteger('heads', heads, { min: 1 })
  assertInteger('layers', layers, { min: 1 })
  if (dModel % heads !== 0) throw new Error(`heads: expected a divisor of dModel = ${dModel}, got ${heads}`)
  const dMlp = config.dMlp ?? 4 * dModel
  assertInteger('dMlp', dMlp, { min: 1 })
  const initStd = config.initStd ?? DEFAULTS.initStd
  assertPositive('initStd', initStd)
  const rng = resolveRng(config.rng, 0)
  const V = config.vocabSize
  const P = config.maxPositions
  const dh = dModel / heads

  const variables: TF.Variable[] = []
  currentModel = ++modelCount
  const normal = (shape: number[], std: number, name: string): TF.Variable => {
    const n = shape.reduce((a, b) => a * b, 1)
    const data = rng.fillNormal(new Float32Array(n), std)
    const v = tf.tidy(() => tf.variable(tf.tensor(data, shape), true, uniqueName(name)))
    variables.push(v)
    return v
  }
  const constant = (shape: number[], value: number, name: string): TF.Variable => {
    const v = tf.tidy(() => tf.variable(tf.fill(shape, value), true, uniqueName(name)))
    variables.push(v)
    return v
  }
  const residStd = initStd / Math.sqrt(2 * layers)
  const tokEmb = normal([V, dModel], initStd, 'tok_emb')
  const posEmb = normal([P, dModel], initStd, 'pos_emb')
  const blocks: Block[] = []
  for (let l = 0; l < layers; l++) {
    blocks.push({
      ln1g: constant([dModel], 1, `l${l}_ln1g`),
      ln1b: constant([dModel], 0, `l${l}_ln1b`),
      wqkv: normal([dModel, 3 * dModel], initStd, `l${l}_wqkv`),
      wo: normal([dModel, dModel], residStd, `l${l}_wo`),
      ln2g: constant([dModel], 1, `l${l}_ln2g`),
      ln2b: constant([dModel], 0, `l${l}_ln2b`),
      w1: normal([dModel, dMlp], initStd, `l${l}_w1`),
      b1: constant([dMlp], 0, `l${l}_b1`),
      w2: normal([dMlp, dModel], residStd, `l${l}_w2`),
      b2: constant([dModel], 0, `l${l}_b2`),
    })
  }
  const lnfg = constant([dModel], 1, 'lnf_g')
  const lnfb = constant([dModel], 0, 'lnf_b')
  const unembed = normal([dModel, V], initStd, 'unembed')

  const masks = new Map<number, TF.Tensor2D>()
  const causalMask = (T: number): TF.Tensor2D => {
    let m = masks.get(T)
    if (!m) {
      const data = new Float32Array(T * T)
      for (let t = 0; t < T; t++) for (let s = t + 1; s < T; s++) data[t * T + s] = -1e9
      m = tf.keep(tf.tensor2d(data, [T, T]))
      masks.set(T, m)
    }
    return m
  }
  const mm = linear
  const layerNorm = fusedLayerNorm()
  const affine = fusedAffine()
  const attention = causalAttention(1 / Math.sqrt(dh))
  let disposed = false

  return {
    config: { vocabSize: V, maxPositions: P, dModel, heads, layers, dMlp, initStd },
    variables,
    logits(tokens, offset = 0) {
      if (disposed) throw new Error('model: this transformer was disposed')
      if (tokens.rank !== 2) throw new Error(`tokens: expected a [batch, length] tensor, got rank ${tokens.rank}`)
      const [B, T] = tokens.shape
      assertInteger('offset', offset, { min: 0 })
      if (offset + T > P) {
        throw new Error(`tokens: positions ${offset} … ${offset + T - 1} exceed the position table (maxPositions = ${P})`)
      }
      const BT = B * T
      // Embedding lookup as a one-hot matmul (gather's gradient is missing on wasm); positions are a
      // contiguous slice of the table, whose gradient (a pad) every backend has.
      const tokOh = tf.oneHot(tf.reshape(tokens, [BT]) as TF.Tensor1D, V) as TF.Tensor2D
      const pos = tf.slice(posEmb, [offset, 0], [T, dModel])
      let x = tf.reshape(tf.add(tf.reshape(mm(tokOh, tokEmb), [B, T, dModel]), pos), [BT, dModel]) as TF.Tensor2D
      const mask = causalMask(T)
      for (const blk of blocks) {
        // qkv columns are laid out [3, H, dh]. Heads move into the batch with rank ≤ 4 transposes
        // only (rank-5 transposes are ~60× slower on wasm): [B, T, 3H, dh] → [B, 3H, T, dh] =
        // [B, 3, H·T·dh] → [3, B, H·T·dh], whose three leading slices are q, k, v as [B·H, T, dh].
        const qkv = tf.reshape(mm(layerNorm(x, blk.ln1g, blk.ln1b), blk.wqkv), [B, T, 3 * heads, dh])
        const parts = tf.transpose(tf.reshape(tf.transpose(qkv, [0, 2, 1, 3]), [B, 3, heads * T * dh]), [1, 0, 2])
        const [q, k, v] = [0, 1, 2].map((i) => tf.reshape(tf.slice(parts, [i, 0, 0], [1, B, heads * T * dh]), [B * heads, T, dh]) as TF.Tensor3D) as [TF.Tensor3D, TF.Tensor3D, TF.Tensor3D]
        const o = attention(q, k, v, mask) // [B·H, T, dh]
        const merged = tf.reshape(tf.transpose(tf.reshape(o, [B, heads, T, dh]), [0, 2, 1, 3]), [BT, dModel]) as TF.Tensor2D
        x = tf.add(x, mm(merged, blk.wo)) as TF.Tensor2D
        const h2 = layerNorm(x, blk.ln2g, blk.ln2b)
        const mlp = affine(tf.relu(affine(h2, blk.w1, blk.b1)) as TF.Tensor2D, blk.w2, blk.b2)
        x = tf.add(x, mlp) as TF.Tensor2D
      }
      const out = mm(layerNorm(x, lnfg, lnfb), unembed)
      return tf.reshape(out, [B, T, V]) as TF.Tensor3D
    },
    parameterCount() {
      return variables.reduce((s, v) => s + v.size, 0)
    },
    dispose() {
      if (disposed) return
      disposed = true
      for (const v of variables) v.dispose()
      for (const m of masks.values()) m.dispose()
      masks.clear()
    },
  }
}
