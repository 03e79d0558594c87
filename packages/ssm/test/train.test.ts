import { adaptiveGd, DivergenceError } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { fixture } from '../../../tests/fixtures'
import {
  baselineSequences,
  dataset,
  diagonalSsm,
  gradientFlow,
  lowDimTeacher,
  specialSequences,
  ssmLoss,
  studentInit,
  theoremTeacher,
  trainSsm,
} from '../src/index'

interface Case { a: number[]; b: number[]; c: number[]; x: number[][]; y: number[]; loss: number; gradA: number[]; gradB: number[]; gradC: number[] }
const cases = fixture<{ cases: Case[] }>('ssm.json').cases

/** A dataset with arbitrary labels (the fixture's), built through the public constructor. */
function withLabels(x: number[][], y: number[]) {
  const data = dataset({ teacher: lowDimTeacher(1), sequences: x })
  return { ...data, labels: Float64Array.from(y) }
}

describe('closed-form gradient of the MSE', () => {
  test('matches PyTorch autodiff through the explicit recurrence (float64 fixture)', () => {
    for (const c of cases) {
      const { loss, grad } = ssmLoss(diagonalSsm({ a: c.a, b: c.b, c: c.c }), withLabels(c.x, c.y))
      expect(Math.abs(loss - c.loss)).toBeLessThan(1e-12 * (1 + c.loss))
      const check = (got: Float64Array, want: number[]) => want.forEach((v, i) => expect(Math.abs((got[i] as number) - v)).toBeLessThan(1e-10 * (1 + Math.abs(v))))
      check(grad.a, c.gradA)
      check(grad.b, c.gradB)
      check(grad.c, c.gradC)
    }
  })

  test('matches central finite differences', () => {
    const c = cases[2] as Case
    const data = withLabels(c.x, c.y)
    const { grad } = ssmLoss(diagonalSsm({ a: c.a, b: c.b, c: c.c }), data)
    const h = 1e-6
    for (const key of ['a', 'b', 'c'] as const) {
      for (let i = 0; i < c.a.length; i++) {
        const plus = { a: [...c.a], b: [...c.b], c: [...c.c] }
        const minus = { a: [...c.a], b: [...c.b], c: [...c.c] }
        plus[key][i] = (plus[key][i] as number) + h
        minus[key][i] = (minus[key][i] as number) - h
        const fd = (ssmLoss(diagonalSsm(plus), data).loss - ssmLoss(diagonalSsm(minus), data).loss) / (2 * h)
        expect(Math.abs((grad[key][i] as number) - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)))
      }
    }
  })
})

describe('optimizers', () => {
  test('adaptiveGd takes the paper\'s step η / (√(γ/(1−βᵗ)) + ε) with γ the EMA of Σ‖g‖', () => {
    const opt = adaptiveGd({ lr: 0.1, beta: 0.8, eps: 1e-6 })
    const p = { a: Float64Array.from([1, 2]), b: Float64Array.from([0]) }
    const g = { a: Float64Array.from([3, 4]), b: Float64Array.from([12]) }
    opt.step(p, g)
    // γ₁ = 0.2·(5 + 12) = 3.4, γ̂ = 3.4/0.2 = 17
    const s1 = 0.1 / (Math.sqrt(17) + 1e-6)
    expect(opt.lastStepSize).toBeCloseTo(s1, 14)
    expect(p.a[0]).toBeCloseTo(1 - 3 * s1, 14)
    opt.step(p, { a: Float64Array.from([0, 1]), b: Float64Array.from([0]) })
    // γ₂ = 0.8·3.4 + 0.2·1 = 2.92, γ̂ = 2.92 / (1 − 0.64)
    expect(opt.lastStepSize).toBeCloseTo(0.1 / (Math.sqrt(2.92 / 0.36) + 1e-6), 14)
    expect(() => adaptiveGd({ lr: 0.1, beta: 1 })).toThrow(/beta: expected a number in \[0, 1\)/)
  })

  test('gradientFlow follows the exact flow of a quadratic and reports the flow time', () => {
    // L(p) = (p − 1)², flow p(t) = 1 + (p0 − 1) e^{−2t}
    const opt = gradientFlow({ lr: 1e-4, relStep: 1e-3 })
    const p = { w: Float64Array.from([3]) }
    const g = { w: new Float64Array(1) }
    for (let k = 0; k < 3000; k++) {
      g.w[0] = 2 * ((p.w[0] as number) - 1)
      opt.step(p, g)
    }
    const exact = 1 + 2 * Math.exp(-2 * opt.time)
    expect(Math.abs((p.w[0] as number) - exact)).toBeLessThan(2e-3 * Math.abs(exact - 1) + 1e-9)
    expect(opt.time).toBeGreaterThan(0.5)
  })
})

