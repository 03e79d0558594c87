/**
 * Statistics for experiments: summaries over seeds and correlations between measured quantities.
 * One implementation for every example (conventions follow numpy/scipy, and a fixture computed by
 * them checks each function).
 */
import { assertInteger, resolveRng, type Rng } from '@theoryml/core'

function check(name: string, values: readonly number[], min = 1): void {
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new Error(`${name}: expected an array of numbers`)
  if (values.length < min) throw new Error(`${name}: expected at least ${min} value${min === 1 ? '' : 's'}, got ${values.length}`)
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${name}: expected finite numbers, got ${String(values[i])} at index ${i}`)
  }
}

function checkPair(x: readonly number[], y: readonly number[]): void {
  check('x', x, 2)
  check('y', y, 2)
  if (x.length !== y.length) throw new Error(`y: expected ${x.length} values like x, got ${y.length}`)
}

/**
 * Arithmetic mean Σxᵢ / n.
 * @example mean([1, 2, 6]) // 3
 */
export function mean(values: readonly number[]): number {
  check('values', values)
  let s = 0
  for (const v of values) s += v
  return s / values.length
}

/**
 * Quantile by linear interpolation between order statistics (numpy's default): with the sorted
 * values s₀ ≤ … ≤ s_{n−1} and h = (n − 1)q, Q(q) = s_⌊h⌋ + (h − ⌊h⌋)(s_⌈h⌉ − s_⌊h⌋).
 * @example quantile([1, 2, 3, 4], 0.25) // 1.75
 */
export function quantile(values: readonly number[], q: number): number {
  check('values', values)
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw new Error(`q: expected a number in [0, 1], got ${String(q)}`)
  const s = Array.from(values).sort((a, b) => a - b)
  const h = (s.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.ceil(h)
  return (s[lo] as number) + (h - lo) * ((s[hi] as number) - (s[lo] as number))
}

/**
 * Median: the middle order statistic, or the mean of the two middle ones (quantile 0.5).
 * @example median([3, 1, 4, 2]) // 2.5
 */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

/**
 * Standard deviation √(Σ(xᵢ − x̄)² / (n − ddof)); `ddof` 0 (numpy's default) or 1 (the unbiased
 * sample variance's square root).
 * @example std([1, 3]) // 1; std([1, 3], { ddof: 1 }) // √2
 */
export function std(values: readonly number[], options: { ddof?: 0 | 1 } = {}): number {
  const ddof = options.ddof ?? 0
  if (ddof !== 0 && ddof !== 1) throw new Error(`ddof: expected 0 or 1, got ${String(ddof)}`)
  check('values', values, ddof + 1)
  const m = mean(values)
  let s = 0
  for (const v of values) s += (v - m) * (v - m)
  return Math.sqrt(s / (values.length - ddof))
}

/**
 * Standard error of the mean s/√n with s the sample standard deviation (ddof 1), as scipy.stats.sem.
 * @example standardError([1, 2, 3, 4]) // 0.6455
 */
export function standardError(values: readonly number[]): number {
  return std(values, { ddof: 1 }) / Math.sqrt(values.length)
}

/**
 * Pearson correlation r = Σ(xᵢ − x̄)(yᵢ − ȳ) / √(Σ(xᵢ − x̄)² Σ(yᵢ − ȳ)²); NaN when either
 * variable is constant.
 * @example pearson([1, 2, 3], [2, 4, 7]) // 0.9934
 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPair(x, y)
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx
    const dy = (y[i] as number) - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy)
}

/** Ranks 1 … n, ties sharing the mean of the ranks they span (scipy.stats.rankdata 'average'). */
function ranks(v: readonly number[]): number[] {
  const idx = Array.from(v, (_, i) => i).sort((a, b) => (v[a] as number) - (v[b] as number))
  const r = new Array<number>(v.length)
  for (let i = 0; i < idx.length; ) {
    let j = i
    while (j + 1 < idx.length && v[idx[j + 1] as number] === v[idx[i] as number]) j++
    for (let k = i; k <= j; k++) r[idx[k] as number] = (i + j) / 2 + 1
    i = j + 1
  }
  return r
}

/**
 * Spearman rank correlation: the Pearson correlation of the ranks, ties averaged (scipy.stats.spearmanr).
 * @example spearman([1, 2, 3, 4], [10, 20, 15, 40]) // 0.8
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPair(x, y)
  return pearson(ranks(x), ranks(y))
}

/** Options of {@link bootstrapCi}. */
export interface BootstrapCiOptions {
  /** Coverage of the interval (default 0.95). */
  level?: number
  /** Number of resamples (default 2000). */
  resamples?: number
  /** The statistic (default {@link mean}). */
  statistic?: (values: readonly number[]) => number
  /** Seed or stream for the resampling (default seed 0). */
  rng?: Rng | number
}

/**
 * Percentile bootstrap confidence interval: resample the values with replacement `resamples`
 * times, compute the statistic on each, and return its (1 − level)/2 and (1 + level)/2 quantiles.
 * @example bootstrapCi([0.81, 0.83, 0.8, 0.84, 0.82], { rng: 0 }) // [lo, hi] around 0.82
 */
export function bootstrapCi(values: readonly number[], options: BootstrapCiOptions = {}): [number, number] {
  check('values', values)
  const level = options.level ?? 0.95
  if (!(level > 0 && level < 1)) throw new Error(`level: expected a number in (0, 1), got ${String(level)}`)
  const resamples = options.resamples ?? 2000
  assertInteger('resamples', resamples, { min: 1 })
  const statistic = options.statistic ?? mean
  const rng = resolveRng(options.rng)
  const n = values.length
  const sample = new Array<number>(n)
  const stats = new Array<number>(resamples)
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = values[rng.int(n)] as number
    stats[b] = statistic(sample)
  }
  return [quantile(stats, (1 - level) / 2), quantile(stats, (1 + level) / 2)]
}
