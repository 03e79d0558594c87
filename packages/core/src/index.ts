/**
 * @theoryml/core: seeded RNG, float64 n-d arrays and linear algebra, optimizers, a training loop,
 * shared by every theoryml package. The tfjs track (initTf, tensor conversion, tfjs ops) is the
 * `@theoryml/core/tf` entry, so this one loads no tfjs.
 * @packageDocumentation
 */
export { Matrix } from 'ml-matrix'
export { createRng, resolveRng, type Rng } from './rng'
export { dmath } from './dmath'
export { packObservations, sampleObservations, unobservedEntries, type Observations, type PackedObservations, type SampleObservationsOptions } from './observations'
export {
  ALLOCATION_LIMIT_BYTES,
  assertAllocation,
  assertFinite,
  assertFiniteArray,
  assertInteger,
  assertKnownOptions,
  assertPositive,
  toMatrix,
  toVector,
  type MatrixLike,
  type VectorLike,
} from './validate'
export {
  clone,
  get,
  isNdArray,
  matrixToNdarray,
  ndarray,
  ndarrayToMatrix,
  permuteAxes,
  reshape,
  set,
  sizeOf,
  stridesOf,
  zeros,
  type NdArray,
} from './ndarray'
export {
  effectiveRank,
  eigenvalues,
  expm,
  frobeniusNorm,
  inverse,
  kron,
  luSolver,
  nuclearNorm,
  pseudoInverse,
  relativeError,
  singularValues,
  solveContinuousLyapunov,
  solve,
  solveDiscreteLyapunov,
  svd,
  symmetricEigen,
  symmetricPower,
  type LuSolver,
  type Svd,
} from './linalg'
export {
  dot,
  fromFlat,
  matmul,
  matmulNT,
  matmulTN,
  pivotedCholesky,
  symmetricEigenvalues,
  toFlat,
  transpose,
  type LowRankFactor,
} from './dense'
export {
  adam,
  adaptiveGd,
  createOptimizer,
  gd,
  groupRmsprop,
  momentum,
  type AdamOptions,
  type AdaptiveGdOptions,
  type GdOptions,
  type GroupRmspropOptions,
  type MomentumOptions,
  type Optimizer,
  type OptimizerName,
  type OptimizerSpec,
  type Params,
} from './optim'
export { train, type TrainOptions, type TrainResult, type TrainState } from './train'
export {
  DivergenceError,
  resolveOptimizer,
  resolveOptimizerSpec,
  TRAINER_OPTION_KEYS,
  trainerLoop,
  type History,
  type Recorder,
  type StopReason,
  type TrainerLoop,
  type TrainerOptions,
  type TrainerResult,
  type TrainerState,
} from './trainer'
