/**
 * @theoryml/rasp/tf: the tfjs track. A small causal transformer with fused kernels, the paper's
 * training recipe (packed contexts, random position offsets, loss on answer tokens), greedy
 * decoding, exact-match evaluation and the length-generalization measurement. Call
 * `await initTf()` (from `@theoryml/core/tf`) once before any function here; tasks, programs and
 * tokens come from the root entry `@theoryml/rasp`.
 * @packageDocumentation
 */
export { createTransformer, type Transformer, type TransformerConfig } from './transformer'
export { makeBatch, type Batch, type BatchOptions, type Recipe } from './batch'
export {
  batchLoss,
  TRAIN_TRANSFORMER_DEFAULTS,
  trainTransformer,
  type TrainTransformerOptions,
  type TrainTransformerResult,
  type TrainTransformerState,
} from './training'
export { evaluateExactMatch, generate, type EvaluateOptions, type GenerateOptions } from './evaluation'
export {
  lengthGeneralization,
  type LengthGeneralizationOptions,
  type LengthGeneralizationResult,
  type LengthGeneralizationRun,
  type LengthGeneralizationState,
} from './length-generalization'
