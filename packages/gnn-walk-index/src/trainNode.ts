import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, Matrix, resolveRng, type Rng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import type { NodeSplit } from './datasets'
import { assertGraph, type Graph } from './graph'
import type { NodeModel } from './models'
import { toSparseFeatures, type SparseFeatures } from './propagation'

/** Options of {@link trainNodeClassifier}. */
export interface TrainNodeClassifierOptions {
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
  /** Full-batch Adam epochs (default 200). */
  epochs?: number
  /** Adam learning rate (default 0.01). */
  lr?: number
  /** L2 penalty weightDecay/2 · ‖θ‖² (default 5e-4), on the parameters `decay` names. */
  weightDecay?: number
  /**
   * Which parameters weight decay penalizes: 'weights' (default; not biases or norm gains, as Kipf &
   * Welling) or 'all' (PyTorch's Adam(weight_decay=λ), as the paper's code: gradient + λθ for every θ).
   */
  decay?: 'weights' | 'all'
  /** Early stopping: stop after this many epochs without a better validation accuracy (default: never, run all `epochs`). */
  patience?: number
  /** Seed or stream for initialization and dropout (default 0). */
  rng?: Rng | number
  /** Pass an engine (else `initTf()` from core). */
  tf?: typeof TF
}

/**
 * What {@link trainNodeClassifier} returns: accuracies at the epoch of best validation accuracy. For a
 * deterministic model (no dropout) epoch e's accuracies are read off that epoch's training pass, i.e.
 * they score the parameters after e steps; otherwise after e + 1 steps.
 */
export interface NodeClassifierResult {
  trainAccuracy: number
  valAccuracy: number
  testAccuracy: number
  bestEpoch: number
  /** Per epoch: loss, validation accuracy, and training accuracy (NaN on epochs that did not improve validation). */
  history: { epoch: number[]; loss: number[]; trainAccuracy: number[]; valAccuracy: number[] }
}

/**
 * Train a node classifier full batch with Adam on the cross-entropy of the training vertices,
 * L = −(1/|train|) Σ_{i∈train} log softmax(f(X, G))_{i, y_i} + (λ/2) Σ ‖W‖², and report train,
 * validation and test accuracy at the epoch of best validation accuracy (early-stopping model
 * selection, ties to the earlier epoch), optionally stopping early after `patience` epochs without
 * improvement. Every step runs inside tf.tidy.
 * @example const { testAccuracy } = await trainNodeClassifier({ model: gcn({ depth: 2 }), graph, features, labels, split })
 */
export async function trainNodeClassifier(options: TrainNodeClassifierOptions): Promise<NodeClassifierResult> {
  assertKnownOptions('trainNodeClassifier', options, ['model', 'graph', 'features', 'featureDim', 'labels', 'split', 'numClasses', 'epochs', 'lr', 'weightDecay', 'decay', 'patience', 'rng', 'tf'])
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
  const epochs = options.epochs ?? 200
  assertInteger('epochs', epochs, { min: 1 })
  const lr = options.lr ?? 0.01
  assertPositive('lr', lr)
  const weightDecay = options.weightDecay ?? 5e-4
  assertPositive('weightDecay', weightDecay, true)
  const decay = options.decay ?? 'weights'
  if (decay !== 'weights' && decay !== 'all') throw new Error(`decay: expected 'weights' or 'all', got '${String(decay)}'`)
  const patience = options.patience ?? Infinity
  if (patience !== Infinity) assertInteger('patience', patience, { min: 1 })
  const rng = resolveRng(options.rng)
  const tf = options.tf ?? (await initTf()).tf

  const built = model.build(tf, { graph, features, numClasses, rng: rng.fork('init') })
  const decayed = decay === 'all' ? built.variables : built.decayed
  const dropoutRng = rng.fork('dropout')
  // Models with independent vertices (forwardRows) are evaluated on the rows that matter only.
  const rowsMode = typeof built.forwardRows === 'function'
  const trainRows = Int32Array.from(split.train)
  const valRows = Int32Array.from(split.val)
  const testRows = Int32Array.from(split.test)
  const lossRows = rowsMode ? trainRows.length : n
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
  const optimizer = tf.train.adam(lr)
  const pred = new Int32Array(n).fill(-1)
  const accuracy = (idx: ArrayLike<number>): number => {
    if (idx.length === 0) return NaN
    let c = 0
    for (let i = 0; i < idx.length; i++) if (pred[idx[i]!] === labels[idx[i]!]) c++
    return c / idx.length
  }
  const history: NodeClassifierResult['history'] = { epoch: [], loss: [], trainAccuracy: [], valAccuracy: [] }
  let best = { val: -1, train: NaN, test: NaN, epoch: -1 }
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const seed = dropoutRng.int(2 ** 31)
      // A model without dropout gives the evaluation logits in its training forward pass: keep their
      // argmax and score the parameters before this step, saving a forward pass per epoch.
      let keptPred: TF.Tensor | null = null
      const lossT = optimizer.minimize(() => tf.tidy(() => {
        const logits = rowsMode ? built.forwardRows!(trainRows, true, seed) : built.forward(true, seed)
        if (reuseLogits) keptPred = tf.keep(tf.argMax(logits, 1))
        let loss = tf.neg(tf.sum(tf.mul(tf.mul(tf.logSoftmax(logits), Y), M)))
        if (weightDecay > 0) for (const w of decayed) loss = tf.add(loss, tf.mul(weightDecay / 2, tf.sum(tf.square(w))))
        return loss as TF.Scalar
      }), true, built.variables)
      const loss = (lossT as TF.Scalar).dataSync()[0]!
      lossT?.dispose()
      if (!Number.isFinite(loss)) {
        ;(keptPred as TF.Tensor | null)?.dispose()
        throw new Error(`trainNodeClassifier: training diverged: loss is ${loss} at epoch ${epoch}; lower lr`)
      }
      // Validation accuracy every epoch; train and test accuracy only when it improves.
      const predict = (rows: Int32Array | null): void => {
        if (keptPred) {
          pred.set((keptPred as TF.Tensor).dataSync() as Int32Array)
          ;(keptPred as TF.Tensor).dispose()
          keptPred = null
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
      predict(rowsMode ? selectOn : null)
      const score = accuracy(selectOn)
      let tr = NaN
      if (score > best.val) {
        if (rowsMode) { predict(trainRows); predict(testRows) }
        tr = accuracy(split.train)
        best = { val: score, train: tr, test: accuracy(split.test), epoch }
      }
      history.epoch.push(epoch)
      history.loss.push(loss)
      history.trainAccuracy.push(tr)
      history.valAccuracy.push(valRows.length > 0 ? score : NaN)
      if (epoch - best.epoch >= patience) break
    }
  } finally {
    optimizer.dispose()
    Y.dispose()
    M.dispose()
    built.dispose()
  }
  return { trainAccuracy: best.train, valAccuracy: split.val.length ? best.val : NaN, testAccuracy: best.test, bestEpoch: best.epoch, history }
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
