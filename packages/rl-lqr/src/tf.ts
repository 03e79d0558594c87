/**
 * @theoryml/rl-lqr/tf (tfjs track): the paper's pendulum with an MLP controller trained by tfjs
 * autodiff — the same names, options and results as the float64 track's (`@theoryml/rl-lqr`),
 * whose exact BPTT gradients these agree with. Call `await initTf()` (from `@theoryml/core/tf`) once
 * first; the system (`pendulum()`), the defaults and the measures come from `@theoryml/rl-lqr`.
 * @packageDocumentation
 */
export { mlpController, pendulumCost, pendulumCostAndGrad, pendulumRolloutCost, pendulumTrajectory, trainPendulumController, type MlpController, type MlpControllerOptions, type TrainPendulumControllerOptions, type TrainPendulumControllerResult, type TrainPendulumControllerState } from './pendulum-tf'
