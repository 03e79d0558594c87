import { beforeAll, describe, expect, test } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { initTf } from '@theoryml/core/tf'
import { preferenceLoss, type PreferenceLossType } from '../../src/index'
import * as onTensors from '../../src/tf'
import { fixture } from '../../../../tests/fixtures'

interface LossCase {
  type: PreferenceLossType
  beta: number
  labelSmoothing: number
  sftWeight: number
  chosenLengths?: number[]
  policyChosenLogps: number[]
  policyRejectedLogps: number[]
  refChosenLogps: number[]
  refRejectedLogps: number[]
  losses: number[]
  gradChosen: number[]
  gradRejected: number[]
  chosenRewards: number[]
  rejectedRewards: number[]
}
const fx = fixture<{ losses: LossCase[] }>('preference_opt.json')

const inputsOf = (c: LossCase) => ({
  policyChosenLogps: c.policyChosenLogps, policyRejectedLogps: c.policyRejectedLogps,
  refChosenLogps: c.refChosenLogps, refRejectedLogps: c.refRejectedLogps,
})
const optionsOf = (c: LossCase) => ({
  type: c.type, beta: c.beta, labelSmoothing: c.labelSmoothing, sftWeight: c.sftWeight,
  ...(c.chosenLengths ? { chosenLengths: c.chosenLengths } : {}),
})

