/**
 * @theoryml/gnn-walk-index: graphs, the walk index of a vertex partition, Walk Index Sparsification
 * and its baselines, data sets and float64 propagation matrices (Razin, Verbin, Cohen 2023, "On the
 * Ability of Graph Neural Networks to Model Interactions Between Vertices"). This root entry loads no
 * tfjs. The GNNs and their trainer are the tfjs track, `@theoryml/gnn-walk-index/tf`; reading data
 * sets from disk lives in the Node-only entry `@theoryml/gnn-walk-index/node`: `loadCora()` for the
 * Cora copy shipped in the package, `loadLinqs(dir)` for your own LINQS files. `parseCora(texts)`
 * here is the browser-safe half of `loadCora()` (the texts fetched and decompressed by the caller).
 * @packageDocumentation
 */
export { Graph, fromEdges, fromGraphology, toGraphology, type EdgesLike } from './graph'
export { boundary, vertexWalkIndices, walkCounts, walkIndex, type WalkIndexOptions } from './walks'
export { oneWis, wis, type OneWisOptions, type SparsifyResult, type WisOptions } from './wis'
export {
  karateClub,
  parseCora,
  parseLinqs,
  parseSplit,
  planetoidSplit,
  randomSplit,
  type CoraDataset,
  type CoraTexts,
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
  propagateFeatures,
  propagationMatrix,
  sparseMatMul,
  toSparseFeatures,
  type SparseFeatures,
  type SparseOperator,
} from './propagation'
