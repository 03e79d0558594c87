import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, createRng, type Rng } from '@theoryml/core'
import { linear } from '@theoryml/core/tf'
import type { Graph } from '@theoryml/gnn-walk-index'
import { propagateFeatures, propagationMatrix, selectRows, type SparseFeatures, type SparseOperator } from './propagation'
import { prepareFeatures, prepareOperator, sparseFeatureMatMul } from './sparse-ops'

/** @internal What a model gets to build itself for one graph. */
export interface BuildInput {
  graph: Graph
  /** numNodes × inputDim features in CSR form. */
  features: SparseFeatures
  numClasses: number
  rng: Rng
}

/** @internal A built model: its trainable variables and a forward pass giving logits for every vertex. */
export interface BuiltModel {
  /** The trainable variables by name (`layer0.weight`, `layer0.bias`, …, `output.weight`), in creation order. */
  params: Record<string, TF.Variable>
  /** Variables penalized by weight decay (weights, not biases or norm gains). */
  decayed: TF.Variable[]
  /** numNodes × numClasses logits; `training` turns dropout on; `seed` seeds it. Call inside tf.tidy. */
  forward(training: boolean, seed: number): TF.Tensor2D
  /** Logits of the vertices `rows` only (|rows| × numClasses), for models whose vertices are independent given precomputed features. */
  forwardRows?(rows: Int32Array, training: boolean, seed: number): TF.Tensor2D
  /** True when `forward(true, ·)` equals `forward(false, ·)` (no dropout): the trainer then scores validation accuracy on the training pass's logits. */
  deterministic?: boolean
  /** Free every tensor the model holds. */
  dispose(): void
}

/**
 * A node-classification model on the tfjs track (from {@link gcn}, {@link gin} or
 * {@link linearPropagation}), built per graph by `trainNodeClassifier`.
 */
export interface NodeModel {
  /** 'gcn', 'gin' or 'linear'. */
  readonly name: string
  /** Number of message-passing layers (propagation steps for 'linear'). */
  readonly depth: number
  /** @internal Build the model's variables for one graph (called by trainNodeClassifier). */
  build(input: BuildInput): BuiltModel
}

/** Options of {@link gcn} and {@link gin}. */
export interface GnnOptions {
  /** Number of message-passing layers L (default 2). */
  depth?: number
  /** Hidden width (default 64). */
  hidden?: number
  /** Layer normalization after each hidden aggregation (default true, as in the paper's experiments). */
  layerNorm?: boolean
  /** Dropout rate on each layer's input during training (default 0.5). */
  dropout?: number
  /**
   * 'conv' (default): the last of the L layers aggregates straight to class logits, hidden layers are
   * ReLU(LN(·)). 'linear': the layout of the paper's code (gnn_interactions, `GraphModel`): L
   * message-passing layers of width `hidden`, each followed by ReLU then layer norm, and a linear
   * output layer H⁽ᴸ⁾ W_out + b_out.
   */
  readout?: 'conv' | 'linear'
}

function gnnOptions(name: string, options: GnnOptions): Required<GnnOptions> {
  assertKnownOptions(name, options, ['depth', 'hidden', 'layerNorm', 'dropout', 'readout'])
  const o = { depth: options.depth ?? 2, hidden: options.hidden ?? 64, layerNorm: options.layerNorm ?? true, dropout: options.dropout ?? 0.5, readout: options.readout ?? 'conv' }
  if (o.readout !== 'conv' && o.readout !== 'linear') throw new Error(`readout: expected 'conv' or 'linear', got '${String(o.readout)}'`)
  assertInteger('depth', o.depth, { min: 1 })
  assertInteger('hidden', o.hidden, { min: 1 })
  assertPositive('dropout', o.dropout, true)
  if (o.dropout >= 1) throw new Error(`dropout: expected a rate in [0, 1), got ${o.dropout}`)
  return o
}

/** Glorot-uniform weight from the seeded stream. */
function glorot(rng: Rng, rows: number, cols: number): TF.Variable {
  const limit = Math.sqrt(6 / (rows + cols))
  const init = rng.fillUniform(new Float32Array(rows * cols), -limit, limit)
  return tf.tidy(() => tf.variable(tf.tensor2d(init, [rows, cols])))
}

