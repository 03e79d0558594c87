/**
 * @theoryml/linear-nets: deep linear networks on the float64 track — initialization, end-to-end
 * matrix and dynamics, balancedness, deep matrix factorization for completion and sensing, ℓp
 * regression for implicit acceleration, and the minimum nuclear norm baseline. Observed entries are
 * core's `Observations` (from `sampleObservations` in @theoryml/core).
 * @packageDocumentation
 */
export {
  DEFAULT_INIT_SCALE,
  balancednessGap,
  endToEnd,
  initDeepLinear,
  layerGrad,
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
  type DeepLinearState,
  type FactorizationHistory,
  type MatrixCompletionOptions,
  type MatrixSensingOptions,
  type Measurement,
} from './factorization'
export {
  LP_REGRESSION_DEFAULTS,
  lpLoss,
  lpLossAndGrad,
  lpRegression,
  type LpRegressionOptions,
  type LpRegressionResult,
} from './lp-regression'
export { minNuclearNormCompletion, type MinNuclearNormOptions, type MinNuclearNormResult } from './nuclear-norm'
export { lowRankMatrix, type LowRankMatrixOptions } from './observations'
