/**
 * @theoryml/tensor-factorization/tf: the tfjs track. Locally connected (and convolutional) networks
 * on 1D sequences, their trainer, the explicit regularizer against locality (Razin, Maman, Cohen
 * 2022, Sec. 5), and the locally connected classifier of the entanglement experiments (Alexander et
 * al. 2023). Install `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`, and call
 * `await initTf()` (from `@theoryml/core/tf`) once before any function here. The float64 track
 * (factorizations, entanglement measures, the is-same-class task) is the root entry.
 * @packageDocumentation
 */
export {
  locallyConnected,
  TRAIN_LOCALLY_CONNECTED_DEFAULTS,
  trainLocallyConnected,
  type LocallyConnectedModel,
  type LocallyConnectedOptions,
  type LocallyConnectedState,
  type TrainLocallyConnectedOptions,
  type TrainLocallyConnectedResult,
} from './locally-connected'
export { localityRegularizer, type LocalityRegularizerOptions, type SequenceModel } from './factorization/locality-regularizer'
export { LOCAL_CONV_NET_DEFAULTS, trainLocalConvNet, type LocalConvNet, type LocalConvNetOptions } from './entanglement/model'
