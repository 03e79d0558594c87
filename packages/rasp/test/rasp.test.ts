import { createRng } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import {
  aggregate,
  argmax,
  argmin,
  cumsum,
  equals,
  firsts,
  full,
  hasSeen,
  indexAdd,
  indexSelect,
  indices,
  induct,
  inductPrev,
  kqv,
  lasts,
  lessThan,
  mask,
  maximum,
  minimum,
  numPrev,
  select,
  selectAnd,
  selWidth,
  seqMap,
  shiftRight,
  tokMap,
  toSequence,
  where,
} from '../src/index'

const arr = (s: ArrayLike<number>): number[] => Array.from(s)

describe('RASP-L core', () => {
  test('selectors are causal (lower-triangular) for every predicate', () => {
    const rng = createRng(3)
    const x = Array.from({ length: 12 }, () => rng.int(4))
    for (const pred of [equals, lessThan, () => true]) {
      const s = select(x, x, pred)
      for (let q = 0; q < 12; q++) for (let k = q + 1; k < 12; k++) expect(s.matrix[q * 12 + k]).toBe(0)
    }
    const all = select(x, x, () => true)
    expect(arr(selWidth(all))).toEqual(arr(indices(x)).map((i) => i + 1))
  })

  test('select, selWidth and aggregate on a hand-worked example', () => {
    const x = [1, 2, 1, 3]
    const s = select(x, full(x, 1), equals)
    expect(arr(s.matrix)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    expect(arr(selWidth(s))).toEqual([1, 1, 2, 2])
    expect(arr(aggregate(s, [4, 5, 7, 9]))).toEqual([4, 4, 5, 5]) // trunc((4 + 7) / 2) = 5
    expect(arr(aggregate(s, [4, 5, 7, 9], { reduction: 'max' }))).toEqual([4, 4, 7, 7])
    expect(arr(aggregate(s, [4, 5, 7, 9], { reduction: 'min' }))).toEqual([4, 4, 4, 4])
  })

  test('an empty aggregation returns the default, for every reduction', () => {
    const x = [5, 6, 7]
    const none = select(x, x, () => false)
    for (const reduction of ['mean', 'max', 'min'] as const) {
      expect(arr(aggregate(none, x, { reduction, default: -3 }))).toEqual([-3, -3, -3])
    }
    expect(arr(aggregate(none, x))).toEqual([0, 0, 0])
  })

  test('aggregate matches a brute-force loop on random data', () => {
    const rng = createRng(11)
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.int(15)
      const k = Array.from({ length: n }, () => rng.int(3))
      const q = Array.from({ length: n }, () => rng.int(3))
      const v = Array.from({ length: n }, () => rng.int(200) - 100)
      const got = kqv(k, q, v, lessThan, { reduction: 'mean', default: 7 })
      for (let i = 0; i < n; i++) {
        const sel = v.filter((_, j) => j <= i && (k[j] as number) < (q[i] as number))
        expect(got[i]).toBe(sel.length ? Math.trunc(sel.reduce((a, b) => a + b, 0) / sel.length) : 7)
      }
    }
  })

  test('selectAnd intersects selectors', () => {
    const x = [1, 1, 2, 1]
    const a = select(x, x, equals)
    const b = select(indices(x), indices(x), lessThan)
    expect(arr(selWidth(selectAnd(a, b)))).toEqual([0, 1, 0, 2])
  })

  test('values outside int8 are rejected with the argument named', () => {
    expect(() => tokMap([100, 120], (v) => v + 10)).toThrow(/tokMap: produced 130 .* int8/)
    expect(() => seqMap([100], [100], (a, b) => a + b)).toThrow(/seqMap: produced 200/)
    expect(() => full([1, 2], 300)).toThrow(/value: .* \[-128, 127\]/)
    expect(() => toSequence('prompt', [1, 200], true)).toThrow(/prompt: value 200 at index 1 is outside the int8 range/)
    expect(() => toSequence('x', [1, 2.5])).toThrow(/x: expected integers/)
    expect(() => toSequence('x', 'abc')).toThrow(/x: expected a sequence/)
    expect(() => aggregate(select([1], [1], equals), [1], { default: 1000 })).toThrow(/default/)
    expect(() => aggregate(select([1], [1], equals), [1, 2])).toThrow(/values: expected length 1/)
    expect(() => seqMap([1, 2], [1], (a) => a)).toThrow(/equal length/)
    // Index-valued sequences may exceed int8 and change by constants only.
    expect(arr(indexAdd(indices(new Array(200).fill(0)), 1)).at(-1)).toBe(200)
  })
})

describe('RASP-L library', () => {
  const x = [3, 1, 4, 1, 5]
  test('shiftRight, cumsum, where, mask', () => {
    expect(arr(shiftRight(x, 1))).toEqual([0, 3, 1, 4, 1])
    expect(arr(shiftRight(x, 2, -1))).toEqual([-1, -1, 3, 1, 4])
    expect(arr(cumsum([1, 0, 1, 1, 0]))).toEqual([1, 1, 2, 3, 3])
    expect(arr(where([1, 0, 1], [7, 7, 7], [9, 9, 9]))).toEqual([7, 9, 7])
    expect(arr(mask(x, [1, 0, 1, 0, 1], -1))).toEqual([3, -1, 4, -1, 5])
  })
  test('running maximum / minimum / argmax / argmin', () => {
    expect(arr(maximum(x))).toEqual([3, 3, 4, 4, 5])
    expect(arr(minimum(x))).toEqual([3, 1, 1, 1, 1])
    expect(arr(argmax(x))).toEqual([0, 0, 2, 2, 4])
    expect(arr(argmin(x))).toEqual([0, 1, 1, 1, 1])
  })
  test('numPrev, hasSeen, firsts, lasts, indexSelect', () => {
    expect(arr(numPrev(x, x))).toEqual([1, 1, 1, 2, 1])
    expect(arr(hasSeen(x, full(x, 4)))).toEqual([0, 0, 1, 1, 1])
    expect(arr(firsts(x, full(x, 1)))).toEqual([-1, 1, 1, 1, 1])
    expect(arr(lasts(x, full(x, 1)))).toEqual([-1, 1, 1, 3, 3])
    expect(arr(indexSelect(x, [0, 0, 4, 1, 2]))).toEqual([3, 3, 0, 1, 4]) // idx 4 > 2 is in the future: default
  })
  test('induct copies what followed the first occurrence (an induction head)', () => {
    const s = [7, 8, 9, 7, 8]
    expect(arr(induct(s, s, 1))).toEqual([0, 0, 0, 8, 9])
    expect(arr(inductPrev([1, 2, 3, 3], [0, 0, 0, 3], -1))).toEqual([0, 0, 0, 2])
  })
})
