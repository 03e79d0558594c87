import { beforeAll, describe, expect, test } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { relativeError, train } from '@theoryml/core'
import { initTf, tfOptimizer } from '@theoryml/core/tf'
import {
  preferenceLossAndGrad, preferenceObjective, trainPreference, ufmPolicy,
  type PreferencePair,
} from '../../src/index'
import { preferenceLoss, sequenceLogProb } from '../../src/tf'
import { fixtureModel, fx } from './ufm-fixture'

const reference = { chosen: fx.refChosen, rejected: fx.refRejected }

describe('ufmPolicy', () => {
  test('log-probabilities are the chain rule of softmax(W h) (fixture, PyTorch)', () => {
    const m = fixtureModel()
    fx.pairs.forEach((p, i) => {
      expect(m.logProb(p.prompt, p.chosen)).toBeCloseTo(fx.logpChosen[i] as number, 12)
      expect(m.logProb(p.prompt, p.rejected)).toBeCloseTo(fx.logpRejected[i] as number, 12)
    })
    const lp = m.nextTokenLogProbs('a', [1])
    expect(lp.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 14)
  })

  test('hidden states are seeded per prefix, independent of request order, and cloned deeply', () => {
    const a = ufmPolicy({ vocab: 5, dim: 3, rng: 7 })
    const b = ufmPolicy({ vocab: 5, dim: 3, rng: 7 })
    const ha = Array.from(a.hidden('x', [1, 2]))
    b.hidden('y')
    expect(Array.from(b.hidden('x', [1, 2]))).toEqual(ha)
    expect(Array.from(a.W)).toEqual(Array.from(b.W))
    const c = a.clone()
    c.W[0] = 99
    ;(c.hidden('x', [1, 2]))[0] = 42
    expect(a.W[0]).not.toBe(99)
    expect(a.hidden('x', [1, 2])[0]).toBe(ha[0])
    expect(a.responseHidden('x', [1, 2, 3]).map((h) => h === a.hidden('x', [1]) || h)).toContain(true)
  })

  test('bad input gets errors naming the argument', () => {
    expect(() => ufmPolicy({ vocab: 1, dim: 2 })).toThrow(/vocab: expected an integer >= 2/)
    expect(() => ufmPolicy({ vocab: 4, dim: 0 })).toThrow(/dim: expected an integer >= 1/)
    expect(() => ufmPolicy({ vocab: 4, dim: 2, unembedding: [[1, 2]] })).toThrow(/unembedding: expected 4 rows/)
    expect(() => ufmPolicy({ vocab: 4, dim: 2, hiddenScale: -1 })).toThrow(/hiddenScale: expected a positive/)
    expect(() => ufmPolicy({ vocab: 4, dim: 2, vocabb: 3 } as never)).toThrow(/unknown option 'vocabb'/)
    const m = ufmPolicy({ vocab: 4, dim: 2 })
    expect(() => m.logProb('q', [])).toThrow(/response: expected a non-empty response/)
    expect(() => m.logProb('q', [4])).toThrow(/response: expected token ids in \[0, 3\], got 4/)
    expect(() => m.setHidden('q', [], [1, NaN])).toThrow(/h: expected finite numbers/)
    expect(() => m.setHidden('q', [], [1])).toThrow(/h: expected length 2/)
    expect(() => preferenceLossAndGrad(m, [{ prompt: 'q', chosen: [], rejected: [1] }])).toThrow(/pairs\[0\].chosen: expected a non-empty response/)
    expect(() => preferenceLossAndGrad(m, [])).toThrow(/pairs: expected a non-empty array/)
    expect(() => trainPreference({ model: m, pairs: [{ prompt: 'q', chosen: [1], rejected: [2] }], lr: -1, steps: 3 })).toThrow(/lr: expected a positive number/)
    expect(() => trainPreference({ model: m, pairs: [{ prompt: 'q', chosen: [1], rejected: [2] }], optimizer: { type: 'adam', lr: 0.1 }, lr: 0.1 })).toThrow(/lr: give the learning rate inside the optimizer spec/)
    expect(() => trainPreference({ model: m, pairs: [{ prompt: 'q', chosen: [1], rejected: [2] }], steps: -1 })).toThrow(/steps: expected an integer >= 0/)
    expect(() => trainPreference({ model: m, pairs: [{ prompt: 'q', chosen: [1], rejected: [2] }], rng: 0 } as never)).toThrow(/unknown option 'rng'/)
    expect(() => trainPreference({ model: m, pairs: [{ prompt: 'q', chosen: [1], rejected: [2] }], lr: 0.1, steps: 3, loss: { beta: 0 } })).toThrow(/beta: expected a positive number/)
  })
})

