/**
 * @theoryml/ssm: diagonal linear state space models, teacher–student data, closed-form gradient
 * descent and its dynamics, the clean-label poisoning construction of Slutzky, Alexander, Razin &
 * Cohen, and SSM layers inside non-linear tfjs networks.
 * @packageDocumentation
 */
export {
  diagonalSsm,
  impulseResponse,
  ssmOutput,
  ssmOutputRecurrent,
  toSequences,
  type DiagonalSsm,
  type DiagonalSsmOptions,
  type SequencesLike,
} from './ssm'
export { lowDimTeacher, teacher, theoremTeacher, type LowDimTeacherOptions, type Teacher } from './teacher'
export { baselineSequences, dataset, specialSequences, type SequenceDataset, type SequenceOptions } from './data'
export { effectiveRankOfA, extrapolationError, type ExtrapolationError, type ExtrapolationOptions } from './metrics'
export { ssmLoss, ssmLossAndGradient, type SsmGradients } from './gradient'
export { gradientFlow, type FlowOptimizer, type GradientFlowOptions } from './optimizer'
export { studentInit, trainSsm, type StudentInitOptions, type Trainable, type TrainSsmOptions, type TrainSsmResult } from './train'
export { ssmLayer, type SsmLayer, type SsmLayerOptions } from './layer'
export {
  networkDataset,
  networkExtrapolationError,
  ssmNetwork,
  trainSsmNetwork,
  type NetworkDataset,
  type SsmNetwork,
  type SsmNetworkOptions,
  type TrainSsmNetworkOptions,
  type TrainSsmNetworkResult,
} from './network'
