import { describe, expect, test } from 'vitest'
import { Matrix, createRng, relativeError } from '@theoryml/core'
import {
  basisStates, explorationMeasure, extrapolation, finiteHorizonCost, finiteHorizonCostAndGrad, identitySystem, lqrSystem, minimalCost,
  noExtrapolationController, policyGradient, randomSystem, shiftSystem,
} from '../src/index'

describe('policy gradient and extrapolation (the paper\'s LQR setting: n = m = 5, H = 5, R = 0, K₀ = 0)', () => {
  test('identity system: no extrapolation, E_opt = E_cost = 1 exactly', () => {
    const sys = identitySystem(5)
    for (const k of [1, 3]) {
      const train = basisStates(5, 0, k)
      const test = basisStates(5, k, 5)
      const { K, history } = policyGradient({ system: sys, trainStates: train, lr: 1e-3, steps: 20_000, stopWhen: (s) => s.gradNorm <= 1e-10 })
      expect(history.loss.at(-1)).toBeCloseTo(minimalCost(sys, train), 8)
      const e = extrapolation(sys, K, { trainStates: train, testStates: test })
      expect(e.optimalityError).toBe(1)
      expect(e.costError).toBe(1)
    }
  })

  test('shift system from e₁: E_opt ≈ 0.63 and training reaches the minimal cost', () => {
    const sys = shiftSystem(5)
    const train = basisStates(5, 0, 1)
    const { K, history, steps, stoppedBy } = policyGradient({ system: sys, trainStates: train, steps: 100_000, stopWhen: (s) => s.gradNorm <= 1e-10 })
    expect(stoppedBy).toBe('stopWhen')
    expect(steps).toBeLessThan(100_000)
    expect(history.step.at(-1)).toBe(steps)
    expect(history.loss.at(-1)).toBeCloseTo(1, 8)
    const e = extrapolation(sys, K, { trainStates: train, testStates: basisStates(5, 1, 5) })
    expect(e.optimalityError).toBeGreaterThan(0.6)
    expect(e.optimalityError).toBeLessThan(0.66)
    expect(e.costError).toBeLessThan(0.6)
  })

  test('records extra columns from the state and honours the initial controller and optimizers', () => {
    const sys = randomSystem(3, 3, 1)
    const train = [[1, 0, 0]]
    const K0 = Matrix.eye(3).mul(-0.1)
    const { history, steps, stoppedBy } = policyGradient({
      system: sys, trainStates: train, initial: K0, optimizer: 'adam', lr: 1e-2, steps: 200, every: 50,
      record: { norm: (s) => s.K.norm('frobenius'), gradNorm: (s) => s.gradNorm, gradFro: (s) => s.grad.norm('frobenius') },
    })
    expect(history.step).toEqual([0, 50, 100, 150, 200])
    expect(steps).toBe(200)
    expect(stoppedBy).toBe('steps')
    expect((history.norm as number[])[0]).toBeCloseTo(Math.sqrt(3) * 0.1, 12)
    expect(history.gradNorm).toEqual(history.gradFro)
    expect(history.loss.at(-1) as number).toBeLessThan(history.loss[0] as number)
    // The state's K and grad are in the system's convention: a column-convention copy of the problem records the same norms.
    const col = lqrSystem({ A: sys.A.transpose(), B: sys.B.transpose(), horizon: 5, convention: 'column' })
    const cols = policyGradient({ system: col, trainStates: train, initial: K0.transpose(), steps: 3, every: 1, record: { g01: (s) => s.grad.get(0, 1), K01: (s) => s.K.get(0, 1) } })
    const rows = policyGradient({ system: sys, trainStates: train, initial: K0, steps: 3, every: 1, record: { g10: (s) => s.grad.get(1, 0), K10: (s) => s.K.get(1, 0) } })
    expect(cols.history.g01).toEqual(rows.history.g10)
    expect(cols.history.K01).toEqual(rows.history.K10)
    expect(cols.history.loss).toEqual(rows.history.loss)
  })

  test('gradient descent by hand with finiteHorizonCostAndGrad takes the same steps', () => {
    const sys = randomSystem(4, 2, 3, { randomB: true })
    const X0 = [[1, 0, 0, 0], [0, 1, 0, 0]]
    let K = new Matrix(4, 2)
    const losses: number[] = []
    for (let t = 0; t <= 20; t++) {
      const { cost, grad } = finiteHorizonCostAndGrad(sys, K, X0)
      losses.push(cost)
      K = K.clone().sub(grad.clone().mul(1e-2))
    }
    const gd = policyGradient({ system: sys, trainStates: X0, lr: 1e-2, steps: 20, every: 1 })
    expect(gd.history.step.length).toBe(21)
    expect(relativeError(gd.history.loss, losses)).toBeLessThan(1e-13)
    // 20 updates: the learned K is K₂₀, whose cost is the last recorded loss.
    const last = finiteHorizonCostAndGrad(sys, gd.K, X0).cost
    expect(last).toBeCloseTo(losses.at(-1) as number, 14)
  })

  test('the no-extrapolation controller fits the training states and is zero elsewhere', () => {
    const sys = randomSystem(5, 5, createRng(4))
    const train = basisStates(5, 0, 2)
    const K = noExtrapolationController(sys, train)
    const residual = train.mmul(sys.A.clone().add(K.mmul(sys.B)))
    expect(residual.norm('frobenius')).toBeLessThan(1e-12)
    expect(finiteHorizonCost(sys, K, train)).toBeCloseTo(minimalCost(sys, train), 12)
    expect(basisStates(5, 2, 5).mmul(K).norm('frobenius')).toBeLessThan(1e-12)
    const e = extrapolation(sys, K, { trainStates: train, testStates: basisStates(5, 2, 5) })
    expect(e.costError).toBeCloseTo(1, 12)
    expect(e.optimalityError).toBeCloseTo(1, 12)
  })
})

