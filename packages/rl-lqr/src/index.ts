/**
 * @theoryml/rl-lqr (float64 track): LQR systems, discrete Riccati solvers, policy gradient from
 * chosen initial states, the extrapolation/exploration measures of Razin, Alexander, Cohen-Karlik,
 * Giryes, Globerson & Cohen, "Implicit Bias of Policy Gradient in Linear Quadratic Control:
 * Extrapolation to Unseen Initial States" (ICML 2024), and the paper's pendulum with an MLP
 * controller trained by exact BPTT. The same pendulum controller on tfjs (autodiff) is the
 * `@theoryml/rl-lqr/tf` entry; this one loads no tfjs.
 * @packageDocumentation
 */
export {
  basisStates,
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
export { closedLoop, finiteHorizonCost, finiteHorizonCostAndGrad, infiniteHorizonCost, minimalCost } from './cost'
export {
  POLICY_GRADIENT_DEFAULTS,
  policyGradient,
  type PolicyGradientOptions,
  type PolicyGradientResult,
  type PolicyGradientState,
} from './policy-gradient'
export {
  costExtrapolationError,
  explorationMeasure,
  extrapolation,
  noExtrapolationController,
  type ExplorationResult,
  type ExtrapolationResult,
} from './extrapolation'
export { TRAIN_PENDULUM_CONTROLLER_DEFAULTS, pendulum, type Pendulum, type PendulumOptions, type RolloutCostOptions } from './pendulum'
export { mlpController, pendulumCost, pendulumCostAndGrad, pendulumTrajectory, trainPendulumController, type MlpController, type MlpControllerOptions, type TrainPendulumControllerOptions, type TrainPendulumControllerResult, type TrainPendulumControllerState } from './pendulum-float64'
