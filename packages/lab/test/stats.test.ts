import { describe, expect, test } from 'vitest'
import { fixture } from '../../../tests/fixtures'
import { bootstrapCi, mean, median, pearson, quantile, spearman, standardError, std } from '../src/index'

interface Case {
  x: number[]; y: number[]; xt: number[]; yt: number[]
  mean: number; median: number; quantiles: Record<string, number>
  std0: number; std1: number; sem: number; pearson: number; spearman: number; spearmanTies: number | null
}
const { cases } = fixture<{ cases: Case[] }>('lab_stats.json')
const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)))

describe('lab stats against numpy/scipy (tests/fixtures/make_lab_stats.py)', () => {
  test.each(cases.map((c) => [c.x.length, c] as const))('n = %i', (_, c) => {
    close(mean(c.x), c.mean)
    close(median(c.x), c.median)
    for (const [q, v] of Object.entries(c.quantiles)) close(quantile(c.x, Number(q)), v)
    close(std(c.x), c.std0)
    close(std(c.x, { ddof: 1 }), c.std1)
    close(standardError(c.x), c.sem)
    close(pearson(c.x, c.y), c.pearson)
    close(spearman(c.x, c.y), c.spearman)
    if (c.spearmanTies === null) expect(spearman(c.xt, c.yt)).toBeNaN()
    else close(spearman(c.xt, c.yt), c.spearmanTies)
  })
})

describe('bootstrapCi', () => {
  test('brackets the statistic, is seeded, narrows with the level, and is degenerate for constant data', () => {
    const v = [0.81, 0.83, 0.8, 0.84, 0.82, 0.79, 0.85]
    const [lo, hi] = bootstrapCi(v, { rng: 1 })
    expect(lo).toBeLessThan(mean(v))
    expect(hi).toBeGreaterThan(mean(v))
    expect(bootstrapCi(v, { rng: 1 })).toEqual([lo, hi])
    const [lo50, hi50] = bootstrapCi(v, { rng: 1, level: 0.5 })
    expect(hi50 - lo50).toBeLessThan(hi - lo)
    expect(bootstrapCi([2, 2, 2], { rng: 0 })).toEqual([2, 2])
    const [mlo, mhi] = bootstrapCi(v, { rng: 2, statistic: median })
    expect(mlo).toBeLessThanOrEqual(median(v))
    expect(mhi).toBeGreaterThanOrEqual(median(v))
  })
})

describe('bad input is named', () => {
  test('empty, non-finite, mismatched lengths, bad q, ddof and level', () => {
    expect(() => mean([])).toThrow(/values: expected at least 1 value/)
    expect(() => median([1, Number.NaN])).toThrow(/values: expected finite numbers, got NaN at index 1/)
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow(/y: expected 2 values like x/)
    expect(() => spearman([1], [1])).toThrow(/x: expected at least 2 values/)
    expect(() => quantile([1, 2], 1.5)).toThrow(/q: expected a number in \[0, 1\]/)
    expect(() => std([1], { ddof: 1 })).toThrow(/values: expected at least 2 values/)
    expect(() => std([1, 2], { ddof: 2 as never })).toThrow(/ddof/)
    expect(() => bootstrapCi([1, 2], { level: 1 })).toThrow(/level/)
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN()
  })
})
