"""Timing shared by the reference scripts: the same protocol as bench/harness.ts
(one warm-up run, then the minimum -- or, with THEORYML_BENCH_STAT=median, the median -- of
`repeat` timed runs, in seconds)."""
import os
import statistics
import time

STAT = "median" if os.environ.get("THEORYML_BENCH_STAT") == "median" else "min"
# THEORYML_BENCH_CLOCK=cpu: process CPU time (the bench then also runs this side on one thread).
clock = time.process_time if os.environ.get("THEORYML_BENCH_CLOCK") == "cpu" else time.perf_counter


def median_seconds(fn, repeat=5):
    """Seconds per run of fn by the bench statistic (the name is kept for the reference scripts)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return float(min(times) if STAT == "min" else statistics.median(times))
