import { createRng, nuclearNorm, relativeError, sampleObservations, type Observations } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { lowRankMatrix, minNuclearNormCompletion } from '../src'

const entries = (list: Array<[number, number, number]>): Observations => ({ indices: list.map(([i, j]) => [i, j]), values: Float64Array.from(list, (o) => o[2]) })

describe('minNuclearNormCompletion', () => {
  test('closed form: W₀₁ = W₁₀ = 1, W₁₁ = 0 observed ⇒ ‖W‖_* = √(W₀₀² + 4), minimized at W₀₀ = 0', () => {
    const r = minNuclearNormCompletion(entries([[0, 1, 1], [1, 0, 1], [1, 1, 0]]), { shape: [2, 2] })
    expect(r.converged).toBe(true)
    expect(Math.abs(r.completion.get(0, 0))).toBeLessThan(1e-5)
    expect(r.nuclearNorm).toBeCloseTo(2, 5)
  })

  test('recovers an incoherent rank-1 matrix from many entries (exact recovery regime)', () => {
    const target = lowRankMatrix({ shape: [15, 15], rank: 1, rng: 1 })
    const r = minNuclearNormCompletion(sampleObservations(target, { count: 150, rng: 2 }), { target })
    expect(r.converged).toBe(true)
    expect(relativeError(r.completion, target)).toBeLessThan(1e-4)
  })

  test('with few entries: feasible, and no larger in nuclear norm than the ground truth', () => {
    const target = lowRankMatrix({ shape: [15, 15], rank: 2, rng: 3 })
    const observations = sampleObservations(target, { count: 80, rng: 4 })
    const r = minNuclearNormCompletion(observations, { target })
    expect(r.residual).toBeLessThan(1e-5)
    expect(r.nuclearNorm).toBeLessThanOrEqual(nuclearNorm(target) * (1 + 1e-6))
    // The order of the observations does not matter (they are sorted by row and column).
    const order = createRng(5).permutation(80)
    const shuffled = { indices: order.map((k) => observations.indices[k] as number[]), values: Float64Array.from(order, (k) => observations.values[k] as number) }
    expect(minNuclearNormCompletion(shuffled, { target }).completion.to2DArray()).toEqual(r.completion.to2DArray())
  })

  test('bad input', () => {
    expect(() => minNuclearNormCompletion(entries([[0, 0, 1]]))).toThrow(/shape: required/)
    expect(() => minNuclearNormCompletion(entries([[2, 0, 1]]), { shape: [2, 2] })).toThrow(/observations\.indices\[0\]: row index 2/)
    expect(() => minNuclearNormCompletion(entries([[0, 0, 1]]), { shape: [2, 2], rho: -1 })).toThrow(/rho/)
    expect(() => minNuclearNormCompletion([[0, 0, 1]] as never, { shape: [2, 2] })).toThrow(/observations: expected \{ indices/)
  })
})
