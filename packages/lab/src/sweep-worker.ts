// Piscina task: what lab runs on a worker thread. One mechanism for three kinds of work: a sweep point,
// a repro job (one example at one seed: run, write figures and result.json) and one input of an
// experiment's task (`ctx.map`). Experiments load through load.ts (tsx when they are TypeScript), once a thread.
import { runTask } from './experiment'
import { importExperiment } from './load'
import { runReproJob, type ReproJob, type ReproJobResult } from './repro-job'
import { runPoint, type SweepRecord } from './sweep'

/** A unit of work for a worker thread. */
export type WorkerInput =
  | { kind?: 'point'; spec: string; params: Record<string, unknown>; seed: number; full: boolean }
  | ({ kind: 'repro' } & ReproJob)
  | { kind: 'task'; spec: string; task: string; input: unknown; config: Record<string, unknown>; seed: number; full: boolean }

export default async function task(input: WorkerInput): Promise<SweepRecord | ReproJobResult | unknown> {
  if (input.kind === 'repro') return runReproJob(input)
  if (input.kind === 'task') return runTask(await importExperiment(input.spec), input.task, input.input, { config: input.config, seed: input.seed, full: input.full })
  return runPoint(input.spec, input.params, input.seed, input.full)
}
