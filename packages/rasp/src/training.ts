/**
 * The paper's training recipe for the small transformer on tfjs: Adam with linear warm-up and
 * linear decay on online batches from {@link makeBatch}, the loss on answer tokens only. The loop
 * (history, callbacks, stopping, divergence) is core's `trainerLoop`, as in every theoryml trainer.
 */
import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import {
  assertInteger,
  assertKnownOptions,
  resolveOptimizerSpec,
  resolveRng,
  TRAINER_OPTION_KEYS,
  trainerLoop,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { checkLengths, makeBatch, type Batch, type Recipe } from './batch'
import type { Task } from './tasks'
import type { Transformer } from './transformer'

/**
 * Masked next-token cross-entropy of a batch, as a scalar tensor (call inside `tf.tidy`):
 * L = −Σₜ wₜ log softmax(logitsₜ)[yₜ] / Σₜ wₜ.
 * @example const loss = tf.tidy(() => batchLoss(model, batch).dataSync()[0])
 */
export function batchLoss(model: Transformer, batch: Batch): TF.Scalar {
  const { batchSize: B, contextLength: T } = batch
  const V = model.config.vocabSize
  const x = tf.tensor2d(batch.tokens, [B, T], 'int32')
  const y = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), V)
  const w = tf.tensor1d(batch.weights)
  const logp = tf.logSoftmax(tf.reshape(model.logits(x, batch.offset), [B * T, V]))
  const nll = tf.neg(tf.sum(tf.mul(logp, y), -1))
  return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.sum(w), 1)) as TF.Scalar
}

/**
 * The defaults of {@link trainTransformer} (and of {@link lengthGeneralization}'s training): Adam
 * at lr 10⁻³, warmed up linearly over 20 steps, 16 rows of 48 tokens per batch. `every` defaults to
 * core's max(1, ⌊steps/100⌋).
 */
export const TRAIN_TRANSFORMER_DEFAULTS = {
  optimizer: 'adam',
  lr: 1e-3,
  warmup: 20,
  batchSize: 16,
  contextLength: 48,
} as const

/** What `record`, `onStep` and `stopWhen` see in {@link trainTransformer}. */
export interface TrainTransformerState extends TrainerState {
  /** The model being trained: its variables hold the current parameters. */
  model: Transformer
  /** The learning rate of this step's update (after warm-up and decay). */
  lr: number
}

/** Options of {@link trainTransformer}: the common trainer options plus the task and the recipe. */
export interface TrainTransformerOptions<S extends TrainTransformerState = TrainTransformerState> extends TrainerOptions<S> {
  task: Task
  /** Training sample lengths, drawn uniformly each sample. */
  trainLengths: readonly number[]
  /** Number of updates (required). */
  steps: number
  /** Rows per batch (default 16). */
  batchSize?: number
  /** Tokens per row (default 48). */
  contextLength?: number
  /** Steps of linear learning-rate warm-up (default 20); after it the rate decays linearly to 10% at `steps`. */
  warmup?: number
  recipe?: Recipe
}

/** What {@link trainTransformer} returns: the trained model (the same object, trained in place), history, steps, stoppedBy. */
export interface TrainTransformerResult extends TrainerResult {
  /** The model passed in, its variables now trained. */
  model: Transformer
  /** Mean wall-clock milliseconds per update. */
  msPerStep: number
}

const TRAIN_KEYS = ['task', 'trainLengths', 'batchSize', 'contextLength', 'warmup', 'recipe', ...TRAINER_OPTION_KEYS] as const

/**
 * @internal The training loop behind {@link trainTransformer} and {@link lengthGeneralization}:
 * `extra` joins the state the callbacks see (lengthGeneralization adds the seed).
 */
