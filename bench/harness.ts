/**
 * Benchmark harness: each `bench/<name>.bench.ts` default-exports `defineBench({...})`. Workloads
 * are timed in this process (one warm-up, then `repeat` runs summarized by the statistic of
 * `THEORYML_BENCH_STAT`: `min`, the default, or `median`); the matching reference
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
  /**
   * Target ratio (theoryml / reference) of issue 18; default 1.5 for a workload behind its reference
   * and `ahead` for one that was ahead when the targets were set (it must stay at or below 1).
   */
  target?: number | 'ahead'
  /** Floating-point operations of one run (an estimate from the algorithm's standard count), for the roofline. */
  flops?: number
  /** Bytes one run must move through memory at least, for memory-bound workloads. */
  bytes?: number
  /** Which measured peak bounds it: 'js' (plain TypeScript float64), 'tfjs' (the tfjs backend's 2-D matMul). */
  engine?: 'js' | 'tfjs'
}

/** A group of workloads with its reference script (path relative to bench/reference/). */
export interface Bench {
  name: string
  workloads: Workload<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
  /** e.g. 'core.py'; run as `/usr/bin/python3 bench/reference/core.py` */
  reference?: string
  /** Peak probes for the roofline (timed like workloads, never compared with a reference). */
  peaks?: Array<Workload<any> & { name: string; flops?: number; bytes?: number; engine: 'js' | 'tfjs' }> // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Declare a benchmark group. */
export function defineBench(bench: Bench): Bench {
  return bench
}

/**
 * The statistic of the timed runs: the minimum by default. On a shared machine the noise is
 * additive (other processes only ever slow a run down), so the minimum estimates the uncontended
 * time better than the median; `THEORYML_BENCH_STAT=median` restores the median. The reference
 * scripts read the same variable (bench/reference/timing.py).
 */
export const STAT: 'min' | 'median' = process.env.THEORYML_BENCH_STAT === 'median' ? 'median' : 'min'

/**
 * The clock: `wall` (default; the protocol, needs a quiet machine) or, with
 * `THEORYML_BENCH_CLOCK=cpu`, this process's CPU time (user + system). On a machine shared by
 * many jobs the CPU time of a single-threaded workload is close to its uncontended wall time; the
 * bench then runs the reference side on one thread too (OMP/OpenBLAS/MKL threads = 1) and times
 * it with `time.process_time()`, so the ratio compares one core with one core.
 */
export const CLOCK: 'wall' | 'cpu' = process.env.THEORYML_BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall'

function now(): number {
  if (CLOCK === 'wall') return performance.now()
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Time a workload: one warm-up, then the minimum (or median, see {@link STAT}) of `repeat` runs, in seconds. */
export async function timeWorkload(w: Workload<any>): Promise<number> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const state = w.setup ? await w.setup() : undefined
  await w.run(state)
  const times: number[] = []
  for (let i = 0; i < (w.repeat ?? 5); i++) {
    const t0 = now()
    await w.run(state)
    times.push((now() - t0) / 1000)
  }
  times.sort((a, b) => a - b)
  return (STAT === 'min' ? times[0] : times[Math.floor(times.length / 2)]) as number
}