describe('exploration measure', () => {
  test('identity explores nothing, shift explores H − 1 new directions', () => {
    const e1 = basisStates(5, 0, 1)
    const id = explorationMeasure(identitySystem(5), e1)
    expect(id.value).toBe(0)
    expect(id.dimension).toBe(0)
    const sh = explorationMeasure(shiftSystem(5), e1)
    expect(sh.value).toBeCloseTo(0.8, 14)
    expect(sh.dimension).toBe(4)
    expect(sh.basis.mmul(sh.basis.transpose()).sub(Matrix.eye(4)).norm('frobenius')).toBeLessThan(1e-12)
    // With test states given, only their span counts: e₂ is visited once out of 5 states.
    expect(explorationMeasure(shiftSystem(5), e1, { testStates: [[0, 1, 0, 0, 0]] }).value).toBeCloseTo(0.2, 14)
    // A random system explores somewhere in between.
    const rnd = explorationMeasure(randomSystem(5, 5, 2), e1)
    expect(rnd.value).toBeGreaterThan(0)
    expect(rnd.value).toBeLessThan(1)
  })
})

describe('input errors name the argument', () => {
  test('lqrSystem', () => {
    expect(() => lqrSystem({ A: [[1, 2]], B: [[1, 0]], horizon: 2 })).toThrow(/A: expected a square matrix/)
    expect(() => lqrSystem({ A: [[1, 0], [0, 1]], B: [[1], [0], [0]], horizon: 2, convention: 'column' })).toThrow(/B: expected 2 rows/)
    expect(() => lqrSystem({ A: [[1, 0], [0, 1]], B: [[1, 0, 0]], horizon: 2 })).toThrow(/B: expected 2 columns/)
    expect(() => lqrSystem({ A: [[1]], B: [[1]], Q: [[-1]], horizon: 2 })).toThrow(/Q: expected a positive semidefinite/)
    expect(() => lqrSystem({ A: [[1, 0], [0, 1]], B: [[1, 0]], Q: [[1, 1], [0, 1]], horizon: 2 })).toThrow(/Q: expected a symmetric/)
    expect(() => lqrSystem({ A: [[1]], B: [[1]], horizon: 0 })).toThrow(/horizon: expected an integer >= 1/)
    expect(() => lqrSystem({ A: [[1]], B: [[1]], horizon: 2, convention: 'diag' as 'row' })).toThrow(/convention/)
    expect(() => lqrSystem({ A: [[NaN]], B: [[1]], horizon: 2 })).toThrow(/A: expected finite/)
  })

  test('costs, policy gradient and measures', () => {
    const sys = shiftSystem(3)
    expect(() => finiteHorizonCost(sys, [[1, 0]], [[1, 0, 0]])).toThrow(/K: expected 3 rows/)
    expect(() => finiteHorizonCost(sys, new Matrix(3, 3), [[1, 0]])).toThrow(/initialStates: expected a matrix|initialStates: expected 3 columns|initialStates: expected states with 3/)
    expect(() => finiteHorizonCost({} as never, new Matrix(3, 3), [[1, 0, 0]])).toThrow(/system: expected an LQR system/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], lr: -1 })).toThrow(/lr: expected a positive/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], optimizer: 'sgdx' as 'gd' })).toThrow(/optimizer/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], K0: [[0]] } as never)).toThrow(/unknown option 'K0'/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], initial: [[0]] })).toThrow(/initial: expected 3 rows/)
    expect(() => policyGradient({ system: sys, trainStates: [[1, 0, 0]], optimizer: { type: 'gd', lr: 1 }, lr: 1 })).toThrow(/lr: give the learning rate inside/)
    expect(() => extrapolation(sys, new Matrix(3, 3), { trainStates: [[1, 0, 0]], testStates: [[0, 1]] })).toThrow(/testStates/)
    expect(() => explorationMeasure(sys, [[1, 0, 0, 0]])).toThrow(/trainStates/)
    const unstable = lqrSystem({ A: [[3]], B: [[1]], horizon: 40 })
    expect(() => policyGradient({ system: unstable, trainStates: [[1]], lr: 10, steps: 50 })).toThrow(/diverged/)
  })
})
