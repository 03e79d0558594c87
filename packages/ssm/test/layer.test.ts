import * as tf from '@tensorflow/tfjs'
import { DivergenceError } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import type * as TF from '@tensorflow/tfjs'
import { beforeAll, describe, expect, test } from 'vitest'
import { baselineSequences, dataset, diagonalSsm, impulseResponse, lowDimTeacher, specialSequences, ssmLossAndGrad, ssmOutput } from '../src/index'
import { networkDataset, networkExtrapolationError, ssmLayer, ssmNetwork, trainSsmNetwork, TRAIN_SSM_NETWORK_DEFAULTS } from '../src/tf'

const a = [0.9, -0.5, 0.3, 0.05]
const b = [1, 0.5, -2, 0.7]
const c = [0.3, 1, 0.2, -1.5]

beforeAll(async () => {
  await initTf()
})

describe('ssmLayer (tfjs track)', () => {
  test('impulseResponse and outputs agree with the float64 model of the same name; "sequence" output is causal', () => {
    const layer = ssmLayer({ stateDim: 4, initial: { a, b, c } })
    const ssm = diagonalSsm({ a, b, c })
    const k = tf.tidy(() => layer.impulseResponse(9).dataSync())
    const k64 = impulseResponse(ssm, 9)
    k64.forEach((v, j) => expect(k[j]).toBeCloseTo(v, 5))
    const x = [[1, -2, 0.5, 3, 0.1], [0.2, 0.3, -1, 0, 2]]
    const y = tf.tidy(() => layer.apply(tf.tensor2d(x)).dataSync())
    ssmOutput(ssm, x).forEach((v, s) => expect(y[s]).toBeCloseTo(v, 4))
    const seqLayer = ssmLayer({ stateDim: 4, output: 'sequence', initial: { a, b, c } })
    const ys = tf.tidy(() => seqLayer.apply(tf.tensor3d(x.map((r) => r.map((v) => [v])))).arraySync()) as number[][][]
    for (let t = 1; t <= 5; t++) {
      const prefix = x.map((r) => r.slice(0, t))
      ssmOutput(ssm, prefix).forEach((v, s) => expect(ys[s]?.[t - 1]?.[0]).toBeCloseTo(v, 4))
    }
    layer.dispose()
    seqLayer.dispose()
  })

  test('complex-diagonal impulse response is Re Σ c b aʲ with pairs of reals; multi-channel shapes', () => {
    const ai = [0.3, 0.6, -0.2, 0]
    const bi = [0.1, -0.4, 0.5, 1]
    const ci = [-0.2, 0.3, 0.1, 0.4]
    const layer = ssmLayer({ stateDim: 2, channels: 2, complex: true, initial: { a, b, c, aImag: ai, bImag: bi, cImag: ci } })
    const k = tf.tidy(() => layer.impulseResponse(6).arraySync()) as number[][]
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

  test('tfjs autodiff of the MSE agrees with the closed-form float64 ssmLossAndGrad', () => {
    const teacher = lowDimTeacher(1)
    const seqs = [baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 4 }), specialSequences({ length: 6, count: 10, values: 'gaussian', rng: 5 })]
    const data = dataset({ teacher, sequences: seqs })
    const layer = ssmLayer({ stateDim: 4, initial: { a, b, c } })
    const { loss, grad } = ssmLossAndGrad(diagonalSsm({ a, b, c }), data)
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

  test('bad options get named errors and leak no tensor', () => {
    const before = tf.memory().numTensors
    expect(() => ssmLayer({ stateDim: 0 })).toThrow(/stateDim: expected an integer >= 1/)
    expect(() => ssmLayer({ stateDim: 2, initial: { a: [1] } })).toThrow(/initial.a: expected length 2/)
    expect(() => ssmLayer({ stateDim: 2, complex: true, initial: { cImag: [1, NaN] } })).toThrow(/initial.cImag: expected finite/)
    expect(() => ssmLayer({ stateDim: 2, output: 'all' as never })).toThrow(/output: expected 'last' or 'sequence'/)
    expect(() => ssmLayer({ stateDim: 2, init: { a: [1, 2] } } as never)).toThrow(/unknown option 'init'/)
    expect(tf.memory().numTensors).toBe(before)
  })

  test('dispose frees every tensor the layer made: variables (no initial copies left), shift matrices, lifted inputs', () => {
    const before = tf.memory().numTensors
    const layer = ssmLayer({ stateDim: 3, complex: true, output: 'sequence', rng: 1 })
    expect(tf.memory().numTensors).toBe(before + 6) // the six variables, nothing else
    const x = tf.ones([2, 5])
    tf.dispose(layer.apply(x)) // caches one shift matrix
    const last = ssmLayer({ stateDim: 3, rng: 2 })
    tf.dispose(last.apply(x)) // [batch, L] lifted to [batch, L, 1] inside tidy
    x.dispose()
    layer.dispose()
    last.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('ssmNetwork', () => {
  const hidden = 4
  const eye = Array.from({ length: hidden }, (_, i) => Array.from({ length: hidden }, (_, j) => (i === j ? 1 : 0)))
  const teacherNet = () => ssmNetwork({ stateDim: 1, hidden, depth: 2, initial: { a: [1], b: [1], c: [1], output: [[Array(hidden).fill(1)], eye, Array.from({ length: hidden }, () => [0.5])] } })

  test('trains inside tf.tidy without leaking tensors; teacher network is 7.5·relu(Σ x)', () => {
    const before0 = tf.memory().numTensors
    const teacher = teacherNet()
    const data = networkDataset({ teacher, sequences: [[[1, 2, -0.5]], [[-1, -1, 0]]] })
    expect(Array.from(data.labels)).toEqual([2 * 2.5, 0]) // 0.5·4·relu(2.5), relu(−2) = 0
    const seqs = baselineSequences({ length: 5, count: 6, positions: [0, 1], values: 'gaussian', rng: 1 })
    const train = networkDataset({ teacher, sequences: seqs })
    const student = ssmNetwork({ stateDim: 3, hidden, depth: 2, initStd: 0.3, mlpInitStd: 0.3, rng: 2 })
    trainSsmNetwork({ network: student, data: train, steps: 3 }) // warm-up (optimizer slots, kernels)
    const before = tf.memory().numTensors
    const r = trainSsmNetwork({ network: student, data: train, steps: 40, record: { extrapolation: (s) => networkExtrapolationError(s.network, teacher, { samples: 16 }) } })
    expect(tf.memory().numTensors).toBe(before)
    expect(r.network).toBe(student)
    expect(r).toMatchObject({ steps: 40, stoppedBy: 'steps', fitted: true, stepsToFit: null })
    expect(r.loss).toBe(r.history.loss.at(-1))
    expect(r.history.loss.at(-1)).toBeLessThan(r.history.loss[0] as number)
    expect(r.history.extrapolation?.length).toBe(r.history.step.length)
    expect(() => trainSsmNetwork({ network: student, data: {} as never })).toThrow(/data: expected a dataset/)
    expect(() => trainSsmNetwork({ network: {} as never, data: train })).toThrow(/network: expected a network from ssmNetwork/)
    expect(() => trainSsmNetwork({ network: student, data: train, optimizer: 'adaptiveGd' })).toThrow(/adaptiveGd' exists on the float64 track only/)
    expect(() => trainSsmNetwork({ network: student, data: train, extraSteps: 5 })).toThrow(/extraSteps: .* give stopAtLoss too/)
    expect(() => ssmNetwork({ stateDim: 2, initial: { output: [[[1, 2]]] } })).toThrow(/initial.output\[0\]: expected 15 columns/)
    expect(() => ssmNetwork({ stateDim: 2, initial: { a: [1] } })).toThrow(/initial.a: expected length 2/)
    student.dispose()
    teacher.dispose()
    // dispose gives back every variable; a failed construction leaked none
    expect(tf.memory().numTensors).toBe(before0)
  })

  test('fit then extra steps: one history, stoppedBy stopAtLoss; the loss is taken before each update', () => {
    const teacher = teacherNet()
    const data = networkDataset({ teacher, sequences: baselineSequences({ length: 5, count: 6, positions: [0, 1], values: 'gaussian', rng: 1 }) })
    const student = ssmNetwork({ stateDim: 3, hidden, depth: 2, initStd: 0.3, mlpInitStd: 0.3, rng: 2 })
    const rows: number[] = []
    const r = trainSsmNetwork({ network: student, data, optimizer: 'adam', lr: 0.02, steps: 2000, stopAtLoss: 0.5, extraSteps: 7, every: 5, onStep: (s) => void rows.push(s.step) })
    expect(TRAIN_SSM_NETWORK_DEFAULTS).toMatchObject({ optimizer: 'adam', lr: 0.01 })
    expect(r.fitted).toBe(true)
    expect(r.stoppedBy).toBe('stopAtLoss')
    expect(r.steps).toBe((r.stepsToFit as number) + 7)
    expect(rows).toEqual(r.history.step)
    expect(r.history.step.slice(0, -1).every((t, i) => t === 5 * i)).toBe(true)
    // the network is returned as it was when the last loss was taken: no update after it
    const x = tf.tensor2d(Float32Array.from(data.inputs), [data.count, data.length])
    const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(student.predict(x), tf.tensor1d(Float32Array.from(data.labels))))).dataSync()[0] as number)
    x.dispose()
    expect(mse).toBeCloseTo(r.loss, 6)
    student.dispose()
    teacher.dispose()
  })

  test('a diverging network run throws DivergenceError', () => {
    const teacher = teacherNet()
    const data = networkDataset({ teacher, sequences: baselineSequences({ length: 5, count: 6, positions: [0, 1], values: 'gaussian', std: 100, rng: 1 }) })
    const student = ssmNetwork({ stateDim: 3, hidden, depth: 2, initStd: 0.9, mlpInitStd: 1, rng: 2 })
    const before = tf.memory().numTensors
    expect(() => trainSsmNetwork({ network: student, data, optimizer: 'gd', lr: 1e3, steps: 200 })).toThrow(DivergenceError)
    expect(tf.memory().numTensors).toBe(before)
    student.dispose()
    teacher.dispose()
  })
})