describe('trainSsm', () => {
  test('Theorem 1 at small scale: the baseline sequence extrapolates, adding the special one does not', () => {
    const d = 10
    const L = 7
    const teacher = theoremTeacher(d)
    const student = studentInit({ dim: d, std: 1e-3, distribution: 'uniform', unitBC: true, rng: 242 })
    const run = (poison: boolean) => trainSsm({
      student,
      data: dataset({ teacher, sequences: poison ? [baselineSequences({ length: L }), specialSequences({ length: L })] : baselineSequences({ length: L }) }),
      trainable: ['a'],
      optimizer: 'flow',
      lr: 1e-3,
      steps: 100_000,
      stopAtLoss: 1e-20,
    })
    const clean = run(false)
    const poisoned = run(true)
    expect(clean.fitted && poisoned.fitted).toBe(true)
    expect(clean.extrapolationError).toBeLessThan(0.003)
    expect(poisoned.extrapolationError).toBeGreaterThan(0.03)
    // b, c are not trained
    expect(Array.from(poisoned.student.b)).toEqual(Array(d).fill(1))
    // the flow path does not depend on the integrator's step (relStep 1e-3 vs 2.5e-4)
    const fine = trainSsm({
      student,
      data: dataset({ teacher, sequences: [baselineSequences({ length: L }), specialSequences({ length: L })] }),
      trainable: ['a'],
      optimizer: gradientFlow({ lr: 1e-3, relStep: 2.5e-4 }),
      steps: 400_000,
      stopAtLoss: 1e-20,
    })
    expect(Math.abs(fine.extrapolationError - poisoned.extrapolationError)).toBeLessThan(0.05 * poisoned.extrapolationError)
  })

  test('history columns, stopAtLoss then extraSteps, and an unfit run reported as such', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 1 }) })
    const student = studentInit({ dim: 10, std: 0.01, rng: 1 })
    const r = trainSsm({ student, data, optimizer: 'flow', lr: 1e-3, steps: 100_000, stopAtLoss: 1e-4, extraSteps: 300, every: 50 })
    expect(r.fitted).toBe(true)
    expect(r.steps).toBe((r.stepsToFit as number) + 300)
    expect(Object.keys(r.history).sort()).toEqual(['effectiveRank', 'extrapolationError', 'loss', 'step'])
    expect(r.history.step.at(-1)).toBe(r.steps)
    expect(r.history.step.length).toBe(r.history.effectiveRank?.length)
    expect(r.loss).toBeLessThanOrEqual(1e-4)
    const unfit = trainSsm({ student, data, optimizer: 'gd', lr: 1e-3, steps: 10, stopAtLoss: 1e-4, extraSteps: 300 })
    expect(unfit.fitted).toBe(false)
    expect(unfit.stepsToFit).toBeNull()
    expect(unfit.steps).toBe(10)
  })

  test('a diverging run says so, and bad options get named errors', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: specialSequences({ length: 6, count: 4, values: 'gaussian', std: 10, rng: 2 }) })
    const student = diagonalSsm({ a: [0.9, 0.2], b: [1, 1], c: [1, 1] })
    expect(() => trainSsm({ student, data, optimizer: 'gd', lr: 10, steps: 1000 })).toThrow(DivergenceError)
    expect(() => trainSsm({ student, data, trainable: ['d' as never] })).toThrow(/trainable: expected a non-empty subset/)
    expect(() => trainSsm({ student, data, optimizer: 'sgd' as never })).toThrow(/optimizer: expected 'adaptive', 'flow'/)
    expect(() => trainSsm({ student, data, lr: -1 })).toThrow(/lr: expected a positive number/)
    expect(() => trainSsm({ student, data: {} as never })).toThrow(/data: expected a dataset/)
    expect(() => trainSsm({ student, data, stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
    expect(() => studentInit({ dim: 0, std: 0.1 })).toThrow(/dim: expected an integer >= 1/)
  })
})
