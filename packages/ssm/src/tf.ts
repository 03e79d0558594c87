/**
 * @theoryml/ssm/tf: the tfjs track. Diagonal (real or complex) SSM layers, the paper's SSM-between-MLPs
 * network, teacher-labeled data, full-batch autodiff training and the network extrapolation error.
 * Call `await initTf()` (from `@theoryml/core/tf`) once before any of them. The float64 models
 * (`diagonalSsm`, `impulseResponse`, `trainSsm`, …) are the root entry, `@theoryml/ssm`.
 * @packageDocumentation
 */
export { ssmLayer, type SsmLayer, type SsmLayerOptions } from './layer'
export {
  networkDataset,
  networkExtrapolationError,
  ssmNetwork,
  trainSsmNetwork,
  TRAIN_SSM_NETWORK_DEFAULTS,
  type NetworkDataset,
  type NetworkDatasetOptions,
  type NetworkExtrapolationOptions,
  type SsmNetwork,
  type SsmNetworkOptions,
  type TrainSsmNetworkOptions,
  type TrainSsmNetworkResult,
  type TrainSsmNetworkState,
} from './network'
