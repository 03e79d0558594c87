/**
 * @theoryml/lab: experiments as data — defineExperiment, claims, runExperiment and figures as
 * Vega-Lite specs. This entry is browser-safe; the `theoryml` command line, sweeps, results files
 * and SVG rendering are Node-only, in `@theoryml/lab/node`.
 * @packageDocumentation
 */
export {
  claim,
  defineExperiment,
  resolveConfig,
  runExperiment,
  runTask,
  type AnyExperiment,
  type DeepPartial,
  type Axis,
  type Claim,
  type Experiment,
  type ExperimentContext,
  type ExperimentDefinition,
  type ExperimentResult,
  type Figure,
  type HeatmapFigure,
  type Line,
  type LineFigure,
  type RunOptions,
  type ExperimentTask,
  type TaskContext,
  type TaskMapper,
} from './experiment'
export { figureSpec } from './plot'
export { claimsOverSeeds, type SeedRow, type SeedRun } from './seeds'
export { bootstrapCi, mean, median, pearson, quantile, spearman, standardError, std, type BootstrapCiOptions } from './stats'
export { progressBar, type ProgressReporter } from './progress'