describe('exact gradients of the preference loss', () => {
  beforeAll(async () => { await initTf() })

  test('match PyTorch autograd (fixture, float64)', () => {
    const m = fixtureModel()
    const { loss, grad } = preferenceLossAndGrad(m, fx.pairs, { loss: { type: 'dpo', beta: fx.beta }, reference })
    expect(loss).toBeCloseTo(fx.loss, 13)
    expect(relativeError(grad.W as Float64Array, fx.gradW.flat())).toBeLessThan(1e-12)
    fx.hidden.forEach((s, i) => {
      expect(relativeError(grad[m.hiddenKey(s.prompt, s.prefix)] as Float64Array, fx.gradHidden[i] as number[])).toBeLessThan(1e-11)
    })
  })

  test('match central finite differences for every loss type, with the SFT term', () => {
    for (const loss of [
      { type: 'dpo' as const, beta: 0.5, labelSmoothing: 0.1, sftWeight: 0.3 },
      { type: 'ipo' as const, beta: 0.5 },
      { type: 'robust' as const, beta: 0.2, labelSmoothing: 0.2 },
      { type: 'hinge' as const, beta: 0.3 },
    ]) {
      const m = fixtureModel()
      const { grad } = preferenceLossAndGrad(m, fx.pairs, { loss, reference })
      const f = (): number => preferenceLossAndGrad(m, fx.pairs, { loss, reference }).loss
      for (const key of Object.keys(grad)) {
        const p = m.params[key] as Float64Array
        const g = grad[key] as Float64Array
        for (let j = 0; j < p.length; j++) {
          const old = p[j] as number
          const h = 1e-6
          p[j] = old + h
          const up = f()
          p[j] = old - h
          const down = f()
          p[j] = old
          expect(Math.abs((up - down) / (2 * h) - (g[j] as number)), `${loss.type} ${key}[${j}]`).toBeLessThan(1e-7)
        }
      }
    }
  })

  test('the float64 gradient agrees with tfjs autodiff through sequenceLogProb and preferenceLoss of ./tf', () => {
    const m = fixtureModel()
    const { loss, grad } = preferenceLossAndGrad(m, fx.pairs, { loss: { type: 'dpo', beta: fx.beta }, reference })
    const keys = fx.hidden.map((s) => m.hiddenKey(s.prompt, s.prefix))
    const before = tf.memory().numTensors
    const out = tf.tidy(() => {
      const W = tf.tensor2d(fx.W)
      const H = tf.tensor2d(fx.hidden.map((s) => s.h))
      const T = Math.max(...fx.pairs.flatMap((p) => [p.chosen.length, p.rejected.length]))
      // Padded batch: row b holds the states of one response, masked past its length.
      const batch = (side: 'chosen' | 'rejected') => {
        const sel: number[][] = []
        const tok: number[][] = []
        const mask: number[][] = []
        for (const p of fx.pairs) {
          const y = p[side]
          sel.push(Array.from({ length: T }, (_, k) => (k < y.length ? keys.indexOf(m.hiddenKey(p.prompt, y.slice(0, k))) : 0)))
          tok.push(Array.from({ length: T }, (_, k) => (k < y.length ? (y[k] as number) : 0)))
          mask.push(Array.from({ length: T }, (_, k) => (k < y.length ? 1 : 0)))
        }
        return { sel, tok, mask }
      }
      const bc = batch('chosen')
      const br = batch('rejected')
      const f = (w: typeof W, h: typeof H) => {
        const logits = (b: typeof bc) => {
          const onehot = tf.oneHot(tf.tensor2d(b.sel, undefined, 'int32'), keys.length) // [B,T,S]
          const states = tf.matMul(tf.reshape(onehot, [-1, keys.length]), h) // [B·T, d]
          return tf.reshape(tf.matMul(states, w, false, true), [fx.pairs.length, T, fx.vocab]) as ReturnType<typeof tf.tensor3d>
        }
        return preferenceLoss({
          policyChosenLogps: sequenceLogProb(logits(bc), bc.tok, bc.mask),
          policyRejectedLogps: sequenceLogProb(logits(br), br.tok, br.mask),
          refChosenLogps: tf.tensor1d(fx.refChosen),
          refRejectedLogps: tf.tensor1d(fx.refRejected),
        }, { type: 'dpo', beta: fx.beta }).loss
      }
      const { value, grads: g } = tf.valueAndGrads((w, h) => f(w as typeof W, h as typeof H))([W, H])
      return { value: value.dataSync()[0] as number, gW: Array.from(g[0]!.dataSync()), gH: g[1]!.arraySync() as number[][] }
    })
    expect(tf.memory().numTensors).toBe(before)
    expect(Math.abs(out.value - loss)).toBeLessThan(1e-5)
    expect(relativeError(Float64Array.from(out.gW), grad.W as Float64Array)).toBeLessThan(1e-4)
    // All hidden-state gradients at once (the state h_{a,[1]} has an exactly zero gradient: y⁺ and y⁻ share it and its next token).
    expect(relativeError(Float64Array.from(out.gH.flat()), Float64Array.from(keys.flatMap((k) => Array.from(grad[k] as Float64Array))))).toBeLessThan(1e-4)
  })

  test('sequenceLogProb sums the masked response tokens and rejects bad tokens', () => {
    const m = fixtureModel()
    const p = fx.pairs[0] as PreferencePair
    const states = p.chosen.map((_, k) => Array.from(m.hidden(p.prompt, p.chosen.slice(0, k))))
    const v = tf.tidy(() => {
      const logits = tf.reshape(tf.matMul(tf.tensor2d(states), tf.tensor2d(fx.W), false, true), [1, p.chosen.length, fx.vocab]) as ReturnType<typeof tf.tensor3d>
      const all = sequenceLogProb(logits, [p.chosen as number[]], [p.chosen.map(() => 1)]).dataSync()[0] as number
      const tail = sequenceLogProb(logits, [p.chosen as number[]], [p.chosen.map((_, k) => (k === 0 ? 0 : 1))]).dataSync()[0] as number
      expect(() => sequenceLogProb(logits, [[0, 1, 9]], [[1, 1, 1]])).toThrow(/tokens: expected token ids in \[0, 5\], got 9/)
      expect(() => sequenceLogProb(logits, [[0, 1, 2]], [[1, 2, 1]])).toThrow(/mask: expected 0 or 1/)
      expect(() => sequenceLogProb(logits, [[0, 1]], [[1, 1]])).toThrow(/tokens: row 0 must have 3 entries/)
      expect(() => sequenceLogProb(tf.zeros([2, 3]) as never, [[0]], [[1]])).toThrow(/logits: expected a rank-3 tensor/)
      return { all, tail }
    })
    expect(v.all).toBeCloseTo(m.logProb(p.prompt, p.chosen), 4)
    const first = m.nextTokenLogProbs(p.prompt, [])[p.chosen[0] as number] as number
    expect(v.tail).toBeCloseTo(m.logProb(p.prompt, p.chosen) - first, 4)
  })
})

