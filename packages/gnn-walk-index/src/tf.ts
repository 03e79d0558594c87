/**
 * @theoryml/gnn-walk-index/tf: the tfjs track of the package — message-passing GNNs (GCN, GIN), the
 * linear propagation baseline, a full-batch node-classification trainer, and the differentiable
 * sparse products they are built on. Call `await initTf()` (from @theoryml/core/tf) once first.
 * Graphs, walk indices, sparsifiers, data sets and the float64 propagation matrices come from the
 * root entry `@theoryml/gnn-walk-index`.
 * @packageDocumentation
 */
export { gcn, gin, linearPropagation, type GnnOptions, type LinearPropagationOptions, type NodeModel } from './models'
export { sparseFeatureMatMul, sparseMatMul } from './sparse-ops'
export {
  NODE_CLASSIFIER_DEFAULTS,
  trainNodeClassifier,
  type NodeClassifierResult,
  type NodeClassifierState,
  type TrainNodeClassifierOptions,
} from './trainNode'
