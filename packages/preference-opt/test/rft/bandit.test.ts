import { describe, expect, test } from 'vitest'
import { banditStepsToHalf, rewardStd, rftTimeToHalf, sftTimeToHalf } from '../../src/index'

describe('rewardStd', () => {
  test('Bernoulli rewards give sqrt(p(1 − p)); batches give per-input values and their mean', () => {
    for (const p of [0.5, 0.1, 1e-4]) expect(rewardStd([p, 1 - p], [1, 0])).toBeCloseTo(Math.sqrt(p * (1 - p)), 14)
    expect(rewardStd([0.2, 0.3, 0.5], [1, 1, 1])).toBe(0)
    const b = rewardStd([[0.5, 0.5], [0.9, 0.1]], [[1, 0], [1, 0]])
    expect(b.perInput[1]).toBeCloseTo(0.3, 14)
    expect(b.mean).toBeCloseTo(0.4, 14)
  })

  test('bad input gets named errors', () => {
    expect(() => rewardStd([0.5, 0.6], [1, 0])).toThrow(/probs: probabilities must sum to 1/)
    expect(() => rewardStd([1.5, -0.5], [1, 0])).toThrow(/non-negative/)
    expect(() => rewardStd([0.5, 0.5], [1, 0, 0])).toThrow(/rewards: expected 2 rewards/)
    expect(() => rewardStd([[0.5, 0.5]], [[1, 0], [0, 1]])).toThrow(/rewards: expected 1 rows/)
    expect(() => rewardStd([0.5, Number.NaN], [1, 0])).toThrow(/probs: expected finite/)
  })
})

describe('two-logit bandit', () => {
  test('closed forms are the integrals of the gradient flows (checked by quadrature)', () => {
    for (const p0 of [0.3, 0.01]) {
      const u0 = Math.log(p0 / (1 - p0))
      // T = ∫_{u0}^{0} du / (2·lr·g(u)), g = p(1−p) for RFT, 1 − p for SFT
      const n = 200_000
      let rft = 0
      let sft = 0
      for (let i = 0; i < n; i++) {
        const u = u0 + ((i + 0.5) / n) * -u0
        const p = 1 / (1 + Math.exp(-u))
        rft += (-u0 / n) / (2 * p * (1 - p))
        sft += (-u0 / n) / (2 * (1 - p))
      }
      expect(rftTimeToHalf(p0, 1)).toBeCloseTo(rft, 4)
      expect(sftTimeToHalf(p0, 1)).toBeCloseTo(sft, 4)
    }
  })

  test('gradient descent steps match the closed forms within 5% and RFT is >100× slower at p0 = 0.001', () => {
    for (const p0 of [0.3, 0.1, 0.01, 0.001]) {
      const lr = 0.01
      const rft = banditStepsToHalf({ p0, lr, method: 'rft' })
      const sft = banditStepsToHalf({ p0, lr, method: 'sft' })
      expect(Math.abs(rft - rftTimeToHalf(p0, lr)) / rftTimeToHalf(p0, lr)).toBeLessThan(0.05)
      expect(Math.abs(sft - sftTimeToHalf(p0, lr)) / sftTimeToHalf(p0, lr)).toBeLessThan(0.05)
    }
    expect(banditStepsToHalf({ p0: 0.001, lr: 0.01, method: 'rft' }) / banditStepsToHalf({ p0: 0.001, lr: 0.01, method: 'sft' })).toBeGreaterThan(100)
  })

  test('bad input gets named errors', () => {
    expect(() => rftTimeToHalf(0.7, 0.1)).toThrow(/p0: expected a probability in \(0, 0.5\)/)
    expect(() => sftTimeToHalf(0.1, 0)).toThrow(/lr: expected a positive number/)
    expect(() => banditStepsToHalf({ p0: 0.1, lr: 0.1, method: 'ppo' as never })).toThrow(/method/)
    expect(() => banditStepsToHalf({ p0: 0.001, lr: 1e-6, method: 'rft', maxSteps: 10 })).toThrow(/maxSteps/)
  })
})
