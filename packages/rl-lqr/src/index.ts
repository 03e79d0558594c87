/**
 * @theoryml/rl-lqr: LQR systems, discrete Riccati solvers, policy gradient from chosen initial states,
 * and the extrapolation/exploration measures of Razin, Alexander, Cohen-Karlik, Giryes, Globerson &
 * Cohen, "Implicit Bias of Policy Gradient in Linear Quadratic Control: Extrapolation to Unseen
 * Initial States" (ICML 2024).
 * @packageDocumentation
 */
export { solveDiscreteLyapunov } from '@theoryml/core'
export {
  assertSymmetricPsd,
  basisStates,
  controllerFromRow,
  controllerToRow,
  identitySystem,
  lqrSystem,
  randomSystem,
  shiftSystem,
  type Convention,
  type LqrSystem,
  type LqrSystemOptions,
  type RandomSystemOptions,
} from './system'
export { dareResidual, dlqr, solveDare, type Complex, type DlqrResult } from './riccati'
export { closedLoop, finiteHorizonCost, finiteHorizonCostAndGradient, infiniteHorizonCost, minimalCost } from './cost'
export { policyGradient, type PolicyGradientOptions, type PolicyGradientResult } from './policy-gradient'
export { explorationMeasure, extrapolation, noExtrapolationController, type ExplorationResult, type ExtrapolationResult } from './extrapolation'
export {
  costExtrapolationError,
  mlpController,
  pendulum,
  pendulumCost,
  pendulumRolloutCost,
  pendulumTrajectory,
  trainPendulumController,
  type MlpController,
  type MlpControllerOptions,
  type Pendulum,
  type PendulumOptions,
  type TrainPendulumOptions,
} from './pendulum'
export {
  mlpPolicy,
  pendulumCostAndGradient,
  pendulumPolicyCost,
  trainPendulumPolicy,
  type MlpPolicy,
  type MlpPolicyOptions,
  type RolloutCostOptions,
  type TrainPendulumPolicyOptions,
} from './pendulum-float64'
