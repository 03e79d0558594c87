/**
 * Benchmark harness: each `bench/<name>.bench.ts` default-exports `defineBench({...})`. Workloads
 * are timed in this process (median of `repeat` runs after one warm-up); the matching reference
 * script (run with /usr/bin/python3 when torch and scipy import there) prints one JSON object
 * `{ "<workload name>": seconds_per_run, … }` for the same workloads.
 */
export interface Workload<S = unknown> {
  /** Shown in the table and matched against the reference script's keys. */
  name: string
  /** Build inputs once (not timed). */
  setup?: () => S | Promise<S>
  /** The timed work. */
  run: (state: S) => unknown
  /** Timed repetitions (default 5). */
  repeat?: number
}

/** A group of workloads with its reference script (path relative to bench/reference/). */
export interface Bench {
  name: string
  workloads: Workload<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
  /** e.g. 'core.py'; run as `/usr/bin/python3 bench/reference/core.py` */
  reference?: string
}

/** Declare a benchmark group. */
export function defineBench(bench: Bench): Bench {
  return bench
}

/** Time a workload: one warm-up, then the median of `repeat` runs, in seconds. */
export async function timeWorkload(w: Workload<any>): Promise<number> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const state = w.setup ? await w.setup() : undefined
  await w.run(state)
  const times: number[] = []
  for (let i = 0; i < (w.repeat ?? 5); i++) {
    const t0 = performance.now()
    await w.run(state)
    times.push((performance.now() - t0) / 1000)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] as number
}
