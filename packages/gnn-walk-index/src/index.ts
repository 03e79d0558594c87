/**
 * @theoryml/gnn-walk-index: graphs, the walk index of a vertex partition, Walk Index Sparsification
 * and message-passing GNNs on tfjs (Razin, Verbin, Cohen 2023, "On the Ability of Graph Neural
 * Networks to Model Interactions Between Vertices"). Reading data sets from disk lives in the
 * Node-only entry `@theoryml/gnn-walk-index/node`: `loadCora()` for the Cora copy shipped in the
 * package, `loadLinqs(dir)` for your own LINQS files.
 * @packageDocumentation
 */
export { Graph, fromEdges, fromGraphology, toGraphology, type EdgesLike } from './graph'
export { boundary, vertexWalkIndices, walkCounts, walkIndex, type WalkIndexOptions } from './walks'
export { oneWis, wis, type OneWisOptions, type SparsifyResult, type WisOptions } from './wis'
export {
  karateClub,
  parseLinqs,
  planetoidSplit,
  randomSplit,
  type NodeDataset,
  type NodeSplit,
  type ParseLinqsOptions,
  type PlanetoidSplitOptions,
  type RandomSplitOptions,
} from './datasets'
export {
  effectiveResistances,
  randomSparsify,
  spectralSparsify,
  type EffectiveResistanceOptions,
  type RandomSparsifyOptions,
  type SpectralSparsifyOptions,
} from './sparsify'
export {
  propagationMatrix,
  sparseFeatureMatMul,
  sparseMatMul,
  propagateFeatures,
  spmm,
  toSparseFeatures,
  type SparseFeatures,
  type SparseOperator,
} from './propagation'
export {
  gcn,
  gin,
  linearPropagation,
  type BuildInput,
  type BuiltModel,
  type GnnOptions,
  type LinearPropagationOptions,
  type NodeModel,
} from './models'
export { trainNodeClassifier, type NodeClassifierResult, type TrainNodeClassifierOptions } from './trainNode'
