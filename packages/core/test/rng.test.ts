import { describe, expect, test } from 'vitest'
import { createRng, resolveRng } from '../src/index'

describe('createRng', () => {
  test('same seed gives the same numbers, bit for bit; different seeds differ', () => {
    const a = createRng(42)
    const b = createRng(42)
    const xs = Array.from({ length: 1000 }, () => a.uniform())
    const ys = Array.from({ length: 1000 }, () => b.uniform())
    expect(xs).toEqual(ys)
    expect(createRng(43).uniform()).not.toBe(xs[0])
  })

  test('pinned first values (platform independence: only 32-bit integer arithmetic)', () => {
    const r = createRng(0)
    const u = [r.uniform(), r.uniform(), r.uniform()]
    // Regenerating these must give identical bits on any platform.
    const again = createRng(0)
    expect([again.uniform(), again.uniform(), again.uniform()]).toEqual(u)
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(createRng(0).nextUint32()).toBe(createRng(0).nextUint32())
  })

  test('uniform has mean 1/2 and variance 1/12', () => {
    const r = createRng(1)
    const n = 200_000
    let s = 0
    let s2 = 0
    for (let i = 0; i < n; i++) {
      const u = r.uniform()
      s += u
      s2 += u * u
    }
    const mean = s / n
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.003)
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002)
  })

  test('normal(mean, std) has the first two moments', () => {
    const r = createRng(2)
    const n = 200_000
    const xs = r.fillNormal(new Float64Array(n), 2, 3)
    let s = 0
    let s2 = 0
    for (const x of xs) { s += x; s2 += x * x }
    const mean = s / n
    const v = s2 / n - mean * mean
    expect(Math.abs(mean - 3)).toBeLessThan(0.02)
    expect(Math.abs(v - 4)).toBeLessThan(0.06)
    const one = createRng(3).normal(1, 0.5)
    expect(Number.isFinite(one)).toBe(true)
  })

  test('int is uniform over {0..n-1} and permutation is a permutation', () => {
    const r = createRng(4)
    const counts = new Array(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
    const p = r.permutation(50)
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  test('fork gives independent streams reproducible from seed and label', () => {
    const r = createRng(5)
    r.uniform() // drawing from the parent does not change its forks
    const a = r.fork('data').uniform()
    expect(createRng(5).fork('data').uniform()).toBe(a)
    expect(createRng(5).fork('init').uniform()).not.toBe(a)
    expect(createRng(6).fork('data').uniform()).not.toBe(a)
    // correlation between two forks is near zero
    const f = createRng(5).fork(1)
    const g = createRng(5).fork(2)
    let c = 0
    const n = 50_000
    for (let i = 0; i < n; i++) c += (f.uniform() - 0.5) * (g.uniform() - 0.5)
    expect(Math.abs(c / n) * 12).toBeLessThan(0.03)
  })

  test('bad seeds and arguments get named errors', () => {
    expect(() => createRng(1.5)).toThrow(/seed: expected an integer/)
    expect(() => createRng(Number.NaN)).toThrow(/seed/)
    expect(() => createRng('1' as unknown as number)).toThrow(/seed/)
    expect(() => createRng(0).int(0)).toThrow(/n: expected an integer/)
    expect(() => createRng(0).permutation(-1)).toThrow(/n:/)
    expect(() => resolveRng({} as never)).toThrow(/rng/)
    expect(resolveRng(3).uniform()).toBe(createRng(3).uniform())
  })
})

describe('normal(mean, std) checks its arguments (issue 21)', () => {
  test('NaN, infinite or negative std and non-finite mean are named errors; std 0 gives the mean', () => {
    const r = createRng(1)
    expect(() => r.normal(0, Number.NaN)).toThrow(/std: expected a finite number ≥ 0/)
    expect(() => r.normal(0, -1)).toThrow(/std: expected a finite number ≥ 0, got -1/)
    expect(() => r.normal(Number.POSITIVE_INFINITY, 1)).toThrow(/mean: expected a finite number/)
    expect(r.normal(3, 0)).toBe(3)
  })
})
