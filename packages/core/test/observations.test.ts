import { describe, expect, test } from 'vitest'
import { get, ndarray, sampleObservations } from '../src/index'

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