describe('preferenceLoss (float64)', () => {
  test('by hand: β = 0.1 and Δ = Δ_ref gives ln 2 (DPO), 1 (hinge), (1/(2τ))² (IPO), ln 2 (robust)', () => {
    const x = { policyChosenLogps: [-3, -1], policyRejectedLogps: [-2, -5], refChosenLogps: [-3, -1], refRejectedLogps: [-2, -5] }
    const dpo = preferenceLoss(x, { beta: 0.1 })
    expect(dpo.loss).toBeCloseTo(Math.LN2, 14)
    expect(Array.from(dpo.gradChosen)).toEqual([-0.05, -0.05])
    expect(Array.from(dpo.gradRejected)).toEqual([0.05, 0.05])
    expect(preferenceLoss(x, { type: 'hinge', beta: 0.1 }).loss).toBe(1)
    expect(preferenceLoss(x, { type: 'ipo', beta: 0.1 }).loss).toBeCloseTo(25, 12)
    expect(preferenceLoss(x, { type: 'robust', beta: 0.1, labelSmoothing: 0.2 }).loss).toBeCloseTo(Math.LN2, 14)
    // cDPO at Δ = Δ_ref is still ln 2: −(1−ε)ln ½ − ε ln ½.
    expect(preferenceLoss(x, { type: 'dpo', beta: 0.1, labelSmoothing: 0.3 }).loss).toBeCloseTo(Math.LN2, 14)
  })

  test('by hand: a margin of z gives −ln σ(βz) and the TRL metrics', () => {
    const r = preferenceLoss({ policyChosenLogps: [-1, -4], policyRejectedLogps: [-3, -2], refChosenLogps: [-2, -3], refRejectedLogps: [-2, -3] }, { beta: 0.5 })
    // z = (−1 + 3) − 0 = 2 and (−4 + 2) − 0 = −2.
    expect(r.losses[0]).toBeCloseTo(Math.log1p(Math.exp(-1)), 14)
    expect(r.losses[1]).toBeCloseTo(Math.log1p(Math.exp(1)), 14)
    expect(r.metrics['rewards/chosen']).toBeCloseTo((0.5 * 1 + 0.5 * -1) / 2, 14)
    expect(r.metrics['rewards/rejected']).toBeCloseTo((0.5 * -1 + 0.5 * 1) / 2, 14)
    expect(r.metrics['rewards/accuracies']).toBe(0.5)
    expect(r.metrics['rewards/margins']).toBeCloseTo(0, 14)
    expect(r.metrics['logps/chosen']).toBe(-2.5)
    expect(r.metrics['logps/rejected']).toBe(-2.5)
    expect(r.metrics.loss).toBeCloseTo(r.loss, 15)
  })

  test('matches the TRL formulas and their PyTorch autograd gradients (fixture)', () => {
    for (const c of fx.losses) {
      const r = preferenceLoss(inputsOf(c), optionsOf(c))
      c.losses.forEach((v, i) => expect(r.losses[i]).toBeCloseTo(v, 12))
      c.gradChosen.forEach((v, i) => expect(r.gradChosen[i]).toBeCloseTo(v, 12))
      c.gradRejected.forEach((v, i) => expect(r.gradRejected[i]).toBeCloseTo(v, 12))
      c.chosenRewards.forEach((v, i) => expect(r.chosenRewards[i]).toBeCloseTo(v, 12))
      c.rejectedRewards.forEach((v, i) => expect(r.rejectedRewards[i]).toBeCloseTo(v, 12))
    }
  })

  test('derivatives agree with central finite differences for every loss type', () => {
    const base = { policyChosenLogps: [-2.3, -7.1, -0.4], policyRejectedLogps: [-3.3, -1.2, -0.9], refChosenLogps: [-2, -6, -1], refRejectedLogps: [-4, -2, -1] }
    const types: Array<[PreferenceLossType, number]> = [['dpo', 0.1], ['dpo', 0.25], ['robust', 0.2], ['hinge', 0], ['ipo', 0]]
    for (const [type, eps] of types) {
      const opts = { type, beta: 0.3, labelSmoothing: eps, sftWeight: 0.2, chosenLengths: [2, 3, 1] }
      const r = preferenceLoss(base, opts)
      for (const key of ['policyChosenLogps', 'policyRejectedLogps'] as const) {
        for (let i = 0; i < 3; i++) {
          const h = 1e-6
          const plus = { ...base, [key]: base[key].map((v, j) => (j === i ? v + h : v)) }
          const minus = { ...base, [key]: base[key].map((v, j) => (j === i ? v - h : v)) }
          const fd = ((preferenceLoss(plus, opts).losses[i] as number) - (preferenceLoss(minus, opts).losses[i] as number)) / (2 * h)
          const g = key === 'policyChosenLogps' ? r.gradChosen[i] : r.gradRejected[i]
          expect(Math.abs((g as number) - fd), `${type} ${key}[${i}]`).toBeLessThan(1e-7)
        }
      }
    }
  })

  test('is stable for huge margins (no NaN, no overflow)', () => {
    const r = preferenceLoss({ policyChosenLogps: [0, -1e6], policyRejectedLogps: [-1e6, 0], refChosenLogps: [0, 0], refRejectedLogps: [0, 0] }, { beta: 1 })
    expect(r.losses[0]).toBe(0)
    expect(r.losses[1]).toBeCloseTo(1e6, 6)
    expect(r.gradChosen[1]).toBeCloseTo(-1, 12)
  })

  test('bad input gets errors naming the argument', () => {
    const ok = { policyChosenLogps: [-1, -2], policyRejectedLogps: [-1, -2], refChosenLogps: [-1, -2], refRejectedLogps: [-1, -2] }
    expect(() => preferenceLoss({ ...ok, refRejectedLogps: [-1] })).toThrow(/refRejectedLogps: expected length 2/)
    expect(() => preferenceLoss({ ...ok, policyRejectedLogps: [-1, -2, -3] })).toThrow(/policyRejectedLogps: expected length 2/)
    expect(() => preferenceLoss({ ...ok, policyChosenLogps: [-1, NaN] })).toThrow(/policyChosenLogps: expected finite numbers, got NaN at index 1/)
    expect(() => preferenceLoss({ ...ok, refChosenLogps: [Infinity, -1] })).toThrow(/refChosenLogps: expected finite/)
    expect(() => preferenceLoss({ policyChosenLogps: [], policyRejectedLogps: [], refChosenLogps: [], refRejectedLogps: [] })).toThrow(/policyChosenLogps: expected a non-empty batch/)
    expect(() => preferenceLoss(ok, { beta: 0 })).toThrow(/beta: expected a positive number/)
    expect(() => preferenceLoss(ok, { beta: -0.1 })).toThrow(/beta: expected a positive number/)
    expect(() => preferenceLoss(ok, { type: 'kto' as never })).toThrow(/type: expected one of dpo, ipo, hinge, robust/)
    expect(() => preferenceLoss(ok, { type: 'robust', labelSmoothing: 0.5 })).toThrow(/labelSmoothing: the robust loss needs ε < 0.5/)
    expect(() => preferenceLoss(ok, { type: 'ipo', labelSmoothing: 0.1 })).toThrow(/labelSmoothing: only the 'dpo' and 'robust'/)
    expect(() => preferenceLoss(ok, { bta: 0.1 } as never)).toThrow(/unknown option 'bta'/)
    expect(() => preferenceLoss(ok, { sftWeight: 1, chosenLengths: [1, 0] })).toThrow(/chosenLengths: expected positive lengths/)
    expect(() => preferenceLoss(ok, { sftWeight: 1, chosenLengths: [1] })).toThrow(/chosenLengths: expected length 2/)
  })
})