function layerNorm(h: TF.Tensor2D, gain: TF.Variable, bias: TF.Variable): TF.Tensor2D {
  const { mean, variance } = tf.moments(h, 1, true)
  return tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias) as TF.Tensor2D
}

function messagePassing(name: string, aggregation: 'sym' | 'sum', o: Required<GnnOptions>): NodeModel {
  return {
    name,
    depth: o.depth,
    build(input) {
      const P: SparseOperator = propagationMatrix(input.graph, aggregation)
      const X = input.features
      // P and X are constant: uploaded once, multiplied by the backend's segment sum.
      const Pop = prepareOperator(P)
      const Xop = prepareFeatures(X)
      const linearOut = o.readout === 'linear'
      // Width after layer l's aggregation; with a 'conv' readout the last layer aggregates to logits.
      const outDim = (l: number): number => (!linearOut && l === o.depth - 1 ? input.numClasses : o.hidden)
      const hasHiddenMlp = (l: number): boolean => aggregation === 'sum' && (linearOut || l < o.depth - 1)
      const W: TF.Variable[] = []
      const b: TF.Variable[] = []
      const W2: TF.Variable[] = []
      const gains: TF.Variable[] = []
      const shifts: TF.Variable[] = []
      // Named as PyTorch's state_dict would name them; the random draws keep their order (W, then W2, per layer).
      const params: Record<string, TF.Variable> = {}
      const add = <T extends TF.Variable>(list: T[], name: string, v: T): void => { list.push(v); params[name] = v }
      for (let l = 0; l < o.depth; l++) {
        const hiddenLayer = linearOut || l < o.depth - 1
        add(W, `layer${l}.weight`, glorot(input.rng, l === 0 ? X.cols : o.hidden, outDim(l)))
        add(b, `layer${l}.bias`, tf.tidy(() => tf.variable(tf.zeros([outDim(l)]))))
        if (hasHiddenMlp(l)) add(W2, `layer${l}.mlp.weight`, glorot(input.rng, o.hidden, o.hidden))
        if (o.layerNorm && hiddenLayer) {
          add(gains, `layer${l}.norm.gain`, tf.tidy(() => tf.variable(tf.ones([o.hidden]))))
          add(shifts, `layer${l}.norm.shift`, tf.tidy(() => tf.variable(tf.zeros([o.hidden]))))
        }
      }
      if (linearOut) {
        add(W, 'output.weight', glorot(input.rng, o.hidden, input.numClasses))
        add(b, 'output.bias', tf.tidy(() => tf.variable(tf.zeros([input.numClasses]))))
      }
      // H W with transpose-free gradients (wasm's transposed-operand matMul is ~8× slower on Cora-sized operands)
      const mm = linear
      let disposed = false
      return {
        params,
        decayed: [...W, ...W2],
        deterministic: o.dropout === 0,
        forward(training, seed) {
          if (disposed) throw new Error(`model: this ${name} model was disposed; build a new one`)
          let h: TF.Tensor2D | null = null
          for (let l = 0; l < o.depth; l++) {
            const last = !linearOut && l === o.depth - 1
            if (h && training && o.dropout > 0) h = tf.dropout(h, o.dropout, undefined, seed + l) as TF.Tensor2D
            // GCN: P H W + b. GIN (ε = 0): MLP(Â H) with a 2-layer MLP on hidden layers.
            // The first layer multiplies the sparse features (segment sum; with input dropout, in JS on the dropped values).
            const hw = h ? mm(h, W[l]!) : training && o.dropout > 0 ? sparseFeatureMatMul(dropValues(X, o.dropout, seed), W[l]!) : Xop.apply(W[l]!)
            let z = tf.add(Pop.apply(hw), b[l]!) as TF.Tensor2D
            if (last) return z
            if (aggregation === 'sum') z = mm(tf.relu(z), W2[l]!)
            if (linearOut) {
              // The paper's order: ReLU, then layer norm.
              h = tf.relu(z)
              if (o.layerNorm) h = layerNorm(h, gains[l]!, shifts[l]!)
            } else {
              if (o.layerNorm) z = layerNorm(z, gains[l]!, shifts[l]!)
              h = tf.relu(z)
            }
          }
          if (training && o.dropout > 0) h = tf.dropout(h!, o.dropout, undefined, seed + o.depth) as TF.Tensor2D
          return tf.add(mm(h!, W[o.depth]!), b[o.depth]!) as TF.Tensor2D
        },
        dispose() {
          if (disposed) return
          disposed = true
          for (const v of Object.values(params)) v.dispose()
          Pop.dispose()
          Xop.dispose()
        },
      }
    },
  }
}

