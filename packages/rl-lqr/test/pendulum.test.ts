import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { relativeError } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { costExtrapolationError, mlpController, pendulum, pendulumCost, pendulumCostAndGrad, pendulumTrajectory, trainPendulumController } from '../src/index'
import * as tfTrack from '../src/tf'

const states = [[Math.PI - 0.5, 0], [Math.PI + 0.5, 0.3], [0.2, -0.1]]

describe('pendulum on the float64 track', () => {
  test('dynamics: at the goal with zero torque every step costs 0; the trajectory follows explicit Euler', () => {
    const sys = pendulum()
    expect(sys.dt).toBe(0.05)
    expect(sys.gravity).toBe(10)
    const controller = mlpController({ hidden: [4], rng: 1 })
    for (const k of Object.keys(controller.params)) controller.params[k]!.fill(0)
    // At the goal with zero torque every step costs 0 (sin π ≈ 1e-16).
    expect(pendulumCost(sys, controller, [[Math.PI, 0]], 20)).toBeLessThan(1e-20)
    const [traj] = pendulumTrajectory(sys, controller, [[0.3, 0.1]], 2)
    const w1 = 0.1 - 0.05 * 10 * Math.sin(0.3)
    expect(traj).toEqual([[0.3, 0.1], [0.3 + 0.05 * 0.1, w1], [0.3 + 0.05 * 0.1 + 0.05 * w1, w1 - 0.05 * 10 * Math.sin(0.3 + 0.05 * 0.1)]])
  })

  test('BPTT gradient equals central finite differences (with control cost, targets and weights)', () => {
    const sys = pendulum({ controlCost: 0.1 })
    const controller = mlpController({ hidden: [6, 5], rng: 3 })
    const extra = { targets: [[Math.PI, 0], [2 * Math.PI, 0], [0, 0]], stateWeights: [1, 0.1, 0.5] }
    const { cost, grad } = pendulumCostAndGrad(sys, controller, states, 12, extra)
    expect(cost).toBeCloseTo(pendulumCost(sys, controller, states, 12, extra), 12)
    const eps = 1e-6
    for (const [key, p] of Object.entries(controller.params)) {
      const fd = new Float64Array(p.length)
      for (let i = 0; i < p.length; i++) {
        const v = p[i] as number
        p[i] = v + eps
        const up = pendulumCost(sys, controller, states, 12, extra)
        p[i] = v - eps
        const down = pendulumCost(sys, controller, states, 12, extra)
        p[i] = v
        fd[i] = (up - down) / (2 * eps)
      }
      expect(relativeError(grad[key] as Float64Array, fd), key).toBeLessThan(1e-6)
    }
  })

  test('training lowers the cost, starts from a copy of `initial`, and errors name their argument', () => {
    const sys = pendulum()
    const initial = mlpController({ hidden: [16, 16], rng: 0 })
    const W0 = Float64Array.from(initial.params.W0!)
    const { controller, history, steps, stoppedBy } = trainPendulumController({ system: sys, initial, trainStates: states.slice(0, 2), horizon: 30, optimizer: 'adam', lr: 1e-2, steps: 60 })
    expect(history.loss.at(-1) as number).toBeLessThan(0.7 * (history.loss[0] as number))
    expect([steps, stoppedBy]).toEqual([60, 'steps'])
    expect(initial.params.W0).toEqual(W0) // not modified
    expect(history.loss.at(-1)).toBe(pendulumCost(sys, controller, states.slice(0, 2), 30))
    // The same draws as hidden + rng.
    const drawn = trainPendulumController({ system: sys, hidden: [16, 16], rng: 0, trainStates: states.slice(0, 2), horizon: 30, optimizer: 'adam', lr: 1e-2, steps: 60 })
    expect(drawn.history.loss).toEqual(history.loss)
    expect(() => trainPendulumController({ system: sys, initial, hidden: [4], trainStates: states, steps: 1 })).toThrow(/hidden: give either/)
    expect(() => trainPendulumController({ system: sys, trainStates: [[1, 2, 3]], steps: 1 })).toThrow(/trainStates: expected 2 columns/)
    expect(() => trainPendulumController({ system: {} as never, trainStates: states, steps: 1 })).toThrow(/system: expected a pendulum/)
    expect(() => trainPendulumController({ system: sys, trainStates: states, onProgress: () => {} } as never)).toThrow(/unknown option 'onProgress'/)
    expect(() => pendulum({ dt: 0 })).toThrow(/dt: expected a positive/)
    expect(() => pendulumCost(sys, controller, [[1, 2, 3]], 10)).toThrow(/states: expected 2 columns/)
    expect(() => pendulumCost(sys, controller, [[1, 2]], 0)).toThrow(/horizon/)
    expect(() => pendulumCost(sys, controller, [[1, 2]], 5, { stateWeights: [1, 2] })).toThrow(/stateWeights: expected 1 weights/)
    expect(() => pendulumCost(sys, { sizes: [2, 1], params: {} }, [[1, 2]], 5)).toThrow(/controller.params.W0/)
    expect(() => mlpController({ hidden: [0] })).toThrow(/hidden\[0\]/)
    expect(costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 5, minimalTestCost: 1 })).toBe(0.25)
    expect(() => costExtrapolationError({ testCost: 2, noExtrapolationTestCost: 1, minimalTestCost: 1 })).toThrow(/noExtrapolationTestCost/)
  })
})

