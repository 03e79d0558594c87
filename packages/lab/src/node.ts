/**
 * Node-only entry of @theoryml/lab (`@theoryml/lab/node`): the `theoryml` command line, sweeps over
 * grids and seeds on worker threads, JSON-lines results files and SVG rendering of figures.
 * @packageDocumentation
 */
export { renderSvg } from './plot'
export { main, type CliIo } from './cli'
export { listExamples, loadExample } from './load'
export { gridPoints, mergeRecords, pointKey, readRecords, runPoint, sweep, type SweepOptions, type SweepRecord, type SweepResult } from './sweep'