/**
 * Graph convolutional network (Kipf & Welling 2017) of depth L on the tfjs track:
 * H⁽ˡ⁺¹⁾ = ReLU(LN(P H⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾)), logits = P H⁽ᴸ⁻¹⁾ W⁽ᴸ⁾ + b⁽ᴸ⁾, with P = D̂^{-1/2}(A + I)D̂^{-1/2}
 * and optional layer norm LN. `readout: 'linear'` gives the paper's layout instead: L layers
 * H⁽ˡ⁺¹⁾ = LN(ReLU(P H⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾)), then logits = H⁽ᴸ⁾ W_out + b_out.
 * @example trainNodeClassifier({ model: gcn({ depth: 3, hidden: 64 }), graph, features, labels, split })
 */
export function gcn(options: GnnOptions = {}): NodeModel {
  return messagePassing('gcn', 'sym', gnnOptions('gcn', options))
}

/**
 * Graph isomorphism network (Xu et al. 2019, ε = 0) of depth L on the tfjs track:
 * H⁽ˡ⁺¹⁾ = ReLU(LN(ReLU((A + I) H⁽ˡ⁾ W₁⁽ˡ⁾ + b⁽ˡ⁾) W₂⁽ˡ⁾)), logits = (A + I) H⁽ᴸ⁻¹⁾ W⁽ᴸ⁾ + b⁽ᴸ⁾
 * (sum aggregation, a two-layer MLP per hidden layer).
 * @example trainNodeClassifier({ model: gin({ depth: 3 }), graph, features, labels, split })
 */
export function gin(options: GnnOptions = {}): NodeModel {
  return messagePassing('gin', 'sum', gnnOptions('gin', options))
}

/** Options of {@link linearPropagation}. */
export interface LinearPropagationOptions {
  /** Propagation steps L (default 2). */
  depth?: number
}

/**
 * The linear propagation baseline (SGC, Wu et al. 2019): features propagated L times with the GCN
 * matrix, X̃ = P^L X (P = D̂^{-1/2}(A + I)D̂^{-1/2}, precomputed in float64), then softmax
 * regression logits = X̃ W + b. Its receptive field matches a depth-L GNN's.
 * @example trainNodeClassifier({ model: linearPropagation({ depth: 3 }), graph, features, labels, split })
 */
export function linearPropagation(options: LinearPropagationOptions = {}): NodeModel {
  assertKnownOptions('linearPropagation', options, ['depth'])
  const depth = options.depth ?? 2
  assertInteger('depth', depth, { min: 0 })
  return {
    name: 'linear',
    depth,
    build(input) {
      const X = input.features
      const d = X.cols
      const Xp = propagateFeatures(propagationMatrix(input.graph, 'sym'), X, depth)
      const cache = new Map<Int32Array, SparseFeatures>()
      const W = tf.tidy(() => tf.variable(tf.zeros([d, input.numClasses])))
      const b = tf.tidy(() => tf.variable(tf.zeros([input.numClasses])))
      let disposed = false
      const alive = (): void => {
        if (disposed) throw new Error('model: this linear propagation model was disposed; build a new one')
      }
      return {
        params: { weight: W, bias: b },
        decayed: [W],
        forward() {
          alive()
          return tf.add(sparseFeatureMatMul(Xp, W), b) as TF.Tensor2D
        },
        forwardRows(rows) {
          alive()
          let Xr = cache.get(rows)
          if (!Xr) { Xr = selectRows(Xp, rows); cache.set(rows, Xr) }
          return tf.add(sparseFeatureMatMul(Xr, W), b) as TF.Tensor2D
        },
        dispose() {
          if (disposed) return
          disposed = true
          W.dispose(); b.dispose(); cache.clear()
        },
      }
    },
  }
}

/** Inverted dropout on the stored values of a sparse matrix (seeded). */
function dropValues(X: SparseFeatures, rate: number, seed: number): SparseFeatures {
  const rng = createRng(seed)
  const values = new Float32Array(X.values.length)
  const keep = 1 / (1 - rate)
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() < rate ? 0 : X.values[i]! * keep
  return { ...X, values }
}
