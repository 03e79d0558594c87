import { describe, expect, test } from 'vitest'
import { Matrix, ndarray } from '@theoryml/core'
import { ches, filterByChes, lengthNormalizedChes, rankByChes, responseStates, ufmPolicy } from '../../src/index'
import { fixture } from '../../../../tests/fixtures'

interface ChesFx {
  ches: { hPreferred: number[][]; hDispreferred: number[][]; ches: number; lengthNormalizedChes: number }[]
  responseStates: { preferred: number[][]; dispreferred: number[][]; promptLength: number; ches: number }
}
const fx = fixture<ChesFx>('preference_opt.json')

describe('ches and lengthNormalizedChes', () => {
  test('by hand', () => {
    // Σh⁺ = (1, 2), Σh⁻ = (3, 0): ⟨·,·⟩ = 3, ‖Σh⁺‖² = 5.
    expect(ches([[1, 0], [0, 2]], [[1, 0], [2, 0]])).toBe(-2)
    // length-normalized: ⟨(½, 1), (3/2, 0)⟩ − ‖(½, 1)‖² = ¾ − 5/4.
    expect(lengthNormalizedChes([[1, 0], [0, 2]], [[1, 0], [2, 0]])).toBeCloseTo(-0.5, 15)
    expect(ches([[1, 0], [0, 1]], [[1, 1]])).toBe(0)
  })

  test('matches numpy (fixture), for nested arrays, Float32Array rows, Matrix and NdArray', () => {
    for (const c of fx.ches) {
      expect(ches(c.hPreferred, c.hDispreferred)).toBeCloseTo(c.ches, 11)
      expect(lengthNormalizedChes(c.hPreferred, c.hDispreferred)).toBeCloseTo(c.lengthNormalizedChes, 12)
      expect(ches(new Matrix(c.hPreferred), ndarray(c.hDispreferred.flat(), [c.hDispreferred.length, c.hDispreferred[0]!.length]))).toBeCloseTo(c.ches, 11)
      expect(ches(c.hPreferred.map((r) => Float32Array.from(r)), c.hDispreferred)).toBeCloseTo(c.ches, 4)
    }
  })

  test('CHES(h, h) = 0, and single-token responses (both produced by the prompt state) have CHES 0', () => {
    const h = [[0.3, -1.2, 5], [2, 2, -7]]
    expect(ches(h, h)).toBe(0)
    const m = ufmPolicy({ vocab: 6, dim: 8, rng: 1 })
    expect(ches(m.responseHidden('q', [2]), m.responseHidden('q', [5]))).toBe(0)
    expect(lengthNormalizedChes(m.responseHidden('q', [2]), m.responseHidden('q', [5]))).toBe(0)
  })

  test('no overflow for 300×4096 inputs: Float32 rows of 1e30 and float64 rows of 1e150', () => {
    const rows = (n: number, v: number, T: typeof Float32Array | typeof Float64Array) => Array.from({ length: n }, () => new T(4096).fill(v))
    // Σh⁺ = 300a·1, Σh⁻ = 300b·1 ⇒ CHES = 4096·300²·(ab − a²).
    const a = 1e30
    const b = 2e30
    const expected = 4096 * 300 * 300 * (Math.fround(a) * Math.fround(b) - Math.fround(a) ** 2)
    const got = ches(rows(300, a, Float32Array), rows(300, b, Float32Array))
    expect(Number.isFinite(got)).toBe(true)
    expect(Math.abs(got / expected - 1)).toBeLessThan(1e-12)
    // Squares of 3e152 overflow float64 unless rescaled; equal sums give exactly 0, not NaN.
    expect(ches(rows(300, 1e150, Float64Array), rows(300, 1e150, Float64Array))).toBe(0)
    const big = lengthNormalizedChes(rows(300, 1e150, Float64Array), rows(100, 2e150, Float64Array))
    expect(Math.abs(big / (4096 * 1e300) - 1)).toBeLessThan(1e-12) // ⟨a, 2a⟩ − ‖a‖² = ‖a‖²
  })

  test('bad input gets errors naming the argument', () => {
    expect(() => ches([], [[1]])).toThrow(/hPreferred: expected at least one hidden state/)
    expect(() => ches([[1]], [])).toThrow(/hDispreferred: expected at least one hidden state/)
    expect(() => ches([[1, NaN]], [[1, 2]])).toThrow(/hPreferred: expected finite entries, got NaN at \(0, 1\)/)
    expect(() => ches([[1, 2]], [[1, 2, 3]])).toThrow(/hDispreferred: expected rows of dimension 2/)
    expect(() => ches([[1, 2], [3]], [[1, 2]])).toThrow(/hPreferred: row 1 has 1 entries, expected 2/)
    expect(() => ches('x' as never, [[1]])).toThrow(/hPreferred: expected hidden states/)
  })
})

