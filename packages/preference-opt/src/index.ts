/**
 * @theoryml/preference-opt, the float64 track (no tfjs): the primitives of two papers.
 * - Likelihood displacement in DPO and the CHES score (Razin, Malladi, Bhaskar, Chen, Arora, Hanin
 *   2025), in `src/dpo`: DPO-family losses with the TRL metrics, the unconstrained features model with
 *   exact gradients and its trainer, likelihood-displacement tracking and the theorem, CHES.
 * - Vanishing gradients in reinforcement finetuning (Razin et al. 2024), in `src/rft`: reward std, the
 *   bandit closed forms, exact and sampled policy gradients with the theorem's bound, the task data.
 * The tfjs track (the same losses on tensors, MLP policies and their finetuning) is
 * `@theoryml/preference-opt/tf`.
 * @packageDocumentation
 */
export {
  PREFERENCE_LOSS_DEFAULTS,
  logSigmoid,
  preferenceLoss,
  sigmoid,
  type PreferenceLogps,
  type PreferenceLossOptions,
  type PreferenceLossResult,
  type PreferenceLossType,
  type PreferenceMetrics,
} from './dpo/loss'
export { ufmPolicy, type PreferencePair, type PromptId, type UfmPolicy, type UfmPolicyOptions } from './dpo/ufm'
export {
  TRAIN_PREFERENCE_DEFAULTS,
  preferenceLossAndGrad,
  preferenceObjective,
  trainPreference,
  type PreferenceHistory,
  type PreferenceObjective,
  type PreferenceObjectiveOptions,
  type PreferenceReference,
  type TrainPreferenceOptions,
  type TrainPreferenceResult,
  type TrainPreferenceState,
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
export { relabeledMixture, type RelabeledMixture, type RelabeledMixtureOptions } from './rft/data'
