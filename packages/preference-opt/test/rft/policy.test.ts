import { describe, expect, test } from 'vitest'
import { createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { expectedPolicyGradient, gradientBound, logProbGradient, logitJacobianNorm, outputDistribution, reinforceGradient, softmaxPolicy, type SoftmaxPolicy } from '../../src/index'

const x = [0.5, -1, 2]
const reward = (y: readonly number[]): number => (y[0] === 1 ? 1 : 0) + (y.length > 1 && y[1] === 2 ? -0.5 : 0)

function expectedReward(model: SoftmaxPolicy, xs: number[][]): number {
  return xs.reduce((s, xi) => {
    const { outputs, probs } = outputDistribution(model, xi)
    return s + outputs.reduce((a, y, j) => a + (probs[j] as number) * reward(y), 0) / xs.length
  }, 0)
}

describe('autoregressive softmax policy', () => {
  test('the enumerated distribution sums to 1', () => {
    const m = softmaxPolicy({ inputDim: 3, vocab: 3, length: 3, rng: 0 })
    const { outputs, probs } = outputDistribution(m, x)
    expect(outputs).toHaveLength(27)
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14)
  })

  test('expected gradient = finite differences of E[r], and = Σ p (r − V) ∇ln p', () => {
    const m = softmaxPolicy({ inputDim: 3, vocab: 3, length: 2, rng: 1 })
    const xs = [x, [1, 0, -1]]
    const eg = expectedPolicyGradient(m, xs, reward)
    expect(eg.value).toBeCloseTo(expectedReward(m, xs), 14)
    const h = 1e-6
    for (const [key, idx] of [['W', 0], ['W', 7], ['E', 12], ['E', 17]] as const) {
      const arr = m[key]
      const old = arr[idx] as number
      arr[idx] = old + h
      const up = expectedReward(m, xs)
      arr[idx] = old - h
      const down = expectedReward(m, xs)
      arr[idx] = old
      expect(eg.gradient[key][idx]).toBeCloseTo((up - down) / (2 * h), 8)
    }
    // Σ_y p(y) r(y) ∇ln p(y) (no baseline) gives the same vector
    const { outputs, probs } = outputDistribution(m, x)
    const single = expectedPolicyGradient(m, [x], reward)
    const acc = new Float64Array(m.W.length)
    outputs.forEach((y, j) => {
      const g = logProbGradient(m, x, y)
      for (let k = 0; k < acc.length; k++) acc[k] = (acc[k] as number) + (probs[j] as number) * reward(y) * (g.W[k] as number)
    })
    for (let k = 0; k < acc.length; k++) expect(single.gradient.W[k]).toBeCloseTo(acc[k] as number, 12)
  })

  test('the expected gradient equals tfjs autodiff of Σ_y p(y) r(y)', async () => {
    const { tf } = await initTf()
    const m = softmaxPolicy({ inputDim: 3, vocab: 4, length: 1, rng: 2 })
    const eg = expectedPolicyGradient(m, [x], reward)
    const r = tf.tensor1d([0, 1, 0, 0])
    const W = tf.tensor2d(Float32Array.from(m.W), [4, 3])
    const g = tf.tidy(() => tf.grad((w) => tf.sum(tf.mul(tf.softmax(tf.reshape(tf.matMul(w, tf.tensor2d([x]), false, true), [4])), r)))(W).dataSync())
    for (let k = 0; k < 12; k++) expect(g[k]).toBeCloseTo(eg.gradient.W[k] as number, 5)
    tf.dispose([r, W])
  })

  test('REINFORCE with a baseline is unbiased: its average approaches the exact gradient', () => {
    const m = softmaxPolicy({ inputDim: 3, vocab: 3, length: 2, rng: 3 })
    const eg = expectedPolicyGradient(m, [x], reward)
    const est = reinforceGradient(m, [x], reward, { samples: 40_000, rng: 4 })
    let diff = 0
    for (let k = 0; k < m.W.length; k++) diff += ((est.gradient.W[k] as number) - (eg.gradient.W[k] as number)) ** 2
    expect(Math.sqrt(diff) / eg.norm).toBeLessThan(0.1)
  })

  test('logit Jacobian norm: explicit SVD equals the closed form sqrt(‖x‖² + 1) (‖x‖ for one step)', () => {
    const nx = Math.hypot(...x)
    expect(logitJacobianNorm(softmaxPolicy({ inputDim: 3, vocab: 3, length: 1, rng: 0 }), x)).toBeCloseTo(nx, 10)
    expect(logitJacobianNorm(softmaxPolicy({ inputDim: 3, vocab: 3, length: 3, rng: 0 }), x)).toBeCloseTo(Math.sqrt(nx * nx + 1), 10)
  })

  test('the bound 6·L·γ·STD^{2/3} is never violated on 100 random models', () => {
    const rng = createRng(5)
    let worst = 0
    for (let i = 0; i < 100; i++) {
      const length = 1 + rng.int(3)
      const vocab = 2 + rng.int(3)
      const inputDim = 2 + rng.int(4)
      const m = softmaxPolicy({ inputDim, vocab, length, scale: 0.5 + 3 * rng.uniform(), rng: rng.fork(i) })
      const xi = Array.from({ length: inputDim }, () => rng.normal())
      const table = new Map<string, number>()
      const r = (y: readonly number[]): number => {
        const k = y.join(',')
        if (!table.has(k)) table.set(k, rng.uniform() < 0.5 ? 2 * rng.uniform() - 1 : rng.uniform() < 0.5 ? 1 : 0)
        return table.get(k) as number
      }
      const b = gradientBound(m, xi, r)
      // STD = 0 (a constant reward) makes the bound 0: the gradient must vanish exactly then.
      worst = Math.max(worst, b.bound > 0 ? b.gradNorm / b.bound : b.gradNorm > 1e-12 ? Infinity : 0)
    }
    expect(worst).toBeLessThanOrEqual(1)
  })

  test('bad input gets named errors', () => {
    const m = softmaxPolicy({ inputDim: 3, vocab: 3, length: 2, rng: 0 })
    expect(() => softmaxPolicy({ inputDim: 0, vocab: 3 })).toThrow(/inputDim/)
    expect(() => softmaxPolicy({ inputDim: 2, vocab: 100, length: 5 })).toThrow(/too many to enumerate/)
    expect(() => outputDistribution(m, [1, 2])).toThrow(/x: expected length 3/)
    expect(() => expectedPolicyGradient(m, [], reward)).toThrow(/inputs: expected a non-empty array/)
    expect(() => expectedPolicyGradient(m, [x], () => Number.NaN)).toThrow(/reward: expected a finite number/)
    expect(() => gradientBound(m, x, () => 2)).toThrow(/rewards in \[-1, 1\]/)
    expect(() => logProbGradient(m, x, [0, 5])).toThrow(/y: expected 2 tokens/)
  })
})
