import type * as TF from '@tensorflow/tfjs'

let engine: typeof TF | null = null

/** @internal Set by initTf once `@tensorflow/tfjs` is loaded. */
export function setTfEngine(tf: typeof TF): void {
  engine = tf
}

/**
 * The `@tensorflow/tfjs` namespace that {@link initTf} loaded: the one engine the tfjs track of
 * every package computes with. Throws until `await initTf()` has run.
 * @example await initTf(); const t = tfjs().ones([2, 2])
 */
export function tfjs(): typeof TF {
  if (engine === null) throw new Error('the tfjs track is not started: call `await initTf()` (from @theoryml/core/tf) once first')
  return engine
}