describe('trainPreference', () => {
  test('DPO lowers the loss, records the TRL-style history, and is deterministic', () => {
    const run = () => {
      const model = ufmPolicy({ vocab: 6, dim: 4, rng: 3 })
      return trainPreference({ model, pairs: fx.pairs, loss: { type: 'dpo', beta: 0.1 }, lr: 0.5, steps: 50, every: 10 })
    }
    const a = run()
    const b = run()
    expect(a.history.step).toEqual([0, 10, 20, 30, 40, 50])
    expect(a.history.loss[0]).toBeCloseTo(Math.LN2, 12)
    expect(a.history.loss[5] as number).toBeLessThan(a.history.loss[0] as number)
    expect((a.history.logpChosen[0] as number[]).length).toBe(3)
    expect((a.history.topTokens[5] as number[]).length).toBe(5)
    expect(a.history.loss).toEqual(b.history.loss)
    // Margins grow: ln π(y⁺) − ln π(y⁻) increases for every pair.
    const first = a.history.logpChosen[0] as number[]
    const last = a.history.logpChosen[5] as number[]
    const firstR = a.history.logpRejected[0] as number[]
    const lastR = a.history.logpRejected[5] as number[]
    first.forEach((v, i) => expect((last[i] as number) - (lastR[i] as number)).toBeGreaterThan(v - (firstR[i] as number)))
  })

  test('topTokens leave out the preferred token and rank the rest by probability growth', () => {
    const model = ufmPolicy({ vocab: 5, dim: 3, rng: 4 })
    const p0 = model.nextTokenLogProbs('q').map(Math.exp)
    const { history } = trainPreference({ model, pairs: [{ prompt: 'q', chosen: [2], rejected: [0] }], lr: 0.5, steps: 30, every: 10 })
    const p1 = model.nextTokenLogProbs('q').map(Math.exp)
    const last = history.topTokens.at(-1) as number[]
    expect(last).toHaveLength(4)
    expect(last).not.toContain(2)
    const growth = last.map((z) => (p1[z] as number) - (p0[z] as number))
    expect(growth).toEqual([...growth].sort((a, b) => b - a))
    ;(history.topGrowth.at(-1) as number[]).forEach((g, i) => expect(g).toBeCloseTo(growth[i] as number, 12))
  })

  test('is core\'s loop on preferenceObjective: the same numbers as train({ params, lossAndGrad }) with the same optimizer', () => {
    const a = ufmPolicy({ vocab: 6, dim: 4, rng: 3 })
    const b = ufmPolicy({ vocab: 6, dim: 4, rng: 3 })
    const loss = { type: 'ipo' as const, beta: 0.5 }
    const mine = trainPreference({ model: a, pairs: fx.pairs, loss, optimizer: { type: 'adam', lr: 0.05 }, steps: 20, every: 5 })
    const obj = preferenceObjective(b, fx.pairs, { loss })
    const core = train({ params: obj.params, lossAndGrad: obj.lossAndGrad, optimizer: { type: 'adam', lr: 0.05 }, steps: 20, every: 5 })
    expect(mine.history.loss).toEqual(core.history.loss)
    expect(Array.from(a.W)).toEqual(Array.from(b.W))
    expect(mine.reference.chosen).toEqual(obj.reference.chosen)
    expect(Array.from(obj.logpChosen)).toEqual(mine.history.logpChosen.at(-1))
  })

  test('preferenceObjective checks the gradient buffers it is given', () => {
    const obj = preferenceObjective(ufmPolicy({ vocab: 6, dim: 4, rng: 3 }), fx.pairs)
    expect(() => obj.lossAndGrad(obj.params, { W: new Float64Array(3) })).toThrow(/grad: expected 'W' as a Float64Array of length 24/)
  })

  test('with a frozen W (trainUnembedding: false) only hidden states move', () => {
    const model = ufmPolicy({ vocab: 6, dim: 4, rng: 3 })
    const W0 = Float64Array.from(model.W)
    trainPreference({ model, pairs: fx.pairs, lr: 0.5, steps: 5, trainUnembedding: false })
    expect(Array.from(model.W)).toEqual(Array.from(W0))
  })
})

