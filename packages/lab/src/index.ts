/**
 * @theoryml/lab: experiments as data — defineExperiment, claims, plots as Vega-Lite/SVG, and the
 * `theoryml` command line (Node only).
 * @packageDocumentation
 */
export {
  claim,
  defineExperiment,
  resolveConfig,
  runExperiment,
  type AnyExperiment,
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
} from './experiment'
export { figureSpec, renderSvg } from './plot'
export { listExamples, loadExample, main, mergeCommand, parseReproArgs, repro, sweepCommand, type CliIo, type ReproArgs } from './cli'
export { progressBar, type ProgressReporter } from './progress'
export { gridPoints, mergeRecords, pointKey, readRecords, runPoint, sweep, type SweepOptions, type SweepRecord, type SweepResult } from './sweep'
