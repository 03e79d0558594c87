import { initTf } from '@theoryml/core/tf'
import type * as TF from '@tensorflow/tfjs'
import { describe, expect, test } from 'vitest'
import {
  baselineSequences,
  dataset,
  diagonalSsm,
  impulseResponse,
  lowDimTeacher,
  networkDataset,
  networkExtrapolationError,
  specialSequences,
  ssmLayer,
  ssmLoss,
  ssmNetwork,
  ssmOutput,
  trainSsmNetwork,
} from '../src/index'

const a = [0.9, -0.5, 0.3, 0.05]
const b = [1, 0.5, -2, 0.7]
const c = [0.3, 1, 0.2, -1.5]

describe('ssmLayer (tfjs track)', () => {
  test('real kernel and outputs agree with the float64 model; "sequence" output is causal', async () => {
    const { tf } = await initTf()
    const layer = ssmLayer(tf, { stateDim: 4, init: { a, b, c } })
    const ssm = diagonalSsm({ a, b, c })
    const k = tf.tidy(() => layer.kernel(9).dataSync())
    const k64 = impulseResponse(ssm, 9)
    k64.forEach((v, j) => expect(k[j]).toBeCloseTo(v, 5))
    const x = [[1, -2, 0.5, 3, 0.1], [0.2, 0.3, -1, 0, 2]]
    const y = tf.tidy(() => layer.apply(tf.tensor2d(x)).dataSync())
    ssmOutput(ssm, x).forEach((v, s) => expect(y[s]).toBeCloseTo(v, 4))
    const seqLayer = ssmLayer(tf, { stateDim: 4, output: 'sequence', init: { a, b, c } })
    const ys = tf.tidy(() => seqLayer.apply(tf.tensor3d(x.map((r) => r.map((v) => [v])))).arraySync()) as number[][][]
    for (let t = 1; t <= 5; t++) {
      const prefix = x.map((r) => r.slice(0, t))
      ssmOutput(ssm, prefix).forEach((v, s) => expect(ys[s]?.[t - 1]?.[0]).toBeCloseTo(v, 4))
    }
    layer.dispose()
    seqLayer.dispose()
  })

  test('complex-diagonal kernel is Re Σ c b aʲ with pairs of reals; multi-channel shapes', async () => {
    const { tf } = await initTf()
    const ai = [0.3, 0.6, -0.2, 0]
    const bi = [0.1, -0.4, 0.5, 1]
    const ci = [-0.2, 0.3, 0.1, 0.4]
    const layer = ssmLayer(tf, { stateDim: 2, channels: 2, complex: true, init: { a, b, c, aImag: ai, bImag: bi, cImag: ci } })
    const k = tf.tidy(() => layer.kernel(6).arraySync()) as number[][]
    for (let h = 0; h < 2; h++) {
      for (let j = 0; j < 6; j++) {
        let re = 0
        for (let n = 0; n < 2; n++) {
          const i = h * 2 + n
          // (c b) aʲ in complex arithmetic
          let pr = (c[i] as number) * (b[i] as number) - (ci[i] as number) * (bi[i] as number)
          let pi = (c[i] as number) * (bi[i] as number) + (ci[i] as number) * (b[i] as number)
          for (let p = 0; p < j; p++) [pr, pi] = [pr * (a[i] as number) - pi * (ai[i] as number), pr * (ai[i] as number) + pi * (a[i] as number)]
          re += pr
        }
        expect(k[h]?.[j]).toBeCloseTo(re, 5)
      }
    }
    const y = tf.tidy(() => layer.apply(tf.ones([3, 5, 2])).shape)
    expect(y).toEqual([3, 2])
    expect(() => layer.apply(tf.ones([3, 5, 3]))).toThrow(/x: expected shape \[batch, L, 2\]/)
    layer.dispose()
  })

  test('tfjs autodiff of the MSE agrees with the closed-form float64 gradient', async () => {
    const { tf } = await initTf()
    const teacher = lowDimTeacher(1)
    const seqs = [baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 4 }), specialSequences({ length: 6, count: 10, values: 'gaussian', rng: 5 })]
    const data = dataset({ teacher, sequences: seqs })
    const layer = ssmLayer(tf, { stateDim: 4, init: { a, b, c } })
    const { loss, grad } = ssmLoss(diagonalSsm({ a, b, c }), data)
    const out = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(data.inputs), [data.count, data.length])
      const yt = tf.tensor1d(Float32Array.from(data.labels))
      const f = () => tf.mean(tf.square(tf.sub(tf.reshape(layer.apply(x), [data.count]), yt))) as TF.Scalar
      const { value, grads } = tf.variableGrads(f, layer.variables)
      return { value: value.dataSync()[0] as number, ga: Array.from(grads[layer.params.a!.name]!.dataSync()), gb: Array.from(grads[layer.params.b!.name]!.dataSync()), gc: Array.from(grads[layer.params.c!.name]!.dataSync()) }
    })
    expect(out.value).toBeCloseTo(loss, 3)
    const close = (got: number[], want: Float64Array) => want.forEach((v, i) => expect(Math.abs((got[i] as number) - v)).toBeLessThan(1e-4 * (1 + Math.abs(v))))
    close(out.ga, grad.a)
    close(out.gb, grad.b)
    close(out.gc, grad.c)
    layer.dispose()
  })

  test('bad options get named errors', async () => {
    const { tf } = await initTf()
    expect(() => ssmLayer(tf, { stateDim: 0 })).toThrow(/stateDim: expected an integer >= 1/)
    expect(() => ssmLayer(tf, { stateDim: 2, init: { a: [1] } })).toThrow(/init.a: expected length 2/)
    expect(() => ssmLayer(tf, { stateDim: 2, output: 'all' as never })).toThrow(/output: expected 'last' or 'sequence'/)
    expect(() => ssmLayer(null as never, { stateDim: 2 })).toThrow(/tf: expected the tfjs namespace/)
  })
})

