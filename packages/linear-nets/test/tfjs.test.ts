/**
 * The independent check of the float64 closed forms: tfjs autodiff (float32) of the same product.
 */
import { Matrix, createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { describe, expect, test } from 'vitest'
import { endToEnd, layerGradients } from '../src'

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed)
  const m = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.normal(0, 0.7))
  return m
}

const rel = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0
  let n = 0
  for (let i = 0; i < b.length; i++) {
    d += ((a[i] as number) - (b[i] as number)) ** 2
    n += (b[i] as number) ** 2
  }
  return Math.sqrt(d / n)
}

describe('tfjs autodiff agrees with the float64 chain rule', () => {
  test('endToEnd and layerGradients for ℓ = ½‖W_N⋯W₁ − T‖² at depths 1–4', async () => {
    const { tf } = await initTf()
    const before = tf.memory().numTensors
    for (const dims of [[3, 4], [3, 5, 4], [6, 4, 5, 3], [2, 3, 4, 3, 5]]) {
      const ws = dims.slice(1).map((d, j) => randomMatrix(d, dims[j] as number, 10 * j + dims.length))
      const T = randomMatrix(dims[dims.length - 1] as number, dims[0] as number, 99)
      const P = endToEnd(ws)
      const grads = layerGradients(ws, P.clone().sub(T))
      const result = tf.tidy(() => {
        const vars = ws.map((w) => tf.tensor2d(w.to2DArray()))
        const target = tf.tensor2d(T.to2DArray())
        const f = (...layers: unknown[]) => {
          let prod = layers[0] as ReturnType<typeof tf.tensor2d>
          for (let j = 1; j < layers.length; j++) prod = tf.matMul(layers[j] as typeof prod, prod)
          return tf.mul(0.5, tf.sum(tf.square(tf.sub(prod, target))))
        }
        let prod = vars[0] as ReturnType<typeof tf.tensor2d>
        for (let j = 1; j < vars.length; j++) prod = tf.matMul(vars[j] as typeof prod, prod)
        const g = tf.grads(f)(vars)
        return { product: prod.dataSync().slice(), grads: g.map((t) => t.dataSync().slice()) }
      })
      expect(rel(result.product, P.to1DArray())).toBeLessThan(1e-5)
      result.grads.forEach((g, j) => expect(rel(g, (grads[j] as Matrix).to1DArray())).toBeLessThan(1e-4))
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
