import { describe, expect, test } from 'vitest'
import { teacher as makeTeacher, baselineSequences, dataset, effectiveRankOfA, extrapolationError, impulseResponse, lowDimTeacher, specialSequences, theoremTeacher, diagonalSsm } from '../src/index'

describe('teachers, sequences and clean labels', () => {
  test('teachers have the paper\'s impulse responses', () => {
    expect(Array.from(impulseResponse(lowDimTeacher(1), 5))).toEqual([1, 1, 1, 1, 1])
    const k = impulseResponse(theoremTeacher(10), 4)
    expect(k[0]).toBeCloseTo(10, 12)
    expect(Array.from(k.subarray(1))).toEqual([1, 1, 1])
    expect(() => theoremTeacher(1)).toThrow(/studentDim: expected an integer >= 2/)
    expect(() => lowDimTeacher(0)).toThrow(/dTeacher/)
    expect(Array.from(impulseResponse(makeTeacher({ a: [1, 0], b: [1, 3], c: [1, 3] }), 3))).toEqual([10, 1, 1])
  })

  test('baseline and special sequences are supported where the paper says', () => {
    expect(baselineSequences({ length: 5 }).to2DArray()).toEqual([[1, 0, 0, 0, 0]])
    expect(specialSequences({ length: 7 }).to2DArray()).toEqual([[0, 0, 0, 0, 0, 1, 0]])
    const g = baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 3 })
    expect(g.rows).toBe(8)
    for (let s = 0; s < 8; s++) for (let t = 2; t < 6; t++) expect(g.get(s, t)).toBe(0)
    expect(g.get(0, 0)).not.toBe(0)
    // same seed, same sequences
    expect(baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 3 }).to2DArray()).toEqual(g.to2DArray())
    expect(() => specialSequences({ length: 6, positions: [6] })).toThrow(/positions: expected an integer in \[0, 5\]/)
    expect(() => baselineSequences({ length: 1 })).toThrow(/length: expected an integer >= 2/)
    expect(() => baselineSequences({ length: 4, values: 'uniform' as never })).toThrow(/values: expected/)
  })

  test('dataset labels are the teacher outputs: special sequence e_{L−1} gets k*(1)', () => {
    const teacher = theoremTeacher(10)
    const data = dataset({ teacher, sequences: [baselineSequences({ length: 7 }), specialSequences({ length: 7 })] })
    expect(data.count).toBe(2)
    expect(data.length).toBe(7)
    expect(Array.from(data.labels)).toEqual([1, 1]) // k*(6) = k*(1) = 1
    expect(() => dataset({ teacher, sequences: [baselineSequences({ length: 7 }), specialSequences({ length: 6 })] })).toThrow(/sequences\[1\]: sequences must have equal lengths/)
    expect(() => dataset({ teacher: {} as never, sequences: [[1]] })).toThrow(/teacher: expected a diagonal SSM/)
  })

  test('effective rank of A = exp(entropy(|a|/Σ|a|))', () => {
    expect(effectiveRankOfA([1, 0, 0])).toBeCloseTo(1, 12)
    expect(effectiveRankOfA([0.3, -0.3, 0.3, 0.3])).toBeCloseTo(4, 12)
    const p = [0.5, 0.25, 0.25]
    expect(effectiveRankOfA([2, 1, 1])).toBeCloseTo(Math.exp(-p.reduce((s, v) => s + v * Math.log(v), 0)), 12)
    expect(() => effectiveRankOfA([])).toThrow(/a: expected a non-empty vector/)
    expect(() => effectiveRankOfA([0, 0])).toThrow(/a: effective rank is undefined/)
    expect(() => effectiveRankOfA([1, NaN])).toThrow(/a: expected finite numbers/)
  })

  test('extrapolation error: relative ℓ∞ of the impulse response and sequence-level relative ℓ2', () => {
    const teacher = lowDimTeacher(1)
    expect(extrapolationError(teacher, teacher)).toEqual({ impulse: 0, sequence: 0 })
    // student k(j) = 0.9^j vs 1: max |0.9^j − 1| over j < 40 is 1 − 0.9^39
    const s = diagonalSsm({ a: [0.9], b: [1], c: [1] })
    const e = extrapolationError(s, teacher, { length: 40, samples: 4000, rng: 1 })
    expect(e.impulse).toBeCloseTo(1 - Math.pow(0.9, 39), 12)
    // for Gaussian x the sequence error concentrates at ‖k − k*‖₂ / ‖k*‖₂
    let num = 0
    for (let j = 0; j < 40; j++) num += (Math.pow(0.9, j) - 1) ** 2
    expect(e.sequence).toBeGreaterThan(0.9 * Math.sqrt(num / 40))
    expect(e.sequence).toBeLessThan(1.1 * Math.sqrt(num / 40))
    expect(() => extrapolationError(s, teacher, { length: 0 })).toThrow(/length: expected an integer >= 1/)
    expect(() => extrapolationError(s, teacher, { lenght: 3 } as never)).toThrow(/unknown option 'lenght'/)
  })
})
