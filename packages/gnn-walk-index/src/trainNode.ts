import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import {
  assertInteger,
  assertKnownOptions,
  assertPositive,
  Matrix,
  resolveOptimizerSpec,
  resolveRng,
  TRAINER_OPTION_KEYS,
  trainerLoop,
  type History,
  type NdArray,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from '@theoryml/core'
import { fromTensor, tfOptimizer } from '@theoryml/core/tf'
import type { Graph, NodeSplit } from '@theoryml/gnn-walk-index'
import { assertGraph } from './brand'
import { assertDisjointSplit } from './split-check'
import type { NodeModel } from './models'
import { toSparseFeatures, type SparseFeatures } from './propagation'

/**
 * Defaults of {@link trainNodeClassifier}: full-batch Adam, lr 0.01, 200 steps, weight decay 5e-4 on
 * the weight matrices, no early stopping.
 * @example NODE_CLASSIFIER_DEFAULTS.lr // 0.01
 */
export const NODE_CLASSIFIER_DEFAULTS = { optimizer: 'adam', lr: 0.01, steps: 200, weightDecay: 5e-4, decay: 'weights', patience: Infinity } as const

/** What `record`, `onStep` and `stopWhen` see in {@link trainNodeClassifier}, once per step, before that step's update. */
export interface NodeClassifierState extends TrainerState {
  /** Cross-entropy on the training vertices plus the weight-decay penalty, at the current parameters (dropout on). */
  loss: number
  /** Accuracy of the current parameters on `split.val` (NaN when it is empty). */
  valAccuracy: number
  /** Accuracy on `split.train` when this step improved the best validation accuracy, else NaN. */
  trainAccuracy: number
  /** The step whose parameters have the best validation accuracy so far (ties to the earlier). */
  bestStep: number
  /** The model's live variables by name (`layer0.weight`, …): read them inside `tf.tidy`, never dispose them. */
  params: Readonly<Record<string, TF.Variable>>
}

/** Options of {@link trainNodeClassifier}: the common trainer options (core's `TrainerOptions`) plus the data, the model and the regularization. */
export interface TrainNodeClassifierOptions extends TrainerOptions<NodeClassifierState> {
  /** The model: `gcn(…)`, `gin(…)` or `linearPropagation(…)`. */
  model: NodeModel
  graph: Graph
  /** numNodes × d features: a Matrix, number[][], a row-major Float32Array/Float64Array with `featureDim`, or CSR (`toSparseFeatures`, cheapest to reuse). */
  features: Matrix | readonly (readonly number[])[] | Float32Array | Float64Array | SparseFeatures
  /** Feature width when `features` is a flat array. */
  featureDim?: number
  /** Class index of every vertex. */
  labels: ArrayLike<number>
  split: NodeSplit
  /** Number of classes (default max label + 1). */
  numClasses?: number
  /** L2 penalty weightDecay/2 · ‖θ‖² (default 5e-4), on the parameters `decay` names. */
  weightDecay?: number
  /**
   * Which parameters weight decay penalizes: 'weights' (default; not biases or norm gains, as Kipf &
   * Welling) or 'all' (PyTorch's Adam(weight_decay=λ), as the paper's code: gradient + λθ for every θ).
   */
  decay?: 'weights' | 'all'
  /**
   * Early stopping: stop once this many steps have passed without a better validation accuracy
   * (default: never). The run then ends with `stoppedBy: 'stopWhen'`, as if by a built-in `stopWhen`.
   */
  patience?: number
}

/**
 * What {@link trainNodeClassifier} returns: the final parameters, the accuracies at the step of best
 * validation accuracy (model selection), and core's `history`, `steps`, `stoppedBy`.
 */
export interface NodeClassifierResult extends TrainerResult {
  /** The learned parameters after the last update, by name (`layer0.weight`, …, `output.bias`; `weight`, `bias` for linear propagation), as float64 arrays. */
  params: Record<string, NdArray>
  /** Accuracy on `split.train` of the parameters at `bestStep`. */
  trainAccuracy: number
  /** Accuracy on `split.val` at `bestStep` (the best one; NaN when `split.val` is empty). */
  valAccuracy: number
  /** Accuracy on `split.test` of the parameters at `bestStep`. */
  testAccuracy: number
  /** The step whose parameters (after that many updates) scored the best validation accuracy (ties to the earlier). */
  bestStep: number
  /** Rows: `step`, `loss`, `valAccuracy`, `trainAccuracy` (NaN on rows that did not improve validation), then the `record` columns. */
  history: History
}

const OWN_KEYS = ['model', 'graph', 'features', 'featureDim', 'labels', 'split', 'numClasses', 'weightDecay', 'decay', 'patience'] as const

/**
 * Train a node classifier full batch on the cross-entropy of the training vertices,
 * L(θ) = −(1/|train|) Σ_{i∈train} log softmax(f_θ(X, G))_{i, y_i} + (λ/2) Σ ‖W‖², with Adam by
 * default (any tfjs-track optimizer of core: `optimizer` + `lr`, or a spec). At every step k the
 * parameters θ_k (after k updates) are scored on the validation vertices; train, validation and test
 * accuracy are reported at the best one (early-stopping model selection, ties to the earlier step),
 * and `patience` stops the run after that many steps without improvement. `params` holds the
 * parameters after the last update. Needs `await initTf()` (from @theoryml/core/tf) first; every step
 * runs inside tf.tidy and no tensor outlives the call.
 * @example
 * await initTf()
 * const { testAccuracy, bestStep, history } = await trainNodeClassifier({
 *   model: gcn({ depth: 2 }), graph, features, labels, split, optimizer: 'adam', lr: 0.01, steps: 200, patience: 50,
 * })
 */
export async function trainNodeClassifier(options: TrainNodeClassifierOptions): Promise<NodeClassifierResult> {
  assertKnownOptions('trainNodeClassifier', options, [...OWN_KEYS, ...TRAINER_OPTION_KEYS])
  const { model, graph, split } = options
  if (!model || typeof model.build !== 'function') throw new Error('model: expected a model from gcn(), gin() or linearPropagation()')
  assertGraph(graph)
  const n = graph.numNodes
  const features = sparseInput(options.features, n) ?? denseToSparse(options.features, n, options.featureDim)
  const labels = options.labels
  if (!labels || labels.length !== n) throw new Error(`labels: expected ${n} labels, got ${labels?.length}`)
  let numClasses = options.numClasses ?? 0
  for (let i = 0; i < n; i++) {
    const y = labels[i]!
    if (!Number.isInteger(y) || y < 0) throw new Error(`labels: expected non-negative integers, got ${y} at index ${i}`)
    if (options.numClasses === undefined) numClasses = Math.max(numClasses, y + 1)
    else if (y >= numClasses) throw new Error(`labels: label ${y} at index ${i} is not below numClasses ${numClasses}`)
  }
  assertInteger('numClasses', numClasses, { min: 2 })
  for (const part of ['train', 'val', 'test'] as const) {
    const idx = split?.[part]
    if (!idx || typeof idx.length !== 'number') throw new Error(`split.${part}: expected an array of vertex indices`)
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i]!
      if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`split.${part}: vertex ${v} at position ${i} is out of range [0, ${n})`)
    }
  }
  if (split.train.length === 0) throw new Error('split.train: expected at least one training vertex')
  assertDisjointSplit(split, 'split')
  const defaults = NODE_CLASSIFIER_DEFAULTS
  const spec = resolveOptimizerSpec(options, defaults)
  const weightDecay = options.weightDecay ?? defaults.weightDecay
  assertPositive('weightDecay', weightDecay, true)
  const decay = options.decay ?? defaults.decay
  if (decay !== 'weights' && decay !== 'all') throw new Error(`decay: expected 'weights' or 'all', got '${String(decay)}'`)
  const patience = options.patience ?? defaults.patience
  if (patience !== Infinity) assertInteger('patience', patience, { min: 1 })
  const rng = resolveRng(options.rng)
  let best = { val: -1, train: NaN, test: NaN, step: -1 }
  const userStop = options.stopWhen
  const loop = trainerLoop<NodeClassifierState>(
    { ...options, stopWhen: (s) => s.step - best.step >= patience || (userStop?.(s) ?? false) },
    { steps: defaults.steps, columns: { valAccuracy: (s) => s.valAccuracy, trainAccuracy: (s) => s.trainAccuracy } },
  )
  const optimizer = tfOptimizer(spec) // throws, naming initTf, when the tfjs track is not started

  const built = model.build({ graph, features, numClasses, rng: rng.fork('init') })
  const variables = Object.values(built.params)
  const decayed = decay === 'all' ? variables : built.decayed
  const dropoutRng = rng.fork('dropout')
  // Models with independent vertices (forwardRows) are evaluated on the rows that matter only.
  const rowsMode = typeof built.forwardRows === 'function'
  const trainRows = Int32Array.from(split.train)
  const valRows = Int32Array.from(split.val)
  const testRows = Int32Array.from(split.test)
  const lossRows = rowsMode ? trainRows.length : n
  // A model without dropout gives the evaluation logits in its training forward pass: score θ_k on them.
  const reuseLogits = !rowsMode && built.deterministic === true
  const onehot = new Float32Array(lossRows * numClasses)
  const mask = new Float32Array(lossRows)
  if (rowsMode) {
    trainRows.forEach((v, i) => { onehot[i * numClasses + labels[v]!] = 1; mask[i] = 1 / trainRows.length })
  } else {
    for (let i = 0; i < n; i++) onehot[i * numClasses + labels[i]!] = 1
    for (const v of split.train) mask[v] = 1 / split.train.length
  }
  const Y = tf.tensor2d(onehot, [lossRows, numClasses])
  const M = tf.tensor2d(mask, [lossRows, 1])
  const pred = new Int32Array(n).fill(-1)
  const accuracy = (idx: ArrayLike<number>): number => {
    if (idx.length === 0) return NaN
    let c = 0
    for (let i = 0; i < idx.length; i++) if (pred[idx[i]!] === labels[idx[i]!]) c++
    return c / idx.length
  }
  const lossOf = (seed: number, keep: { pred: TF.Tensor | null }): TF.Scalar => tf.tidy(() => {
    const logits = rowsMode ? built.forwardRows!(trainRows, true, seed) : built.forward(true, seed)
    if (reuseLogits) keep.pred = tf.keep(tf.argMax(logits, 1))
    let loss = tf.neg(tf.sum(tf.mul(tf.mul(tf.logSoftmax(logits), Y), M)))
    if (weightDecay > 0) for (const w of decayed) loss = tf.add(loss, tf.mul(weightDecay / 2, tf.sum(tf.square(w))))
    return loss as TF.Scalar
  })
  // Predictions of the current parameters on `rows` (all vertices when null), or the kept training-pass argmax.
  const predict = (rows: Int32Array | null, keep: { pred: TF.Tensor | null }): void => {
    if (keep.pred) {
      pred.set(keep.pred.dataSync() as Int32Array)
      keep.pred.dispose()
      keep.pred = null
    } else if (rows === null) {
      const t = tf.tidy(() => tf.argMax(built.forward(false, 0), 1))
      pred.set(t.dataSync() as Int32Array)
      t.dispose()
    } else if (rows.length > 0) {
      const t = tf.tidy(() => tf.argMax(built.forwardRows!(rows, false, 0), 1))
      const p = t.dataSync() as Int32Array
      t.dispose()
      rows.forEach((v, i) => { pred[v] = p[i]! })
    }
  }
  const selectOn = valRows.length > 0 ? valRows : trainRows
  const state: NodeClassifierState = { step: 0, loss: NaN, valAccuracy: NaN, trainAccuracy: NaN, bestStep: -1, params: built.params }
  const keep: { pred: TF.Tensor | null } = { pred: null }
  let grads: TF.NamedTensorMap | null = null
  let params: Record<string, NdArray>
  try {
    for (; ; state.step++) {
      const seed = dropoutRng.int(2 ** 31)
      // The loss and gradient at θ_k; the last step (k = steps) needs the loss only.
      let lossT: TF.Scalar
      if (state.step < loop.steps) {
        const r = optimizer.computeGradients(() => lossOf(seed, keep), variables)
        lossT = r.value
        grads = r.grads
      } else {
        lossT = lossOf(seed, keep)
      }
      state.loss = lossT.dataSync()[0]!
      lossT.dispose()
      // Validation accuracy every step; train and test accuracy only when it improves.
      predict(rowsMode ? selectOn : null, keep)
      const score = accuracy(selectOn)
      state.trainAccuracy = NaN
      if (score > best.val) {
        if (rowsMode) { predict(trainRows, keep); predict(testRows, keep) }
        state.trainAccuracy = accuracy(split.train)
        best = { val: score, train: state.trainAccuracy, test: accuracy(split.test), step: state.step }
      }
      state.valAccuracy = valRows.length > 0 ? score : NaN
      state.bestStep = best.step
      if (loop.stop(state)) break
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads![v.name]! })))
      tf.dispose(grads!)
      grads = null
    }
    params = Object.fromEntries(Object.entries(built.params).map(([name, v]) => [name, fromTensor(v)]))
  } finally {
    if (grads) tf.dispose(grads)
    keep.pred?.dispose()
    optimizer.dispose()
    Y.dispose()
    M.dispose()
    built.dispose()
  }
  return {
    params,
    trainAccuracy: best.train,
    valAccuracy: split.val.length ? best.val : NaN,
    testAccuracy: best.test,
    bestStep: best.step,
    ...loop.result(),
  }
}

