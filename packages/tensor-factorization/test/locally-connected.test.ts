import type * as TF from '@tensorflow/tfjs'
import { createRng, DivergenceError } from '@theoryml/core'
import { beforeAll, describe, expect, test } from 'vitest'
import { isSameClassSequences } from '../src/index'
import { localityRegularizer, locallyConnected, trainLocallyConnected, type SequenceModel } from '../src/tf'
import { initTf } from '@theoryml/core/tf'

let tf: typeof TF
beforeAll(async () => {
  tf = (await initTf()).tf
})

describe('locallyConnected', () => {
  test('shapes, locality of the first layer, and bad input', () => {
    const model = locallyConnected({ length: 8, channels: 3, hidden: 5, rng: 1 })
    expect(model.layers.map((l) => l.weight.shape)).toEqual([[4, 6, 5], [2, 10, 5], [1, 10, 5]])
    const shared = locallyConnected({ length: 9, channels: 2, kernel: 3, shared: true })
    expect(shared.layers.map((l) => l.weight.shape)).toEqual([[6, 16], [48, 16]])
    const out = tf.tidy(() => model.predict(tf.ones([7, 8, 3])).shape)
    expect(out).toEqual([7, 1])
    // the output depends on every position: changing position 7 changes f
    const diff = tf.tidy(() => {
      const x = tf.randomNormal([1, 8, 3], 0, 1, 'float32', 3)
      const y = tf.add(x, tf.reshape(tf.oneHot(tf.tensor1d([7], 'int32'), 8), [1, 8, 1]))
      return tf.abs(tf.sub(model.predict(x), model.predict(y))).dataSync()[0]!
    })
    expect(diff).toBeGreaterThan(0)
    expect(() => locallyConnected({ length: 6, channels: 1 })).toThrow(/length: expected a power of kernel 2/)
    expect(() => tf.tidy(() => model.predict(tf.ones([2, 4, 3])))).toThrow(/x: expected shape \[batch, 8, 3\]/)
    model.dispose()
    shared.dispose()
  })

  test('training reduces the loss and does not leak tensors (with the regularizer too)', () => {
    const task = isSameClassSequences({ length: 8, channels: 2, segment: 1, gap: 0, train: 128, test: 8, noise: 0.1, background: 0.1, rng: 2 })
    for (const regularizer of [undefined, { lambda: 0.5, patch: task.patch, swap: task.swap }] as const) {
      const model = locallyConnected({ length: 8, channels: 2, hidden: 8, rng: 3 })
      const before = tf.memory().numTensors
      const { history } = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 60, batchSize: 32, every: 10, rng: 4, ...(regularizer ? { regularizer } : {}) })
      expect(tf.memory().numTensors).toBe(before)
      expect(history.loss.every(Number.isFinite)).toBe(true)
      expect(history.loss[history.loss.length - 1]!).toBeLessThan(history.loss[0]!)
      expect(history.step).toEqual([0, 10, 20, 30, 40, 50, 60])
      if (regularizer) expect(history.regularizer![0]!).toBeGreaterThan(0)
      else expect(history).not.toHaveProperty('regularizer')
      model.dispose()
    }
    const model = locallyConnected({ length: 8, channels: 2 })
    expect(() => trainLocallyConnected(model, { x: new Float32Array(10), y: [0] })).toThrow(/x: expected/)
    expect(() => trainLocallyConnected(model, { x: new Float32Array(16), y: [0], swaproles: true } as never)).toThrow(/swaproles/)
    expect(() => trainLocallyConnected(model, { x: new Float32Array(16), y: [2] })).toThrow(/y: expected labels 0 or 1/)
    model.dispose()
  })
})