describe('responseStates', () => {
  test('rows from the last prompt token to the second-to-last response token; includeFinal adds the last', () => {
    const hidden = Array.from({ length: 10 }, (_, t) => [t, -t])
    const r = responseStates(hidden, 6)
    expect(r.to2DArray()).toEqual([[5, -5], [6, -6], [7, -7], [8, -8]])
    expect(responseStates(hidden, 6, { includeFinal: true }).rows).toBe(5)
    expect(responseStates(hidden, 9).to2DArray()).toEqual([[8, -8]]) // one response token: the last prompt state
  })

  test('agrees with the authors\' masking convention on unpadded sequences (fixture)', () => {
    const c = fx.responseStates
    const got = ches(responseStates(c.preferred, c.promptLength), responseStates(c.dispreferred, c.promptLength))
    expect(got).toBeCloseTo(c.ches, 12)
  })

  test('bad input', () => {
    expect(() => responseStates([[1], [2]], 2)).toThrow(/promptLength: expected an integer in \[1, 1\]/)
    expect(() => responseStates([[1], [2]], 0)).toThrow(/promptLength/)
    expect(() => responseStates([], 1)).toThrow(/hidden: expected at least one hidden state/)
  })
})

describe('rankByChes and filterByChes', () => {
  const pairs = [
    { hPreferred: [[1, 0]], hDispreferred: [[0, 1]], id: 'a' }, // −1
    { hPreferred: [[1, 0]], hDispreferred: [[3, 0]], id: 'b' }, // 2
    { hPreferred: [[1, 0]], hDispreferred: [[1, 0]], id: 'c' }, // 0
    { hPreferred: [[2, 0]], hDispreferred: [[0, 0]], id: 'd' }, // −4
  ]
  test('rank from the highest CHES down and drop the top pairs', () => {
    expect(rankByChes(pairs).map((r) => r.index)).toEqual([1, 2, 0, 3])
    const f = filterByChes(pairs, { keepFraction: 0.5 })
    expect(f.removedIndices).toEqual([1, 2])
    expect(f.keptIndices).toEqual([0, 3])
    expect(f.kept.map((p) => p.id)).toEqual(['a', 'd'])
    expect(Array.from(f.scores)).toEqual([-1, 2, 0, -4])
    expect(filterByChes(pairs, { keepFraction: 1 }).removed).toEqual([])
    expect(rankByChes(pairs, { lengthNormalized: true })[0]!.index).toBe(1)
  })
  test('bad input', () => {
    expect(() => filterByChes(pairs, { keepFraction: 0 })).toThrow(/keepFraction: expected a positive number/)
    expect(() => filterByChes(pairs, { keepFraction: 1.5 })).toThrow(/keepFraction: expected a number in \(0, 1\]/)
    expect(() => rankByChes([{ hPreferred: [], hDispreferred: [[1]] }])).toThrow(/pairs\[0\].hPreferred: expected at least one hidden state/)
  })
})
