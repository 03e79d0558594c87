"""Timing shared by the reference scripts: the same protocol as bench/harness.ts
(one warm-up run, then the median of `repeat` timed runs, in seconds)."""
import statistics
import time


def median_seconds(fn, repeat=5):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(statistics.median(times))
