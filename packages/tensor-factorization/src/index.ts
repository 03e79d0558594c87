/**
 * @theoryml/tensor-factorization: CP and hierarchical tensor factorizations, their implicit
 * regularization, and the quantum entanglement of data for locally connected networks. This root
 * entry is the float64 track and loads no tfjs; the locally connected networks and the regularizer
 * against locality are the tfjs track, `@theoryml/tensor-factorization/tf`; the loaders of the
 * real data sets shipped with the package (`loadDigits()`, …) are Node-only, `@theoryml/tensor-factorization/node`.
 * @packageDocumentation
 */

// --- tensor factorizations (Razin, Maman, Cohen 2021; 2022) ---
export { fold, khatriRao, modeProduct, outer, unfold } from './factorization/tensor'
export { cpAls, cpComponentNorms, cpRank, cpToTensor, randomCp, type Cp, type CpAlsOptions, type CpAlsResult, type CpRankOptions, type CpResult } from './factorization/cp'
export {
  CP_COMPLETION_DEFAULTS,
  cpCompletion,
  cpCompletionLossAndGrad,
  type CpCompletionOptions,
  type CpCompletionResult,
  type CpCompletionState,
} from './factorization/cp-completion'
export { balancedTree, hierarchicalRank, htf, htfToTensor, localComponentNorms, treeNodes, type HierarchicalRank, type Htf, type HtfNode, type HtfOptions, type ModeTree } from './factorization/htf'
export {
  HTF_COMPLETION_DEFAULTS,
  htfCompletion,
  htfCompletionLossAndGrad,
  type HtfCompletionOptions,
  type HtfCompletionResult,
  type HtfCompletionState,
} from './factorization/htf-completion'
export { isSameClassSequences, type IsSameClassOptions, type IsSameClassTask, type SequenceSet } from './factorization/same-class-task'

// --- entanglement of data (Alexander, De La Vega, Razin, Cohen 2023) ---
export { DEFAULT_THETA, featureMap, type FeatureMapOptions, type FeatureScaling } from './entanglement/features'
export { canonicalPartitions, canonicalPartitions2d, quadTreeOrder, type Partition } from './entanglement/partitions'
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
} from './entanglement/measures'
export { averageSurrogateEntanglement, featureCorrelations, surrogateEntanglement, type AverageSurrogateOptions } from './entanglement/surrogate'
export { permuteFeatures, randomSwaps, rearrangeFeatures, type RearrangeOptions } from './entanglement/rearrange'
export {
  parseDatasetCsv,
  shippedDataset,
  SHIPPED_DATASETS,
  type DigitsDataset,
  type LabeledDataset,
  type ParseDatasetCsvOptions,
  type RealDataset,
  type ShippedDatasetName,
} from './entanglement/datasets'