describe('preferenceLoss on the tfjs track (./tf)', () => {
  beforeAll(async () => { await initTf() })

  test('has the same name as the float64 one and agrees with it: losses, rewards and (by tfjs autodiff) derivatives', () => {
    const before = tf.memory().numTensors
    for (const c of fx.losses) {
      const r64 = preferenceLoss(inputsOf(c), optionsOf(c))
      const n = c.losses.length
      const out = tf.tidy(() => {
        const t = (v: number[]) => tf.tensor1d(v)
        const pc = t(c.policyChosenLogps)
        const pr = t(c.policyRejectedLogps)
        const rc = t(c.refChosenLogps)
        const rr = t(c.refRejectedLogps)
        const f = (a: typeof pc, b: typeof pc) => onTensors.preferenceLoss({ policyChosenLogps: a, policyRejectedLogps: b, refChosenLogps: rc, refRejectedLogps: rr }, optionsOf(c)).loss
        const [ga, gb] = tf.grads((a, b) => f(a as typeof pc, b as typeof pc))([pc, pr])
        const res = onTensors.preferenceLoss({ policyChosenLogps: pc, policyRejectedLogps: pr, refChosenLogps: rc, refRejectedLogps: rr }, optionsOf(c))
        return {
          losses: Array.from(res.losses.dataSync()), cr: Array.from(res.chosenRewards.dataSync()),
          ga: Array.from((ga as typeof pc).dataSync()), gb: Array.from((gb as typeof pc).dataSync()),
        }
      })
      for (let i = 0; i < n; i++) {
        const tol = 2e-4 * Math.max(1, Math.abs(r64.losses[i] as number))
        expect(Math.abs((out.losses[i] as number) - (r64.losses[i] as number)), `${c.type} loss ${i}`).toBeLessThan(tol)
        expect(out.cr[i]).toBeCloseTo(r64.chosenRewards[i] as number, 4)
        // tf differentiates the mean: ∂(mean)/∂pc_i = gradChosen_i / n.
        expect(Math.abs((out.ga[i] as number) - (r64.gradChosen[i] as number) / n), `${c.type} dChosen ${i}`).toBeLessThan(2e-4 * Math.max(1, Math.abs(r64.gradChosen[i] as number)))
        expect(Math.abs((out.gb[i] as number) - (r64.gradRejected[i] as number) / n), `${c.type} dRejected ${i}`).toBeLessThan(2e-4 * Math.max(1, Math.abs(r64.gradRejected[i] as number)))
      }
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  test('bad tensors get errors naming the argument', () => {
    const a = tf.tensor1d([-1, -2])
    const b = tf.tensor1d([-1])
    const m = tf.tensor2d([[1, 2]])
    expect(() => onTensors.preferenceLoss({ policyChosenLogps: a, policyRejectedLogps: a, refChosenLogps: a, refRejectedLogps: b })).toThrow(/refRejectedLogps: expected length 2/)
    expect(() => onTensors.preferenceLoss({ policyChosenLogps: m as never, policyRejectedLogps: a, refChosenLogps: a, refRejectedLogps: a })).toThrow(/policyChosenLogps: expected a rank-1 tensor/)
    expect(() => onTensors.preferenceLoss({ policyChosenLogps: a, policyRejectedLogps: a, refChosenLogps: a, refRejectedLogps: a }, { beta: 0 })).toThrow(/beta: expected a positive number/)
    tf.dispose([a, b, m])
  })
})