describe('trainLocallyConnected with the regularizer (the protocol of the paper code)', () => {
  test('P and Q trade roles at random unless swapRoles is false; λ = 0 runs ignore it', () => {
    const task = isSameClassSequences({ length: 8, channels: 2, segment: 1, gap: 6, train: 64, test: 8, rng: 6 })
    const run = (lambda: number, swapRoles?: boolean): number[] => {
      const model = locallyConnected({ length: 8, channels: 2, hidden: 4, activation: 'tanh', rng: 7 })
      const { history } = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 12, batchSize: 16, every: 1, rng: 8, regularizer: { lambda, patch: task.patch, swap: task.swap }, ...(swapRoles === undefined ? {} : { swapRoles }) })
      model.dispose()
      return history.regularizer as number[]
    }
    const fixed = run(0.5, false)
    const swapped = run(0.5)
    expect(fixed.every((r) => r > 0 && r <= 0.5 + 1e-6)).toBe(true)
    expect(swapped.every((r) => r > 0 && r <= 0.5 + 1e-6)).toBe(true)
    // both runs start from the same weights and minibatch; they differ once a step uses P = Q's patch
    expect(swapped.some((r, i) => Math.abs(r - fixed[i]!) > 1e-6)).toBe(true)
    // λ = 0: no regularizer, and the minibatch stream is the same whatever swapRoles says
    expect(run(0, true)).toEqual(run(0, false))
  })
})

describe('trainLocallyConnected speaks the trainer vocabulary', () => {
  const task = isSameClassSequences({ length: 8, channels: 2, segment: 1, gap: 6, train: 48, test: 8, rng: 9 })
  const weights = (m: ReturnType<typeof locallyConnected>): number[][] => m.variables.map((v) => Array.from(v.dataSync()))

  test("optimizer: a name with lr equals the spec; lr beside a spec throws; the state carries loss, regularizer and model", () => {
    const run = (opts: Record<string, unknown>): { w: number[][]; res: ReturnType<typeof trainLocallyConnected> } => {
      const model = locallyConnected({ length: 8, channels: 2, hidden: 4, activation: 'tanh', rng: 1 })
      const res = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 6, every: 2, batchSize: 16, rng: 2, regularizer: { lambda: 0.5, patch: task.patch, swap: task.swap }, ...opts })
      const w = weights(model)
      model.dispose()
      return { w, res }
    }
    const states: number[] = []
    const named = run({ optimizer: 'gd', lr: 0.05, record: { reg: (s: { regularizer: number }) => s.regularizer }, onStep: (s: { step: number; model: unknown }) => states.push(s.step) })
    const spec = run({ optimizer: { type: 'gd', lr: 0.05 } })
    expect(named.w).toEqual(spec.w)
    expect(states).toEqual([0, 2, 4, 6])
    expect(named.res.history.reg).toEqual(named.res.history.regularizer)
    expect([named.res.steps, named.res.stoppedBy]).toEqual([6, 'steps'])
    expect(() => run({ optimizer: { type: 'gd', lr: 0.05 }, lr: 0.1 })).toThrow(/^lr: /)
    expect(() => run({ optimizer: 'groupRmsprop' })).toThrow(/float64 track only/)
  })

  test('stopWhen and signal stop before the update; a diverging run throws DivergenceError and frees its tensors', () => {
    const model = locallyConnected({ length: 8, channels: 2, hidden: 4, rng: 3 })
    const before = tf.memory().numTensors
    const stopped = trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 50, stopWhen: (s) => s.step === 3 })
    expect([stopped.steps, stopped.stoppedBy, stopped.history.step.at(-1)]).toEqual([3, 'stopWhen', 3])
    const controller = new AbortController()
    controller.abort()
    expect(trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 50, signal: controller.signal }).stoppedBy).toBe('signal')
    expect(() => trainLocallyConnected(model, { x: task.train.x, y: task.train.y, steps: 50, optimizer: 'gd', lr: 1e30, regularizer: { patch: task.patch, swap: task.swap } })).toThrow(DivergenceError)
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })
})

