/**
 * The independent check of the float64 closed forms: tfjs autodiff (float32) of the same product.
 * linear-nets has no tfjs track of its own; tfjs is only the test's reference.
 */
import type * as TF from '@tensorflow/tfjs'
import { Matrix, createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { beforeAll, describe, expect, test } from 'vitest'
import { endToEnd, layerGrad } from '../src'

let tf: typeof TF

beforeAll(async () => {
  ;({ tf } = await initTf())
})

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
  test('endToEnd and layerGrad for ℓ = ½‖W_N⋯W₁ − T‖² at depths 1–4', () => {
    const before = tf.memory().numTensors
    for (const dims of [[3, 4], [3, 5, 4], [6, 4, 5, 3], [2, 3, 4, 3, 5]]) {
      const ws = dims.slice(1).map((d, j) => randomMatrix(d, dims[j] as number, 10 * j + dims.length))
      const T = randomMatrix(dims[dims.length - 1] as number, dims[0] as number, 99)
      const P = endToEnd(ws)
      const grads = layerGrad(ws, P.clone().sub(T))
      const result = tf.tidy(() => {
        const vars = ws.map((w) => tf.tensor2d(w.to2DArray()))
        const target = tf.tensor2d(T.to2DArray())
        const productOf = (layers: TF.Tensor[]): TF.Tensor2D => {
          let prod = layers[0] as TF.Tensor2D
          for (let j = 1; j < layers.length; j++) prod = tf.matMul(layers[j] as TF.Tensor2D, prod)
          return prod
        }
        const f = (...layers: TF.Tensor[]): TF.Scalar => tf.mul(0.5, tf.sum(tf.square(tf.sub(productOf(layers), target))))
        const prod = productOf(vars)
        const g = tf.grads(f)(vars)
        return { product: prod.dataSync().slice(), grads: g.map((t) => t.dataSync().slice()) }
      })
      expect(rel(result.product, P.to1DArray())).toBeLessThan(1e-5)
      result.grads.forEach((g, j) => expect(rel(g, (grads[j] as Matrix).to1DArray())).toBeLessThan(1e-4))
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
