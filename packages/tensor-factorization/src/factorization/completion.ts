/**
 * What cpCompletion and htfCompletion share around their objectives: reading the problem options
 * (observations, topK, target, optimizer), the gradient-descent loop with its relError column, and
 * the top-k component norms the history records.
 */
import { assertInteger, packObservations, relativeError, resolveOptimizer, trainerLoop, type NdArray, type Optimizer, type OptimizerName, type Params } from '@theoryml/core'
import type { Observations, PackedObservations, Recorder, TrainerOptions, TrainerResult, TrainerState } from '@theoryml/core'
import { checkTensor } from './tensor'

/** The options both completion trainers read the same way. */
interface CompletionProblemOptions<S extends TrainerState> extends TrainerOptions<S> {
  observations: Observations
  topK?: number
  target?: NdArray
}

/** The problem of a completion run, validated in this order: observations, topK, target, optimizer. */
export interface CompletionProblem {
  obs: PackedObservations
  /** How many of the largest component norms the history keeps (0: no column). */
  topK: number
  target: NdArray | undefined
  optimizer: Optimizer
}

/** Read the shared options of a completion trainer against the (checked) `shape`. @internal */
export function completionProblem<S extends TrainerState>(
  options: CompletionProblemOptions<S>,
  shape: readonly number[],
  defaults: { optimizer: OptimizerName; lr: number; topK: number },
): CompletionProblem {
  const obs = packObservations(shape, options.observations)
  const topK = options.topK ?? defaults.topK
  assertInteger('topK', topK, { min: 0 })
  const target = options.target === undefined ? undefined : checkTensor('target', options.target)
  if (target && (target.shape.length !== shape.length || target.shape.some((d, n) => d !== shape[n]))) {
    throw new Error(`target: expected shape [${shape.join(', ')}], got [${target.shape.join(', ')}]`)
  }
  return { obs, topK, target, optimizer: resolveOptimizer(options, defaults) }
}

/** How one completion run evaluates and updates its parameters. @internal */
export interface CompletionRun<S extends TrainerState> {
  /** The state the trainer options see; `loss` and `step` are updated here, `relError` added with a target. */
  state: S
  /** The flat parameter buffers (updated in place) and their gradient buffers, named `${prefix}${k}`. */
  flats: readonly Float64Array[]
  grads: readonly Float64Array[]
  prefix: string
  /** Loss at `flats`, gradients written into `grads`. */
  evaluate: () => number
  /** The current full tensor, for relError = ‖Ŵ − target‖_F / ‖target‖_F. */
  tensor: () => NdArray
  /** History columns before relError (e.g. componentNorms). */
  columns: Record<string, Recorder<S>>
  defaultSteps: number
}

/**
 * Gradient descent on a completion objective: each step evaluates the loss and gradients, lets
 * core's trainer loop record and decide whether to stop, then takes one optimizer step. With a
 * target, the history column and state field relError = ‖Ŵ − target‖_F / ‖target‖_F. @internal
 */
export function runCompletion<S extends TrainerState>(options: TrainerOptions<S>, problem: CompletionProblem, run: CompletionRun<S>): TrainerResult {
  const { state, flats, grads, prefix, evaluate, tensor, columns } = run
  const { target, optimizer } = problem
  const params: Params = {}
  const gradParams: Params = {}
  flats.forEach((f, k) => {
    params[`${prefix}${k}`] = f
    gradParams[`${prefix}${k}`] = grads[k] as Float64Array
  })
  if (target) {
    columns.relError = () => relativeError(tensor(), target)
    Object.defineProperty(state, 'relError', { enumerable: true, get: () => relativeError(tensor(), target) })
  }
  const loop = trainerLoop(options, { steps: run.defaultSteps, columns })
  for (; ; state.step++) {
    state.loss = evaluate()
    if (loop.stop(state)) break
    optimizer.step(params, gradParams)
  }
  return loop.result()
}

/** Sort a copy descending and keep the top k. @internal */
export function topK(values: Float64Array, k: number): number[] {
  return Array.from(values).sort((a, b) => b - a).slice(0, k)
}
