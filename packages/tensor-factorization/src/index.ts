/**
 * @theoryml/tensor-factorization: CP and hierarchical tensor factorizations, their implicit
 * regularization, and the quantum entanglement of data for locally connected networks.
 * @packageDocumentation
 */

// --- factorizations (issue 4) ---
export { fold, khatriRao, modeProduct, outer, unfold } from './tensor'
export { cpAls, cpComponentNorms, cpRank, cpToTensor, randomCp, type Cp, type CpAlsOptions, type CpAlsResult, type CpRankOptions, type CpResult } from './cp'
export { sampleObservations, unobservedEntries, type Observations, type OptimizerChoice } from './observations'
export { cpCompletion, cpCompletionGradient, type CpCompletionOptions, type CpCompletionResult } from './cp-completion'
export { balancedTree, hierarchicalRank, htf, htfToTensor, localComponentNorms, treeNodes, type HierarchicalRank, type Htf, type HtfNode, type HtfOptions, type ModeTree } from './htf'
export { htfCompletion, htfCompletionGradient, type HtfCompletionOptions, type HtfCompletionResult } from './htf-completion'
export { locallyConnected, trainLocallyConnected, type LocallyConnectedModel, type LocallyConnectedOptions, type TrainLocallyConnectedOptions } from './locally-connected'
export { localityRegularizer, type LocalityRegularizerOptions, type SequenceModel } from './locality-regularizer'
export { isSameClassSequences, type IsSameClassOptions, type IsSameClassTask, type SequenceSet } from './same-class-task'

// --- entanglement (issue 5) ---
export { DEFAULT_THETA, featureMap, type FeatureMapOptions, type FeatureScaling } from './entanglement-features'
export { canonicalPartitions, canonicalPartitions2d, type Partition } from './entanglement-partitions'
export {
  averageEntanglement,
  dataTensor,
  dataTensorEntanglement,
  entanglementEntropy,
  geometricEntanglement,
  tensorEntanglement,
  type AverageEntanglementOptions,
  type DataTensorOptions,
  type EntanglementOptions,
} from './entanglement'
export { averageSurrogateEntanglement, featureCorrelations, surrogateEntanglement, type AverageSurrogateOptions } from './entanglement-surrogate'
export { permuteFeatures, randomSwaps, rearrangeFeatures, type RearrangeOptions } from './entanglement-rearrange'
export { trainLocalConvNet, type LocalConvNet, type LocalConvNetOptions } from './entanglement-model'
