import { adaptiveGd, DivergenceError, train } from '@theoryml/core'
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
  ssmLossAndGrad,
  studentInit,
  TRAIN_SSM_DEFAULTS,
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
      const ssm = diagonalSsm({ a: c.a, b: c.b, c: c.c })
      const { loss, grad } = ssmLossAndGrad(ssm, withLabels(c.x, c.y))
      expect(Math.abs(loss - c.loss)).toBeLessThan(1e-12 * (1 + c.loss))
      expect(ssmLoss(ssm, withLabels(c.x, c.y))).toBe(loss) // the loss alone, the same number
      const check = (got: Float64Array, want: number[]) => want.forEach((v, i) => expect(Math.abs((got[i] as number) - v)).toBeLessThan(1e-10 * (1 + Math.abs(v))))
      check(grad.a, c.gradA)
      check(grad.b, c.gradB)
      check(grad.c, c.gradC)
    }
  })

  test('matches central finite differences', () => {
    const c = cases[2] as Case
    const data = withLabels(c.x, c.y)
    const { grad } = ssmLossAndGrad(diagonalSsm({ a: c.a, b: c.b, c: c.c }), data)
    const h = 1e-6
    for (const key of ['a', 'b', 'c'] as const) {
      for (let i = 0; i < c.a.length; i++) {
        const plus = { a: [...c.a], b: [...c.b], c: [...c.c] }
        const minus = { a: [...c.a], b: [...c.b], c: [...c.c] }
        plus[key][i] = (plus[key][i] as number) + h
        minus[key][i] = (minus[key][i] as number) - h
        const fd = (ssmLoss(diagonalSsm(plus), data) - ssmLoss(diagonalSsm(minus), data)) / (2 * h)
        expect(Math.abs((grad[key][i] as number) - fd)).toBeLessThan(1e-7 * (1 + Math.abs(fd)))
      }
    }
    expect(() => ssmLossAndGrad({ a: [1] } as never, data)).toThrow(/ssm: expected a diagonal SSM/)
    expect(() => ssmLoss(diagonalSsm({ a: c.a, b: c.b, c: c.c }), {} as never)).toThrow(/data: expected a dataset/)
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
    const initial = studentInit({ dim: d, std: 1e-3, distribution: 'uniform', unitBC: true, rng: 242 })
    const run = (poison: boolean) => trainSsm({
      initial,
      data: dataset({ teacher, sequences: poison ? [baselineSequences({ length: L }), specialSequences({ length: L })] : baselineSequences({ length: L }) }),
      trainable: ['a'],
      optimizer: gradientFlow({ lr: 1e-3 }),
      steps: 100_000,
      stopAtLoss: 1e-20,
    })
    const clean = run(false)
    const poisoned = run(true)
    expect(clean.fitted && poisoned.fitted).toBe(true)
    expect(clean.stoppedBy).toBe('stopAtLoss')
    expect(clean.extrapolationError).toBeLessThan(0.003)
    expect(poisoned.extrapolationError).toBeGreaterThan(0.03)
    // b, c are not trained
    expect(Array.from(poisoned.student.b)).toEqual(Array(d).fill(1))
    // the flow path does not depend on the integrator's step (relStep 1e-3 vs 2.5e-4)
    const flow = gradientFlow({ lr: 1e-3, relStep: 2.5e-4 })
    const fine = trainSsm({
      initial,
      data: dataset({ teacher, sequences: [baselineSequences({ length: L }), specialSequences({ length: L })] }),
      trainable: ['a'],
      optimizer: flow,
      steps: 400_000,
      stopAtLoss: 1e-20,
    })
    expect(Math.abs(fine.extrapolationError - poisoned.extrapolationError)).toBeLessThan(0.05 * poisoned.extrapolationError)
    expect(flow.time).toBeGreaterThan(1e3) // the instance reports the flow time it reached
  })

  test('fit then extra steps is one run: one history, global steps, onStep once per row, stoppedBy stopAtLoss', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 1 }) })
    const initial = studentInit({ dim: 10, std: 0.01, rng: 1 })
    const seen: Array<{ step: number; fitted: boolean; rows: number }> = []
    const r = trainSsm({
      initial, data, optimizer: gradientFlow({ lr: 1e-3 }), steps: 100_000, stopAtLoss: 1e-4, extraSteps: 300, every: 50,
      record: { a0: (s) => s.student.a[0] as number, fitted: (s) => (s.fitted ? 1 : 0) },
      onStep: (s, h) => void seen.push({ step: s.step, fitted: s.fitted, rows: h.step.length }),
    })
    expect(r.fitted).toBe(true)
    expect(r.stoppedBy).toBe('stopAtLoss')
    expect(r.steps).toBe((r.stepsToFit as number) + 300)
    expect(Object.keys(r.history).sort()).toEqual(['a0', 'effectiveRank', 'extrapolationError', 'fitted', 'loss', 'step'])
    const steps = r.history.step
    // rows every 50 steps across the fit, then the last one: strictly increasing, no repeated row
    expect(steps.slice(0, -1)).toEqual(Array.from({ length: steps.length - 1 }, (_, i) => 50 * i))
    expect(steps.at(-1)).toBe(r.steps)
    for (const col of Object.values(r.history)) expect(col.length).toBe(steps.length)
    expect(seen.map((s) => s.step)).toEqual(steps)
    expect(seen.map((s) => s.rows)).toEqual(steps.map((_, i) => i + 1))
    // the state says when the fit happened
    expect(r.history.fitted).toEqual(steps.map((t) => (t >= (r.stepsToFit as number) ? 1 : 0)))
    expect(r.history.a0?.at(-1)).toBe(r.student.a[0])
    expect(r.loss).toBe(r.history.loss.at(-1))
    expect(r.loss).toBeLessThanOrEqual(1e-4)
    // the same updates as core's train taking stepsToFit + extraSteps steps from the same start
    const a = Float64Array.from(initial.a)
    const b = Float64Array.from(initial.b)
    const c = Float64Array.from(initial.c)
    train({
      params: { a, b, c },
      lossAndGrad: (_p, g) => {
        const { loss, grad } = ssmLossAndGrad(diagonalSsm({ a, b, c }, { warn: false }), data)
        g.a?.set(grad.a)
        g.b?.set(grad.b)
        g.c?.set(grad.c)
        return loss
      },
      optimizer: gradientFlow({ lr: 1e-3 }),
      steps: r.steps,
    })
    expect(Array.from(r.student.a)).toEqual(Array.from(a))
    expect(Array.from(r.student.c)).toEqual(Array.from(c))
  })

  test('unfit runs, stopWhen and signal say why they stopped', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 1 }) })
    const initial = studentInit({ dim: 10, std: 0.01, rng: 1 })
    const unfit = trainSsm({ initial, data, optimizer: 'gd', lr: 1e-3, steps: 10, stopAtLoss: 1e-4, extraSteps: 300 })
    expect(unfit).toMatchObject({ fitted: false, stepsToFit: null, steps: 10, stoppedBy: 'steps' })
    const plain = trainSsm({ initial, data, steps: 10 })
    expect(plain).toMatchObject({ fitted: true, stepsToFit: null, steps: 10, stoppedBy: 'steps' })
    const when = trainSsm({ initial, data, steps: 1000, stopWhen: (s) => s.step === 7 })
    expect(when).toMatchObject({ steps: 7, stoppedBy: 'stopWhen' })
    const controller = new AbortController()
    controller.abort()
    expect(trainSsm({ initial, data, steps: 1000, signal: controller.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    // stopWhen during the extra steps
    const late = trainSsm({ initial, data, optimizer: gradientFlow({ lr: 1e-3 }), steps: 100_000, stopAtLoss: 1e-4, extraSteps: 300, stopWhen: (s) => s.fitted && s.loss < 1e-5 })
    expect(late.stoppedBy).toBe('stopWhen')
    expect(late.steps).toBeLessThan((late.stepsToFit as number) + 300)
  })

  test('optimizer: core names with lr, specs, or an instance; the default is adaptiveGd with lr 0.01', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: specialSequences({ length: 6, count: 4, values: 'gaussian', rng: 2 }) })
    const initial = studentInit({ dim: 4, std: 0.1, rng: 3 })
    const byDefault = trainSsm({ initial, data, steps: 50 })
    const byName = trainSsm({ initial, data, optimizer: 'adaptiveGd', lr: 0.01, steps: 50 })
    const bySpec = trainSsm({ initial, data, optimizer: { type: 'adaptiveGd', lr: 0.01 }, steps: 50 })
    const byInstance = trainSsm({ initial, data, optimizer: adaptiveGd({ lr: 0.01 }), steps: 50 })
    expect(TRAIN_SSM_DEFAULTS).toMatchObject({ optimizer: 'adaptiveGd', lr: 0.01 })
    for (const r of [byName, bySpec, byInstance]) expect(Array.from(r.student.a)).toEqual(Array.from(byDefault.student.a))
    expect(() => trainSsm({ initial, data, optimizer: 'flow' as never })).toThrow(/optimizer: expected one of 'gd', .*'adaptiveGd'/)
    expect(() => trainSsm({ initial, data, optimizer: gradientFlow({ lr: 1e-3 }), lr: 0.1 })).toThrow(/lr: set the learning rate on the optimizer instance/)
    expect(() => trainSsm({ initial, data, optimizer: { type: 'adam', lr: 0.1 }, lr: 0.1 })).toThrow(/lr: give the learning rate inside the optimizer spec/)
  })

  test('init names a scheme (with dim, initStd, rng); initial is an explicit student', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: specialSequences({ length: 6, count: 4, values: 'gaussian', rng: 2 }) })
    const drawn = trainSsm({ data, init: 'uniform', dim: 5, initStd: 0.05, rng: 7, steps: 20 })
    const given = trainSsm({ data, initial: studentInit({ dim: 5, std: 0.05, distribution: 'uniform', rng: 7 }), steps: 20 })
    expect(Array.from(drawn.student.a)).toEqual(Array.from(given.student.a))
    const byDefault = trainSsm({ data, dim: 5, steps: 0 })
    expect(Array.from(byDefault.student.a)).toEqual(Array.from(studentInit({ dim: 5, std: 0.01 }).a))
    expect(() => trainSsm({ data, steps: 3 })).toThrow(/dim: required without an `initial` student/)
    expect(() => trainSsm({ data, initial: given.student, dim: 5 })).toThrow(/dim: give either an explicit `initial` student or a scheme/)
    expect(() => trainSsm({ data, init: 'gaussian' as never, dim: 5 })).toThrow(/init: expected 'normal' or 'uniform'/)
    expect(() => trainSsm({ data, initial: { a: [1] } as never })).toThrow(/initial: expected a diagonal SSM/)
  })

  test('a diverging run says so, and bad options get named errors', () => {
    const data = dataset({ teacher: lowDimTeacher(1), sequences: specialSequences({ length: 6, count: 4, values: 'gaussian', std: 10, rng: 2 }) })
    const initial = diagonalSsm({ a: [0.9, 0.2], b: [1, 1], c: [1, 1] })
    expect(() => trainSsm({ initial, data, optimizer: 'gd', lr: 10, steps: 1000 })).toThrow(DivergenceError)
    expect(() => trainSsm({ initial, data, trainable: ['d' as never] })).toThrow(/trainable: expected a non-empty subset/)
    expect(() => trainSsm({ initial, data, lr: -1 })).toThrow(/lr: expected a positive number/)
    expect(() => trainSsm({ initial, data: {} as never })).toThrow(/data: expected a dataset/)
    expect(() => trainSsm({ initial, data, stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
    expect(() => trainSsm({ initial, data, student: initial } as never)).toThrow(/unknown option 'student'/)
    expect(() => trainSsm({ initial, data, extraSteps: 10 })).toThrow(/extraSteps: .* give stopAtLoss too/)
    expect(() => trainSsm({ initial, data, record: { effectiveRank: () => 0 } })).toThrow(/record.effectiveRank: trainSsm records 'effectiveRank' already/)
    expect(() => trainSsm({ initial, data, stopAtLoss: NaN })).toThrow(/stopAtLoss: expected a finite number/)
    expect(() => studentInit({ dim: 0, std: 0.1 })).toThrow(/dim: expected an integer >= 1/)
  })
})