describe('localityRegularizer', () => {
  // f(x) = (a·x_P)(b·x_Q) + (c·x_P)(d·x_Q): ∇_P f = a (b·x_Q) + c (d·x_Q), computed by hand
  const L = 6
  const C = 2
  const rng = createRng(5)
  const vec = (): number[] => Array.from({ length: 2 * C }, () => rng.normal())
  const [a, b, c, d] = [vec(), vec(), vec(), vec()]
  const P: [number, number] = [0, 2]
  const Q: [number, number] = [4, 6]
  const modelOf = (t: typeof TF): SequenceModel => ({
    predict: (x) => {
      const xp = t.reshape(t.slice(x, [0, P[0], 0], [-1, 2, C]), [-1, 2 * C])
      const xq = t.reshape(t.slice(x, [0, Q[0], 0], [-1, 2, C]), [-1, 2 * C])
      const dot = (u: TF.Tensor, w: number[]): TF.Tensor => t.matMul(u as TF.Tensor2D, t.tensor2d(w, [2 * C, 1]))
      return t.add(t.mul(dot(xp, a), dot(xq, b)), t.mul(dot(xp, c), dot(xq, d)))
    },
  })

  test('equals λ · mean |cos| of the hand-computed patch gradients', () => {
    const B = 5
    const xs = Array.from({ length: B * L * C }, () => rng.normal())
    const perm = [3, 0, 4, 1, 2]
    const value = tf.tidy(() => localityRegularizer(modelOf(tf), tf.tensor3d(xs, [B, L, C]), { patch: P, swap: Q, permutation: perm, lambda: 2, eps: 1e-12 }).dataSync()[0]!)
    const xq = (i: number): number[] => xs.slice(i * L * C + Q[0] * C, i * L * C + Q[1] * C)
    const dotv = (u: number[], w: number[]): number => u.reduce((s, ui, k) => s + ui * w[k]!, 0)
    const grad = (q: number[]): number[] => a.map((ak, k) => ak * dotv(b, q) + c[k]! * dotv(d, q))
    let sum = 0
    for (let i = 0; i < B; i++) {
      const g = grad(xq(i))
      const h = grad(xq(perm[i]!))
      sum += Math.abs(dotv(g, h)) / Math.sqrt(dotv(g, g) * dotv(h, h))
    }
    expect(value).toBeCloseTo((2 * sum) / B, 4)
  })

  test('its gradient in the weights (second order) equals finite differences, for tanh and softplus networks', () => {
    // the regularizer is built from ∇ₓf, so its weight gradient differentiates the backward pass again:
    // tfjs's Tanh gradient alone (from the saved output) drops paths here, which this test catches
    for (const activation of ['tanh', 'softplus'] as const) {
      const model = locallyConnected({ length: 8, channels: 2, hidden: 4, activation, rng: 3 })
      const x = tf.randomNormal([6, 8, 2], 0, 1, 'float32', 7)
      const opts = { patch: [0, 2] as [number, number], swap: [6, 8] as [number, number] }
      const value = (): number => tf.tidy(() => localityRegularizer(model, x, opts).dataSync()[0]!)
      const { value: v0, grads } = tf.variableGrads(() => localityRegularizer(model, x, opts), model.variables)
      v0.dispose()
      for (const w of [model.layers[0]!.weight, model.layers[2]!.weight]) {
        const g = grads[w.name]!.dataSync()
        const data = w.dataSync().slice()
        const at = (idx: number, d: number): number => {
          const p = data.slice()
          p[idx]! += d
          tf.tidy(() => w.assign(tf.tensor(p, w.shape)))
          return value()
        }
        for (const idx of [0, 3, 5]) {
          const h = 3e-3
          const fd = (at(idx, h) - at(idx, -h)) / (2 * h)
          expect(Math.abs(g[idx]! - fd)).toBeLessThan(1e-3 + 0.02 * Math.abs(fd))
        }
        tf.tidy(() => w.assign(tf.tensor(data, w.shape)))
      }
      Object.values(grads).forEach((t) => t.dispose())
      x.dispose()
      model.dispose()
    }
  })

  test('is 1 for a model without P–Q interaction, and checks its arguments', () => {
    const additive: SequenceModel = { predict: (x) => tf.sum(tf.square(x), [1, 2]) }
    const x = tf.randomNormal([4, L, C], 0, 1, 'float32', 6)
    expect(tf.tidy(() => localityRegularizer(additive, x, { patch: P, swap: Q }).dataSync()[0]!)).toBeCloseTo(1, 5)
    expect(() => localityRegularizer(additive, x, { patch: [0, 3], swap: [2, 4] })).toThrow(/swap: patch Q \[2, 4\) overlaps/)
    expect(() => localityRegularizer(additive, x, { patch: [0, 9], swap: [4, 5] })).toThrow(/patch\[1\]/)
    expect(() => localityRegularizer(additive, x, { patch: P, swap: Q, permutation: [0] })).toThrow(/permutation/)
    x.dispose()
  })
})
