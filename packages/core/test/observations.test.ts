import { describe, expect, test } from 'vitest'
import { get, ndarray, packObservations, sampleObservations, unobservedEntries } from '../src/index'

describe('sampleObservations: one sampler for matrices and tensors', () => {
  const t = ndarray(Float64Array.from({ length: 60 }, (_, i) => i * 0.5 - 7), [3, 4, 5])
  test('distinct entries, each value read at its multi-index; the same seed gives the same draw', () => {
    const a = sampleObservations(t, { count: 25, rng: 3 })
    expect(a.indices).toHaveLength(25)
    expect(new Set(a.indices.map((ij) => ij.join(','))).size).toBe(25)
    a.indices.forEach((ij, j) => expect(a.values[j]).toBe(get(t, ij)))
    expect(sampleObservations(t, { count: 25, rng: 3 })).toEqual(a)
    expect(sampleObservations(t, { count: 25, rng: 4 }).indices).not.toEqual(a.indices)
  })
  test('a matrix (nested arrays) is an order-2 tensor: [row, column] indices', () => {
    const M = [[1, 2, 3], [4, 5, 6]]
    const o = sampleObservations(M, { count: 6, rng: 0 })
    expect(o.indices.map(([i, j]) => M[i!]![j!])).toEqual(Array.from(o.values))
    expect(o.indices.map((ij) => ij.join(',')).sort()).toEqual(['0,0', '0,1', '0,2', '1,0', '1,1', '1,2'])
  })
  test('bad input is named', () => {
    expect(() => sampleObservations(t, { count: 0 })).toThrow(/count/)
    expect(() => sampleObservations(t, { count: 61 })).toThrow(/count/)
    expect(() => sampleObservations([[1, Number.NaN]], { count: 2 })).toThrow(/target/)
    expect(() => sampleObservations(t, { count: 2, seed: 1 } as never)).toThrow(/unknown option 'seed'/)
  })
})

describe('unobservedEntries: the complement of sampleObservations', () => {
  const t = ndarray(Float64Array.from({ length: 24 }, (_, i) => i * 0.25 - 2), [2, 3, 4])
  test('the entries not observed, row-major, each value read at its multi-index; with the observed ones they are every entry once', () => {
    const observed = sampleObservations(t, { count: 10, rng: 1 })
    const rest = unobservedEntries(t, observed)
    expect(rest.indices).toHaveLength(14)
    rest.indices.forEach((ij, j) => expect(rest.values[j]).toBe(get(t, ij)))
    const keys = rest.indices.map((ij) => ij[0]! * 12 + ij[1]! * 4 + ij[2]!)
    expect(keys).toEqual([...keys].sort((a, b) => a - b))
    const all = [...observed.indices, ...rest.indices].map((ij) => ij.join(','))
    expect(new Set(all).size).toBe(24)
  })
  test('a matrix (nested arrays) as for sampleObservations; bad input is named', () => {
    expect(unobservedEntries([[1, 2], [3, 4]], { indices: [[0, 1], [1, 0]], values: Float64Array.of(2, 3) })).toEqual({ indices: [[0, 0], [1, 1]], values: Float64Array.of(1, 4) })
    expect(() => unobservedEntries(t, { indices: [[0, 3, 0]], values: Float64Array.of(1) })).toThrow(/observations.indices\[0\]\[1\]: index out of range/)
    expect(() => unobservedEntries(t, { indices: [[0, 0]], values: Float64Array.of(1) })).toThrow(/observations.indices\[0\]: expected 3 mode indices/)
    expect(() => unobservedEntries(t, { indices: [], values: new Float64Array(0) })).toThrow(/at least one observed entry/)
    expect(() => unobservedEntries({ shape: [2], strides: [1], data: Float64Array.of(1, Number.NaN) }, { indices: [[0]], values: Float64Array.of(1) })).toThrow(/tensor: expected finite/)
  })
})

describe('packObservations: observations checked against a shape, indices flat', () => {
  test('index[j·N + n] = i_n of observation j', () => {
    const p = packObservations([2, 3], { indices: [[1, 2], [0, 1]], values: Float64Array.of(5, 6) })
    expect(p).toEqual({ count: 2, order: 2, index: Int32Array.of(1, 2, 0, 1), values: Float64Array.of(5, 6) })
    expect(() => packObservations([2, 3], { indices: [[0, 0]], values: Float64Array.of(1, 2) })).toThrow(/observations.values: expected 1 values/)
  })
})
