import type * as TF from '@tensorflow/tfjs-core'
import { createRng, initTf, Matrix } from '@theoryml/core'
import { beforeAll, describe, expect, test } from 'vitest'
import { localConvNetLossAndGrads, type LocalConvNetParams } from '../src/entanglement-model'
import { trainLocalConvNet } from '../src/index'

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
  test('explicit backpropagation equals tfjs autodiff of the same loss', async () => {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients')
    const rng = createRng(1)
    const M = 6
    const C = 3
    const x = tf.tensor2d(rng.fillNormal(new Float32Array(M * 8)), [M, 8])
    const y = tf.tensor1d([1, -1, 1, 1, -1, -1])
    const W = [tf.tensor2d(rng.fillNormal(new Float32Array(2 * C)), [2, C]), tf.tensor2d(rng.fillNormal(new Float32Array(2 * C * C)), [2 * C, C]), tf.tensor2d(rng.fillNormal(new Float32Array(2 * C * C)), [2 * C, C])]
    const b = [0, 1, 2].map(() => tf.tensor1d(rng.fillNormal(new Float32Array(C), 0.1)))
    const wOut = tf.tensor2d(rng.fillNormal(new Float32Array(C)), [C, 1])
    const bOut = tf.tensor1d([0.2])
    const params: LocalConvNetParams = { W, b, wOut, bOut }
    const { loss, grads } = localConvNetLossAndGrads(tf, params, x, y)
    const all = [...W, ...b, wOut, bOut]
    const auto = tf.grads((...ts: TF.Tensor[]) => {
      const p: LocalConvNetParams = { W: ts.slice(0, 3) as TF.Tensor2D[], b: ts.slice(3, 6) as TF.Tensor1D[], wOut: ts[6] as TF.Tensor2D, bOut: ts[7] as TF.Tensor1D }
      return localConvNetLossAndGrads(tf, p, x, y).loss
    })(all)
    const mine = [...grads.W, ...grads.b, grads.wOut, grads.bOut]
    expect(loss.dataSync()[0]).toBeGreaterThan(0)
    mine.forEach((g, i) => {
      const a = Array.from(g.dataSync())
      const r = Array.from((auto[i] as TF.Tensor).dataSync())
      a.forEach((v, j) => expect(v).toBeCloseTo(r[j] as number, 5))
    })
  })

  test('learns a local task; tf.memory().numTensors does not grow during or after training', () => {
    const { X, y } = roughData(120, 16, 2)
    const test = roughData(200, 16, 3)
    const before = tf.memory().numTensors
    const short = trainLocalConvNet(tf, X, y, { steps: 5, rng: 0 })
    const afterShort = tf.memory().numTensors
    short.dispose()
    const net = trainLocalConvNet(tf, X, y, { steps: 80, lr: 0.02, rng: 0 })
    expect(tf.memory().numTensors).toBe(afterShort) // same live tensors after 5 or 80 steps
    expect(net.history.loss[net.history.loss.length - 1]).toBeLessThan(net.history.loss[0] as number)
    expect(net.accuracy(test.X, test.y)).toBeGreaterThan(0.85)
    expect(net.predict(test.X).length).toBe(200)
    net.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('pads a non-power-of-two number of features; bad input throws', () => {
    const { X, y } = roughData(40, 10, 4)
    const net = trainLocalConvNet(tf, X, y, { steps: 3 })
    expect(net.predict(X).length).toBe(40)
    net.dispose()
    expect(() => trainLocalConvNet(tf, X, y.map(() => 0), { steps: 1 })).toThrow(/y: expected labels ±1/)
    expect(() => trainLocalConvNet(tf, X, y, { lr: -1 })).toThrow(/lr/)
    expect(() => trainLocalConvNet(tf, X, y, { chanels: 3 } as never)).toThrow(/unknown option/)
    expect(() => trainLocalConvNet(tf, [[1], [2]], [1, -1])).toThrow(/X: expected at least 2 features/)
  })
})
