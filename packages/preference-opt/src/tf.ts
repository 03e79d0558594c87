/**
 * @theoryml/preference-opt/tf, the tfjs track: the DPO-family `preferenceLoss` on tensors (the same
 * name, options and formulas as the float64 one in the root entry) and `sequenceLogProb`, both
 * differentiable by tfjs autodiff; MLP classifier policies (a policy is a distribution over
 * responses) with soft-target pretraining and RFT/SFT finetuning, for the vanishing-gradients
 * experiments. Imports `@tensorflow/tfjs` (an optional peer dependency); call `await initTf()` from
 * `@theoryml/core/tf` once before any function here. Float64 functions and shared types
 * (`PreferenceLossOptions`, `PreferenceLogps`, …) come from `@theoryml/preference-opt`.
 * @packageDocumentation
 */
export { preferenceLoss, sequenceLogProb, type PreferenceLossResult } from './dpo/loss-tf'
export {
  FINETUNE_DEFAULTS,
  PRETRAIN_SOFT_DEFAULTS,
  disposePolicy,
  finetune,
  mlpLogits,
  mlpPolicy,
  policyProbs,
  pretrainSoft,
  type FinetuneGroup,
  type FinetuneHistory,
  type FinetuneMetric,
  type FinetuneMetrics,
  type FinetuneOptions,
  type FinetuneResult,
  type FinetuneState,
  type MlpPolicy,
  type MlpPolicyOptions,
  type PretrainSoftOptions,
  type PretrainSoftResult,
  type PretrainSoftState,
} from './rft/finetune'
