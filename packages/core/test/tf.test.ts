import { describe, expect, test, vi } from 'vitest'
import { ndarray } from '../src/index'
import { fromTensor, initTf, toTensor } from '../src/tf'

describe('initTf', () => {
  test('uses the wasm backend in Node, is idempotent, and converts float64 arrays', async () => {
    const a = await initTf()
    const b = await initTf()
    expect(a.backend).toBe('wasm')
    expect(b).toBe(a)
    const { tf } = a
    const before = tf.memory().numTensors
    const t = toTensor(ndarray([1, 2, 3, 4, 5, 6], [2, 3]))
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

describe('@tensorflow/tfjs as loaded by initTf', () => {
  test('tensors have the chained methods and ops their gradients', async () => {
    const { tf } = await initTf()
    const chained = tf.tensor1d([1, 2, 3, 4]) as unknown as { reshape(s: number[]): { sum(a: number): { arraySync(): number[] } } }
    const out = tf.tidy(() => chained.reshape([2, 2]).sum(1).arraySync())
    expect(out).toEqual([3, 7])
    // gradients of ops that plain tfjs-core does not register (neg, softmax, relu, mean)
    const g = tf.tidy(() => tf.grad((x) => tf.neg(tf.mean(tf.relu(tf.softmax(x)))))(tf.tensor1d([1, 2, 3])).arraySync() as number[])
    expect(g.every(Number.isFinite)).toBe(true)
  })
})

describe('initTf backend failures are never silent', () => {
  test('a backend that cannot start warns and falls back to cpu, or throws with strict', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      await expect(initTf({ backend: 'webgl', strict: true })).rejects.toThrow(/backend 'webgl' could not start/)
      const ctx = await initTf({ backend: 'webgl' })
      expect(ctx.backend).toBe('cpu')
      expect(warn.mock.calls.some((c) => /webgl: .*using cpu/.test(String(c[0])))).toBe(true)
      await expect(initTf({ wasmPaths: '' })).rejects.toThrow(/wasmPaths: expected/)
    } finally {
      warn.mockRestore()
    }
    expect((await initTf({ backend: 'wasm', strict: true })).backend).toBe('wasm')
  })
})

describe('tfjs(): the engine handle of the tfjs track', () => {
  test('one engine for every copy of core (ESM and CJS builds): a second module instance sees what initTf loaded', async () => {
    const { tf } = await initTf()
    const spec = '../src/tf-engine?second-copy' // a second, independent module instance
    const copy = (await import(/* @vite-ignore */ spec)) as typeof import('../src/tf-engine')
    expect(copy.tfjs()).toBe(tf)
    const { tfjs } = await import('../src/tf')
    expect(tfjs()).toBe(tf)
  })
  test('throws a message naming initTf while nothing is loaded', async () => {
    const { tfState } = await import('../src/tf-engine')
    const state = tfState()
    const saved = state.engine
    state.engine = null
    try {
      const { tfjs } = await import('../src/tf')
      expect(() => tfjs()).toThrow(/call `await initTf\(\)`/)
    } finally {
      state.engine = saved
    }
  })
})
