/**
 * @theoryml/preference-opt: DPO-family losses with the TRL metrics, the unconstrained features model
 * with exact gradients, likelihood-displacement tracking and its theorem, and the CHES score
 * (Razin, Malladi, Bhaskar, Chen, Arora, Hanin 2025).
 * @packageDocumentation
 */
export {
  PREFERENCE_LOSS_DEFAULTS,
  logSigmoid,
  marginLoss,
  preferenceLoss,
  resolveLossOptions,
  sigmoid,
  type PreferenceLogps,
  type PreferenceLossOptions,
  type PreferenceLossResult,
  type PreferenceLossType,
  type PreferenceMetrics,
  type ResolvedLossOptions,
} from './dpo/loss'
export { preferenceLossTf, sequenceLogProb, type PreferenceLossTfResult } from './dpo/loss-tf'
export {
  checkPair,
  checkTokens,
  logSoftmaxRows,
  ufmPolicy,
  type PreferencePair,
  type PromptId,
  type UfmPolicy,
  type UfmPolicyOptions,
} from './dpo/ufm'
export {
  preferenceGradient,
  preferenceObjective,
  trainPreference,
  type PreferenceObjective,
  type PreferenceHistory,
  type PreferenceObjectiveOptions,
  type PreferenceReference,
  type TrainPreferenceOptions,
  type TrainPreferenceResult,
} from './dpo/train-preference'
export {
  alphaCoefficients,
  displacementRate,
  likelihoodDisplacement,
  type AlphaCoefficients,
  type DisplacementRate,
  type DisplacementRateOptions,
  type LikelihoodDisplacement,
  type LikelihoodDisplacementOptions,
} from './dpo/displacement'
export {
  ches,
  filterByChes,
  lengthNormalizedChes,
  rankByChes,
  responseStates,
  type ChesFilterResult,
  type ChesPair,
  type ChesRankOptions,
  type FilterByChesOptions,
  type HiddenStates,
  type ResponseStatesOptions,
} from './dpo/ches'

// --- rft (issue 10) ---
export { rewardStd, type RewardStdBatch } from './rft/reward'
export { banditStepsToHalf, rftTimeToHalf, sftTimeToHalf, type BanditOptions } from './rft/bandit'
export {
  expectedPolicyGradient,
  gradientBound,
  logProbGradient,
  logitJacobianNorm,
  outputDistribution,
  reinforceGradient,
  softmaxPolicy,
  type ExpectedGradient,
  type GradientBound,
  type PolicyGradient,
  type SequenceReward,
  type SoftmaxPolicy,
} from './rft/policy'
export {
  disposePolicy,
  finetune,
  mlpLogits,
  mlpPolicy,
  policyProbs,
  pretrainSoft,
  type FinetuneOptions,
  type FinetuneResult,
  type GroupHistory,
  type MlpPolicy,
} from './rft/finetune'
export { relabeledMixture, type RelabeledMixture, type RelabeledMixtureOptions } from './rft/data'
