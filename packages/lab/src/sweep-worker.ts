// Piscina task: run one sweep point in a worker thread (runPoint loads the experiment, through tsx when it is TypeScript).
import { runPoint, type SweepRecord } from './sweep'

export default function task(input: { spec: string; params: Record<string, unknown>; seed: number; full: boolean }): Promise<SweepRecord> {
  return runPoint(input.spec, input.params, input.seed, input.full)
}