export function runTraining<S extends TrainTransformerState>(
  name: string,
  model: Transformer,
  options: TrainTransformerOptions<S>,
  extra: Omit<S, keyof TrainTransformerState>,
): TrainTransformerResult {
  const { task } = options
  if (!model || typeof model.logits !== 'function') throw new Error(`model: expected a Transformer from createTransformer(), got ${String(model)}`)
  if (!task || typeof task.sample !== 'function') throw new Error('task: expected a Task (countTask(), copyTask(), …)')
  if (task.vocabSize > model.config.vocabSize) {
    throw new Error(`task: its vocabulary (${task.vocabSize} tokens) exceeds the model's vocabSize ${model.config.vocabSize}`)
  }
  const lengths = checkLengths('trainLengths', task, options.trainLengths)
  if (options.steps === undefined) throw new Error(`steps: required (the number of updates) in ${name}`)
  assertInteger('steps', options.steps, { min: 0 })
  const D = TRAIN_TRANSFORMER_DEFAULTS
  const batchSize = options.batchSize ?? D.batchSize
  const contextLength = options.contextLength ?? D.contextLength
  const warmup = options.warmup ?? D.warmup
  assertInteger('batchSize', batchSize, { min: 1 })
  assertInteger('warmup', warmup, { min: 0 })
  if (contextLength > model.config.maxPositions) {
    throw new Error(`contextLength: ${contextLength} exceeds the model's position table (maxPositions = ${model.config.maxPositions})`)
  }
  const spec = resolveOptimizerSpec(options, D)
  const rng = resolveRng(options.rng, 0)
  const loop = trainerLoop<S>(options, { steps: options.steps })
  const batchOptions = { lengths, batchSize, contextLength, maxPositions: model.config.maxPositions, ...(options.recipe ? { recipe: options.recipe } : {}) }
  const optimizer = tfOptimizer(spec)
  // tfjs's sgd, momentum and adam read `learningRate` at every update: the schedule sets it.
  const schedule = optimizer as unknown as { learningRate: number }
  const steps = loop.steps
  const state = { step: 0, loss: NaN, model, lr: spec.lr, ...extra } as S
  const t0 = performance.now()
  let elapsed = 0
  try {
    for (; ; state.step++) {
      const step = state.step
      const batch = makeBatch(task, rng, batchOptions)
      state.lr = spec.lr * Math.min(1, (step + 1) / Math.max(1, warmup)) * (1 - (0.9 * step) / Math.max(1, steps))
      if (step >= steps) {
        // The last row: the loss at the trained parameters, no update follows.
        elapsed = performance.now() - t0
        state.loss = tf.tidy(() => batchLoss(model, batch).dataSync()[0] as number)
        loop.stop(state)
        break
      }
      // The loss and its gradient at the current parameters; the update is applied after the loop
      // controller has seen the loss (the same kernels as optimizer.minimize).
      const grads = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => batchLoss(model, batch), model.variables)
        state.loss = value.dataSync()[0] as number
        return grads
      })
      try {
        if (loop.stop(state)) {
          elapsed = performance.now() - t0
          break
        }
        schedule.learningRate = state.lr
        // As optimizer.minimize does: an array in variable order (adam keys its moments by index).
        optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: grads[v.name] as TF.Tensor })))
      } finally {
        tf.dispose(grads)
      }
    }
  } finally {
    optimizer.dispose()
  }
  const result = loop.result()
  return { model, ...result, msPerStep: result.steps > 0 ? elapsed / result.steps : 0 }
}

/**
 * Train a transformer in place on online batches from {@link makeBatch}: at step t the rate is
 * lr·min(1, (t + 1)/warmup)·(1 − 0.9·t/steps) (linear warm-up, then linear decay to 10%), the
 * update minimizes {@link batchLoss}. Speaks the common trainer vocabulary (core's
 * `TrainerOptions`): `optimizer` ('adam' by default, 'gd' or 'momentum', a name with `lr`, or a spec
 * `{ type, lr, … }`), `steps`, `every`, `record`, `onStep(state, history)`, `stopAtLoss`,
 * `stopWhen`, `signal`, `rng` (the data stream, default seed 0). History rows hold the loss on the
 * step's batch before its update; the last row (step = steps) the loss at the trained parameters.
 * Defaults: {@link TRAIN_TRANSFORMER_DEFAULTS}. Throws `DivergenceError` on a non-finite loss.
 * @example
 * await initTf()
 * const model = createTransformer({ vocabSize: countTask().vocabSize, maxPositions: 64, rng: 0 })
 * const { history, stoppedBy } = trainTransformer(model, { task: countTask(), trainLengths: [1, 2, 3, 4, 5], steps: 200, optimizer: 'adam', lr: 3e-3 })
 */
export function trainTransformer(model: Transformer, options: TrainTransformerOptions): TrainTransformerResult {
  assertKnownOptions('trainTransformer', options, TRAIN_KEYS)
  return runTraining('trainTransformer', model, options, {})
}
