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
export { listExamples, loadExample, main, parseReproArgs, repro, type ReproArgs } from './cli'