describe('pendulum on the tfjs track, against the float64 track', () => {
  beforeAll(async () => {
    await initTf()
  })

  test('same seed, same weights; costs, trajectories and tfjs autodiff gradients agree with the float64 closed form', () => {
    const sys = pendulum({ controlCost: 0.05 })
    const f64 = mlpController({ hidden: [8, 8], rng: 5 })
    const ctrl = tfTrack.mlpController({ hidden: [8, 8], rng: 5 })
    expect(ctrl.sizes).toEqual(f64.sizes)
    // Same seed, same draws: identical weights on both tracks.
    ctrl.weights.forEach((w, l) => expect(relativeError(Float64Array.from(w.dataSync()), f64.params[`W${l}`]!)).toBe(0))
    ctrl.biases.forEach((b, l) => expect(relativeError(Float64Array.from(b.dataSync()), f64.params[`b${l}`]!)).toBe(0))
    const H = 15
    const extra = { targets: [[Math.PI, 0], [2 * Math.PI, 0], [0, 0]], stateWeights: [1, 0.1, 0.5] }
    for (const options of [{}, extra]) {
      const exact = pendulumCostAndGrad(sys, f64, states, H, options)
      expect(tfTrack.pendulumCost(sys, ctrl, states, H, options) / exact.cost).toBeCloseTo(1, 5)
      const auto = tfTrack.pendulumCostAndGrad(sys, ctrl, states, H, options)
      expect(auto.cost / exact.cost).toBeCloseTo(1, 5)
      expect(Object.keys(auto.grad).sort()).toEqual(Object.keys(exact.grad).sort())
      for (const key of Object.keys(exact.grad)) expect(relativeError(auto.grad[key]!, exact.grad[key]!), key).toBeLessThan(1e-4)
    }
    // The tensor-level cost differentiated by hand gives the same gradient.
    const vars = [...ctrl.weights, ...ctrl.biases]
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tfTrack.pendulumRolloutCost(sys, ctrl, tf.tensor2d(states), H)), vars)
    const exact = pendulumCostAndGrad(sys, f64, states, H)
    expect(value.dataSync()[0]! / exact.cost).toBeCloseTo(1, 5)
    ctrl.weights.forEach((w, l) => expect(relativeError(Float64Array.from(grads[w.name]!.dataSync()), exact.grad[`W${l}`]!)).toBeLessThan(1e-4))
    tf.dispose([value, ...Object.values(grads)])
    // A controller copied from the float64 one computes the same cost and trajectory.
    const copy = tfTrack.mlpController({ initial: f64 })
    expect(tfTrack.pendulumCost(sys, copy, states, H) / exact.cost).toBeCloseTo(1, 5)
    const traj = tfTrack.pendulumTrajectory(sys, copy, states, 3)
    expect(relativeError(traj.flat(2), pendulumTrajectory(sys, f64, states, 3).flat(2))).toBeLessThan(1e-6)
    expect(traj[0]![1]![0]).toBeCloseTo(Math.PI - 0.5, 5) // θ₁ = θ₀ + dt ω₀ with ω₀ = 0
    expect(() => tfTrack.mlpController({ initial: f64, hidden: [3] })).toThrow(/hidden: give either/)
    expect(() => tfTrack.pendulumCost(sys, f64 as never, states, H)).toThrow(/controller: expected a tfjs MLP controller/)
    ctrl.dispose()
    copy.dispose()
  })

  test('creating and disposing a controller leaves no tensor behind', () => {
    const before = tf.memory().numTensors
    tfTrack.mlpController({ hidden: [4, 4], rng: 0 }).dispose()
    tfTrack.mlpController({ initial: mlpController({ hidden: [3], rng: 1 }) }).dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('both trainers take the same steps from the same seed, and the tfjs one leaks no tensors', () => {
    const sys = pendulum()
    const common = { system: sys, trainStates: states.slice(0, 2), horizon: 10, hidden: [8], rng: 2, optimizer: 'gd' as const, lr: 1e-2, steps: 12, every: 4 }
    const before = tf.memory().numTensors
    const onTf = tfTrack.trainPendulumController(common)
    expect(tf.memory().numTensors).toBe(before + 4) // the trained controller's two weights and two biases
    const onF64 = trainPendulumController(common)
    expect(onTf.history.step).toEqual([0, 4, 8, 12])
    expect(onTf.history.step).toEqual(onF64.history.step)
    expect(relativeError(onTf.history.loss, onF64.history.loss)).toBeLessThan(1e-5)
    expect(onTf.history.loss.at(-1) as number).toBeLessThan(onTf.history.loss[0] as number)
    expect([onTf.steps, onTf.stoppedBy]).toEqual([12, 'steps'])
    // Training from a copy of the trained tfjs controller leaves it untouched.
    const W0 = Float64Array.from(onTf.controller.weights[0]!.dataSync())
    const { hidden: _hidden, rng: _rng, ...problem } = common
    const again = tfTrack.trainPendulumController({ ...problem, initial: onTf.controller, steps: 2 })
    expect(Float64Array.from(onTf.controller.weights[0]!.dataSync())).toEqual(W0)
    expect(again.history.loss[0]).toBeCloseTo(onTf.history.loss.at(-1) as number, 6)
    again.controller.dispose()
    onTf.controller.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('a diverging run throws a DivergenceError naming the step and frees what it made', () => {
    const before = tf.memory().numTensors
    expect(() => tfTrack.trainPendulumController({ system: pendulum(), trainStates: states, horizon: 10, hidden: [8], rng: 0, optimizer: 'gd', lr: 1e6, steps: 20 })).toThrow(/diverged: loss is .* at step \d+/)
    expect(tf.memory().numTensors).toBe(before)
  })
})