function isSparseFeatures(x: unknown): x is SparseFeatures {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'offsets' in x && 'columns' in x && 'values' in x
}

/** Validate a CSR feature input (null when the input is not CSR). */
function sparseInput(features: unknown, n: number): SparseFeatures | null {
  if (!isSparseFeatures(features)) return null
  const X = features
  if (X.rows !== n) throw new Error(`features: expected ${n} rows (one per vertex), got ${X.rows}`)
  if (!(X.offsets instanceof Int32Array) || X.offsets.length !== n + 1 || X.offsets[n] !== X.values.length || X.columns.length !== X.values.length) {
    throw new Error('features: malformed CSR (offsets must have numNodes + 1 entries ending at nnz)')
  }
  for (let i = 0; i < X.values.length; i++) {
    const c = X.columns[i]!
    if (c < 0 || c >= X.cols) throw new Error(`features: column ${c} at entry ${i} is out of range [0, ${X.cols})`)
    if (!Number.isFinite(X.values[i]!)) throw new Error(`features: expected finite numbers, got ${X.values[i]} at entry ${i}`)
  }
  return X
}

function denseToSparse(features: TrainNodeClassifierOptions['features'], n: number, featureDim: number | undefined): SparseFeatures {
  const { data, dim } = flattenFeatures(features as Exclude<TrainNodeClassifierOptions['features'], SparseFeatures>, n, featureDim)
  return toSparseFeatures(data, n, dim)
}

