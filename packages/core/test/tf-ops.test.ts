import type * as TF from '@tensorflow/tfjs'
import { describe, expect, test } from 'vitest'
import { createRng } from '../src/index'
import { initTf, linear, tfjs } from '../src/tf'

describe('linear', () => {
  test('value and gradients match tf.matMul and its autodiff gradient, for x narrower and wider than dy', async () => {
    const { tf } = await initTf()
    const rng = createRng(3)
    expect(tfjs()).toBe(tf)
    const mm = linear
    for (const [n, m, k] of [[5, 3, 7], [6, 8, 2]] as const) {
      const x = tf.tensor2d(rng.fillNormal(new Float32Array(n * m), 1), [n, m])
      const w = tf.variable(tf.tensor2d(rng.fillNormal(new Float32Array(m * k), 1), [m, k]))
      const c = tf.tensor2d(rng.fillNormal(new Float32Array(n * k), 1), [n, k])
      const before = tf.memory().numTensors
      const [mine, ref] = tf.tidy(() => {
        const loss = (f: (a: TF.Tensor, b: TF.Tensor) => TF.Tensor) => (...[a, b]: TF.Tensor[]) => tf.sum(tf.mul(f(a!, b!), c))
        const g1 = tf.grads(loss(mm))([x, w])
        const g2 = tf.grads(loss((a, b) => tf.matMul(a as TF.Tensor2D, b as TF.Tensor2D)))([x, w])
        return [[mm(x, w), ...g1].map((t) => Array.from(t.dataSync())), [tf.matMul(x, w), ...g2].map((t) => Array.from(t.dataSync()))]
      })
      expect(tf.memory().numTensors).toBe(before)
      mine.forEach((v, i) => v.forEach((e, j) => expect(e).toBeCloseTo(ref[i]![j]!, 5)))
      tf.dispose([x, w, c])
    }
  })
})
