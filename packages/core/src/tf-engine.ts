import type * as TF from '@tensorflow/tfjs'

/**
 * The tfjs track's state, shared by every copy of core in a process: an app that loads core's ESM
 * and CJS builds (or two installed copies) must see one engine and one initTf result, so it lives
 * on globalThis under a Symbol.for key, not in a module-level variable.
 */
interface TfState {
  engine: typeof TF | null
  /** initTf's pending or settled setup and the options it was started with. */
  setup: Promise<unknown> | null
  key: string | null
}

const STATE = Symbol.for('@theoryml/core/tf-engine')

/** @internal The process-wide tfjs track state. */
export function tfState(): TfState {
  const g = globalThis as unknown as Record<symbol, TfState | undefined>
  return (g[STATE] ??= { engine: null, setup: null, key: null })
}

/** @internal Set by initTf once `@tensorflow/tfjs` is loaded. */
export function setTfEngine(tf: typeof TF): void {
  tfState().engine = tf
}

/**
 * The `@tensorflow/tfjs` namespace that {@link initTf} loaded: the one engine the tfjs track of
 * every package computes with (the same across core's ESM and CJS builds). Throws until
 * `await initTf()` has run.
 * @example await initTf(); const t = tfjs().ones([2, 2])
 */
export function tfjs(): typeof TF {
  const { engine } = tfState()
  if (engine === null) throw new Error('the tfjs track is not started: call `await initTf()` (from @theoryml/core/tf) once first')
  return engine
}