function flattenFeatures(features: Exclude<TrainNodeClassifierOptions['features'], SparseFeatures>, n: number, featureDim: number | undefined): { data: Float32Array; dim: number } {
  if (features instanceof Float32Array || features instanceof Float64Array) {
    const dim = featureDim ?? features.length / n
    assertInteger('featureDim', dim, { min: 1 })
    if (features.length !== n * dim) throw new Error(`features: expected ${n} × ${dim} = ${n * dim} entries, got ${features.length}`)
    for (let i = 0; i < features.length; i++) if (!Number.isFinite(features[i]!)) throw new Error(`features: expected finite numbers, got ${features[i]} at index ${i}`)
    return { data: Float32Array.from(features), dim }
  }
  if (!Matrix.isMatrix(features) && !Array.isArray(features)) throw new Error('features: expected a Matrix, number[][] or a flat Float32Array')
  const m = Matrix.isMatrix(features) ? (features as Matrix) : new Matrix(features as number[][])
  if (m.rows !== n) throw new Error(`features: expected ${n} rows (one per vertex), got ${m.rows}`)
  const data = new Float32Array(n * m.columns)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m.columns; j++) {
      const v = m.get(i, j)
      if (!Number.isFinite(v)) throw new Error(`features: expected finite entries, got ${v} at (${i}, ${j})`)
      data[i * m.columns + j] = v
    }
  }
  return { data, dim: m.columns }
}
