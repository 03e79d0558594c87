import { describe, expect, test } from 'vitest'
import { relativeError } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import {
  costExtrapolationError, mlpController, mlpPolicy, pendulum, pendulumCost, pendulumCostAndGradient, pendulumPolicyCost, pendulumRolloutCost,
  pendulumTrajectory, trainPendulumController, trainPendulumPolicy,
} from '../src/index'

const states = [[Math.PI - 0.5, 0], [Math.PI + 0.5, 0.3], [0.2, -0.1]]

describe('pendulum on the float64 track', () => {
  test('dynamics: an uncontrolled pendulum at rest upright stays; a zero policy conserves energy approximately', () => {
    const sys = pendulum()
    expect(sys.dt).toBe(0.05)
    expect(sys.gravity).toBe(10)
    const policy = mlpPolicy({ hidden: [4], rng: 1 })
    for (const k of Object.keys(policy.params)) policy.params[k]!.fill(0)
    // At the goal with zero torque every step costs 0 (sin π ≈ 1e-16).
    expect(pendulumPolicyCost(sys, policy, [[Math.PI, 0]], 20)).toBeLessThan(1e-20)
  })

  test('BPTT gradient equals central finite differences (with control cost, targets and weights)', () => {
    const sys = pendulum({ controlCost: 0.1 })
    const policy = mlpPolicy({ hidden: [6, 5], rng: 3 })
    const extra = { targets: [[Math.PI, 0], [2 * Math.PI, 0], [0, 0]], stateWeights: [1, 0.1, 0.5] }
    const { cost, grads } = pendulumCostAndGradient(sys, policy, states, 12, extra)
    expect(cost).toBeCloseTo(pendulumPolicyCost(sys, policy, states, 12, extra), 12)
    const eps = 1e-6
    for (const [key, p] of Object.entries(policy.params)) {
      const fd = new Float64Array(p.length)
      for (let i = 0; i < p.length; i++) {
        const v = p[i] as number
        p[i] = v + eps
        const up = pendulumPolicyCost(sys, policy, states, 12, extra)
        p[i] = v - eps
        const down = pendulumPolicyCost(sys, policy, states, 12, extra)
        p[i] = v
        fd[i] = (up - down) / (2 * eps)
      }
      expect(relativeError(grads[key] as Float64Array, fd), key).toBeLessThan(1e-6)
    }
  })

  test('training lowers the cost and errors name their argument', () => {
    const sys = pendulum()
    const policy = mlpPolicy({ hidden: [16, 16], rng: 0 })
    const { history } = trainPendulumPolicy({ system: sys, policy, trainStates: states.slice(0, 2), horizon: 30, optimizer: { type: 'adam', lr: 1e-2 }, steps: 60 })
    expect(history.loss.at(-1) as number).toBeLessThan(0.7 * (history.loss[0] as number))
    expect(() => pendulum({ dt: 0 })).toThrow(/dt: expected a positive/)
    expect(() => pendulumPolicyCost(sys, policy, [[1, 2, 3]], 10)).toThrow(/states: expected 2 columns/)
    expect(() => pendulumPolicyCost(sys, policy, [[1, 2]], 0)).toThrow(/horizon/)
    expect(() => pendulumPolicyCost(sys, policy, [[1, 2]], 5, { stateWeights: [1, 2] })).toThrow(/stateWeights: expected 1 weights/)
    expect(() => mlpPolicy({ hidden: [0] })).toThrow(/hidden\[0\]/)
    expect(costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 5, minimalTestCost: 1 })).toBe(0.25)
    expect(() => costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 1, minimalTestCost: 1 })).toThrow(/noExtrapolationTestCost/)
  })
})

describe('pendulum on the tfjs track', () => {
  test('tfjs autodiff agrees with the float64 BPTT gradient from the same initialization', async () => {
    const { tf } = await initTf()
    const sys = pendulum()
    const policy = mlpPolicy({ hidden: [8, 8], rng: 5 })
    const ctrl = mlpController(tf, { hidden: [8, 8], rng: 5 })
    // Same seed, same draws: identical weights on both tracks.
    expect(relativeError(Float64Array.from(ctrl.weights[0]!.dataSync()), policy.params.W0 as Float64Array)).toBe(0)
    const H = 15
    const f64 = pendulumCostAndGradient(sys, policy, states, H)
    expect(pendulumCost(tf, sys, ctrl, states, H) / f64.cost).toBeCloseTo(1, 5)
    const vars = [...ctrl.weights, ...ctrl.biases]
    const { grads } = tf.variableGrads(() => tf.tidy(() => pendulumRolloutCost(tf, sys, ctrl, tf.tensor2d(states), H)), vars)
    ctrl.weights.forEach((w, l) => {
      expect(relativeError(Float64Array.from(grads[w.name]!.dataSync()), f64.grads[`W${l}`] as Float64Array)).toBeLessThan(1e-4)
    })
    ctrl.biases.forEach((b, l) => {
      expect(relativeError(Float64Array.from(grads[b.name]!.dataSync()), f64.grads[`b${l}`] as Float64Array)).toBeLessThan(1e-4)
    })
    tf.dispose(Object.values(grads))
    // A controller copied from the float64 policy computes the same cost.
    const copy = mlpController(tf, { policy })
    expect(pendulumCost(tf, sys, copy, states, H) / f64.cost).toBeCloseTo(1, 5)
    const traj = pendulumTrajectory(tf, sys, copy, [states[0]!], 3)
    expect(traj[0]!.length).toBe(4)
    expect(traj[0]![1]![0]).toBeCloseTo(Math.PI - 0.5, 5) // θ₁ = θ₀ + dt ω₀ with ω₀ = 0
    ctrl.dispose()
    copy.dispose()
  })

  test('BPTT training on tfjs lowers the cost and leaks no tensors', async () => {
    const { tf } = await initTf()
    const sys = pendulum()
    const ctrl = mlpController(tf, { hidden: [8], rng: 2 })
    const before = tf.memory().numTensors
    const { history } = trainPendulumController(tf, { system: sys, controller: ctrl, trainStates: states.slice(0, 2), horizon: 10, optimizer: { type: 'adam', lr: 3e-2 }, steps: 15, every: 5 })
    expect(tf.memory().numTensors).toBe(before)
    expect(history.step).toEqual([0, 5, 10, 15])
    expect(history.cost.at(-1) as number).toBeLessThan(history.cost[0] as number)
    ctrl.dispose()
  })
})
