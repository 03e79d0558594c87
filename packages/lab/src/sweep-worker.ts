// Piscina task: run one sweep point in a worker thread.
import { runPoint, type SweepRecord } from './sweep'

let tsReady: Promise<unknown> | null = null

export default async function task(input: { spec: string; params: Record<string, unknown>; seed: number; full: boolean }): Promise<SweepRecord> {
  if (/\.[cm]?ts$/.test(input.spec)) {
    // Experiments written in TypeScript: load them through tsx (an optional peer dependency).
    tsReady ??= import('tsx/esm/api').then((m) => m.register()).catch(() => {
      throw new Error(`experiment: ${input.spec} is TypeScript; install tsx to run it in worker threads`)
    })
    await tsReady
  }
  return runPoint(input.spec, input.params, input.seed, input.full)
}
