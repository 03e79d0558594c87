import type * as TF from '@tensorflow/tfjs'
import { createRng, Matrix } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { beforeAll, describe, expect, test } from 'vitest'
import { trainLocalConvNet } from '../../src/tf'

let tf: typeof TF
beforeAll(async () => {
  tf = (await initTf({ warn: false })).tf
})

/** Labels from the roughness of the first half: a task a local network learns. */
function roughData(M: number, D: number, seed: number): { X: Matrix; y: number[] } {
  const rng = createRng(seed)
  const X = new Matrix(M, D)
  const y: number[] = []
  for (let m = 0; m < M; m++) {
    const rough = rng.uniform() < 0.5
    y.push(rough ? -1 : 1)
    let s = 0
    for (let f = 0; f < D; f++) {
      s = rough ? rng.normal() : 0.9 * s + 0.3 * rng.normal()
      X.set(m, f, s)
    }
  }
  return { X, y }
}

describe('trainLocalConvNet', () => {
  test('is locallyConnected (kernel 2, shared, ReLU) on standardized, zero-padded inputs: forward against plain loops', () => {
    const { X, y } = roughData(12, 6, 1) // 6 features: padded to 8 positions, 3 layers
    const net = trainLocalConvNet(X, y, { steps: 4, channels: 3, lr: 0.05, rng: 5 })
    expect(net.model.shared).toBe(true)
    expect(net.model.kernel).toBe(2)
    expect(net.model.length).toBe(8)
    expect(net.model.layers.map((l) => l.weight.shape)).toEqual([[2, 3], [6, 3], [6, 3]])
    const W = net.model.layers.map((l) => Array.from(l.weight.dataSync()))
    const b = net.model.layers.map((l) => Array.from(l.bias.dataSync()))
    const wOut = Array.from(net.model.head.weight.dataSync())
    const bOut = net.model.head.bias.dataSync()[0]!
    const cols = Array.from({ length: 6 }, (_, f) => X.getColumn(f))
    const mu = cols.map((c) => c.reduce((s, v) => s + v, 0) / c.length)
    const sd = cols.map((c, f) => Math.sqrt(c.reduce((s, v) => s + (v - mu[f]!) ** 2, 0) / c.length))
    const expected = Array.from({ length: 12 }, (_, i) => {
      // h[p] is a vector of channels; the input has one channel per position, zeros past feature 6
      let h: number[][] = Array.from({ length: 8 }, (_, p) => [p < 6 ? (X.get(i, p) - mu[p]!) / sd[p]! : 0])
      for (let k = 0; k < 3; k++) {
        const next: number[][] = []
        for (let p = 0; p < h.length / 2; p++) {
          const inp = [...h[2 * p]!, ...h[2 * p + 1]!]
          next.push([0, 1, 2].map((c) => Math.max(0, inp.reduce((s, v, j) => s + v * W[k]![j * 3 + c]!, b[k]![c]!))))
        }
        h = next
      }
      return h[0]!.reduce((s, v, c) => s + v * wOut[c]!, bOut)
    })
    const got = Array.from(net.predict(X))
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4))
    expect(net.history.step).toEqual([0, 1, 2, 3, 4])
    expect([net.steps, net.stoppedBy]).toEqual([4, 'steps'])
    net.dispose()
  })

  test('learns a local task; tf.memory().numTensors does not grow during or after training', () => {
    const { X, y } = roughData(120, 16, 2)
    const test = roughData(200, 16, 3)
    const before = tf.memory().numTensors
    const short = trainLocalConvNet(X, y, { steps: 5, rng: 0 })
    const afterShort = tf.memory().numTensors
    short.dispose()
    const net = trainLocalConvNet(X, y, { steps: 80, lr: 0.02, rng: 0 })
    expect(tf.memory().numTensors).toBe(afterShort) // same live tensors after 5 or 80 steps
    expect(net.history.loss[net.history.loss.length - 1]).toBeLessThan(net.history.loss[0] as number)
    expect(net.accuracy(test.X, test.y)).toBeGreaterThan(0.85)
    expect(net.predict(test.X).length).toBe(200)
    net.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('pads a non-power-of-two number of features; bad input throws', () => {
    const { X, y } = roughData(40, 10, 4)
    const net = trainLocalConvNet(X, y, { steps: 3 })
    expect(net.predict(X).length).toBe(40)
    net.dispose()
    const before = tf.memory().numTensors
    expect(() => trainLocalConvNet(X, y, { steps: 20, optimizer: 'gd', lr: 1e38 })).toThrow(/training diverged/)
    expect(() => trainLocalConvNet(X, y, { optimizer: { type: 'adam', lr: 0.01 }, lr: 0.1 })).toThrow(/^lr: /)
    expect(tf.memory().numTensors).toBe(before) // the model of a failed run is disposed
    const stopped = trainLocalConvNet(X, y, { steps: 50, stopWhen: (s) => s.step === 2 })
    expect([stopped.steps, stopped.stoppedBy]).toEqual([2, 'stopWhen'])
    stopped.dispose()
    expect(() => trainLocalConvNet(X, y.map(() => 0), { steps: 1 })).toThrow(/y: expected labels ±1/)
    expect(() => trainLocalConvNet(X, y, { lr: -1 })).toThrow(/lr/)
    expect(() => trainLocalConvNet(X, y, { chanels: 3 } as never)).toThrow(/unknown option/)
    expect(() => trainLocalConvNet([[1], [2]], [1, -1])).toThrow(/X: expected at least 2 features/)
  })
})