describe('tfjs track', () => {
  beforeAll(async () => { await initTf() })

  test('a DPO training run of a tfjs UFM (Adam) lowers the loss and does not leak tensors', () => {
    const W = tf.variable(tf.randomNormal([6, 4], 0, 0.5, 'float32', 1))
    const H = tf.variable(tf.randomNormal([3, 4], 0, 0.5, 'float32', 2))
    const tokens = { chosen: [[1], [2], [3]], rejected: [[4], [5], [0]] }
    const mask = [[1], [1], [1]]
    const logps = () => {
      const logits = tf.reshape(tf.matMul(H, W, false, true), [3, 1, 6]) as ReturnType<typeof tf.tensor3d>
      return [sequenceLogProb(logits, tokens.chosen, mask), sequenceLogProb(logits, tokens.rejected, mask)] as const
    }
    const [rc, rr] = tf.tidy(() => logps().map((t) => tf.keep(t)))
    const opt = tfOptimizer({ type: 'adam', lr: 0.05 })
    const step = () => opt.minimize(() => {
      const [pc, pr] = logps()
      return preferenceLoss({ policyChosenLogps: pc, policyRejectedLogps: pr, refChosenLogps: rc!, refRejectedLogps: rr! }).loss
    }, true) as ReturnType<typeof tf.scalar>
    const first = step()
    const l0 = first.dataSync()[0] as number
    first.dispose()
    const base = tf.memory().numTensors
    let last = l0
    for (let i = 0; i < 30; i++) {
      const l = step()
      last = l.dataSync()[0] as number
      l.dispose()
    }
    expect(tf.memory().numTensors).toBe(base)
    expect(l0).toBeCloseTo(Math.LN2, 5)
    expect(last).toBeLessThan(l0)
    opt.dispose()
    tf.dispose([W, H, rc!, rr!])
  })
})
