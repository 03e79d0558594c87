/**
 * @theoryml/linear-nets: deep linear networks on the float64 track — initialization, end-to-end
 * matrix and dynamics, balancedness, deep matrix factorization for completion and sensing, ℓp
 * regression for implicit acceleration, and the minimum nuclear norm baseline.
 * @packageDocumentation
 */
export {
  DEFAULT_INIT_SCALE,
  balancednessGap,
  endToEnd,
  initDeepLinear,
  layerGradients,
  type DeepLinearInit,
  type InitDeepLinearOptions,
} from './deep-linear'
export { endToEndStep, singularValueDynamics, type EndToEndStepOptions } from './end-to-end'
export {
  FACTORIZATION_DEFAULTS,
  matrixCompletion,
  matrixSensing,
  type DeepFactorizationOptions,
  type DeepFactorizationResult,
  type FactorizationHistory,
  type MatrixCompletionOptions,
  type MatrixSensingOptions,
  type Measurement,
  type OptimizerChoice,
} from './factorization'
export { LP_REGRESSION_DEFAULTS, lpLoss, lpRegression, type LpRegressionOptions, type LpRegressionResult } from './lp-regression'
export { minNuclearNormCompletion, type MinNuclearNormOptions, type MinNuclearNormResult } from './nuclear-norm'
export {
  lowRankMatrix,
  sampleObservations,
  type LowRankMatrixOptions,
  type Observation,
  type SampleObservationsOptions,
} from './observations'