describe('ssmNetwork', () => {
  test('trains inside tf.tidy without leaking tensors; teacher network is 7.5·relu(Σ x)', async () => {
    const { tf } = await initTf()
    const hidden = 4
    const eye = Array.from({ length: hidden }, (_, i) => Array.from({ length: hidden }, (_, j) => (i === j ? 1 : 0)))
    const teacher = ssmNetwork(tf, { stateDim: 1, hidden, depth: 2, weights: { a: [1], b: [1], c: [1], output: [[Array(hidden).fill(1)], eye, Array.from({ length: hidden }, () => [0.5])] } })
    const data = networkDataset(tf, { teacher, sequences: [[[1, 2, -0.5]], [[-1, -1, 0]]] })
    expect(Array.from(data.labels)).toEqual([2 * 2.5, 0]) // 0.5·4·relu(2.5), relu(−2) = 0
    const seqs = baselineSequences({ length: 5, count: 6, positions: [0, 1], values: 'gaussian', rng: 1 })
    const train = networkDataset(tf, { teacher, sequences: seqs })
    const student = ssmNetwork(tf, { stateDim: 3, hidden, depth: 2, initStd: 0.3, mlpInitStd: 0.3, rng: 2 })
    trainSsmNetwork(tf, { network: student, data: train, steps: 3 }) // warm-up (optimizer slots, kernels)
    const before = tf.memory().numTensors
    const r = trainSsmNetwork(tf, { network: student, data: train, steps: 40, record: { extrapolation: () => networkExtrapolationError(tf, student, teacher, { samples: 16 }) } })
    expect(tf.memory().numTensors).toBe(before)
    expect(r.history.loss.at(-1)).toBeLessThan(r.history.loss[0] as number)
    expect(r.history.extrapolation?.length).toBe(r.history.step.length)
    expect(() => trainSsmNetwork(tf, { network: student, data: {} as never })).toThrow(/data: expected a dataset/)
    expect(() => ssmNetwork(tf, { stateDim: 2, weights: { output: [[[1, 2]]] } })).toThrow(/weights.output\[0\]: expected 15 columns/)
    student.dispose()
    teacher.dispose()
  })
})
