import { describe, expect, test } from 'vitest'
import { fromTensor, initTf, ndarray, toTensor } from '../src/index'

describe('initTf', () => {
  test('uses the wasm backend in Node, is idempotent, and converts float64 arrays', async () => {
    const a = await initTf()
    const b = await initTf()
    expect(a.backend).toBe('wasm')
    expect(b).toBe(a)
    const { tf } = a
    const before = tf.memory().numTensors
    const t = toTensor(tf, ndarray([1, 2, 3, 4, 5, 6], [2, 3]))
    const back = fromTensor(t)
    t.dispose()
    expect(back.shape).toEqual([2, 3])
    expect(Array.from(back.data)).toEqual([1, 2, 3, 4, 5, 6])
    expect(tf.memory().numTensors).toBe(before)
  })

  test('tfjs autodiff gradient agrees with the float64 closed form (x ↦ ‖Ax‖²/2 has gradient AᵀAx)', async () => {
    const { tf } = await initTf()
    const A = [[1, 2], [3, 4], [5, 6]]
    const x = [0.5, -1]
    const g = tf.tidy(() => tf.grad((v) => tf.mul(tf.sum(tf.square(tf.matMul(tf.tensor2d(A), tf.reshape(v, [2, 1])))), 0.5))(tf.tensor1d(x)).arraySync() as number[])
    const Ax = A.map((r) => (r[0] as number) * (x[0] as number) + (r[1] as number) * (x[1] as number))
    const expected = [0, 1].map((j) => A.reduce((s, r, i) => s + (r[j] as number) * (Ax[i] as number), 0))
    g.forEach((v, j) => expect(v).toBeCloseTo(expected[j] as number, 4))
  })

  test('bad options get named errors', async () => {
    await expect(initTf({ backend: 'gpu' as never })).rejects.toThrow(/backend: expected/)
    await expect(initTf({ backnd: 'cpu' } as never)).rejects.toThrow(/unknown option 'backnd'/)
  })
})

describe('tfjs-core extras registered by initTf', () => {
  test('tensors get the chained methods and ops their gradients in plain tfjs-core', async () => {
    const { tf } = await initTf()
    // Chained methods exist at run time (untyped here: plain tfjs-core's types do not declare them).
    const chained = tf.tensor1d([1, 2, 3, 4]) as unknown as { reshape(s: number[]): { sum(a: number): { arraySync(): number[] } } }
    const out = tf.tidy(() => chained.reshape([2, 2]).sum(1).arraySync())
    expect(out).toEqual([3, 7])
    // gradients of ops the plain tfjs-core bundle has no gradient for (neg, softmax, relu, mean)
    const g = tf.tidy(() => tf.grad((x) => tf.neg(tf.mean(tf.relu(tf.softmax(x)))))(tf.tensor1d([1, 2, 3])).arraySync() as number[])
    expect(g.every(Number.isFinite)).toBe(true)
  })
})
