/**
 * @theoryml/ssm: diagonal linear state space models, teacher–student data, closed-form gradient
 * descent and its dynamics, and the clean-label poisoning construction of Slutzky, Alexander, Razin &
 * Cohen, on the float64 track. SSM layers inside non-linear tfjs networks are the `@theoryml/ssm/tf` entry.
 * @packageDocumentation
 */
export {
  diagonalSsm,
  impulseResponse,
  ssmOutput,
  ssmOutputRecurrent,
  type DiagonalSsm,
  type DiagonalSsmOptions,
  type SequencesLike,
} from './ssm'
export { lowDimTeacher, teacher, theoremTeacher, type LowDimTeacherOptions, type Teacher } from './teacher'
export { baselineSequences, dataset, specialSequences, type SequenceDataset, type SequenceOptions } from './data'
export { effectiveRankOfA, extrapolationError, type ExtrapolationError, type ExtrapolationOptions } from './metrics'
export { ssmLoss, ssmLossAndGrad, type SsmGrad } from './gradient'
export { gradientFlow, type FlowOptimizer, type GradientFlowOptions } from './optimizer'
export {
  studentInit,
  trainSsm,
  TRAIN_SSM_DEFAULTS,
  type StudentInitOptions,
  type StudentInitScheme,
  type Trainable,
  type TrainSsmOptions,
  type TrainSsmResult,
  type TrainSsmState,
} from './train'
