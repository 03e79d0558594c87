import { describe, expect, test } from 'vitest'
import { adam, createOptimizer, gd, groupRmsprop, momentum, type Params } from '../src/index'

const p = (...v: number[]): Params => ({ w: Float64Array.from(v) })

describe('optimizers (float64, in place)', () => {
  test('gd: p ← p − lr·g', () => {
    const params = p(1, 2)
    gd({ lr: 0.5 }).step(params, p(2, -2))
    expect(Array.from(params.w as Float64Array)).toEqual([0, 3])
  })

  test('momentum: heavy ball and Nesterov by hand', () => {
    const params = p(0)
    const opt = momentum({ lr: 1, beta: 0.5 })
    opt.step(params, p(1)) // v=1, p=-1
    opt.step(params, p(1)) // v=1.5, p=-2.5
    expect((params.w as Float64Array)[0]).toBeCloseTo(-2.5, 15)
    const q = p(0)
    const nes = momentum({ lr: 1, beta: 0.5, nesterov: true })
    nes.step(q, p(1)) // v=1, p -= 1 + 0.5
    expect((q.w as Float64Array)[0]).toBeCloseTo(-1.5, 15)
  })

  test('adam: first step moves every coordinate by lr·g/(|g|+eps)', () => {
    const params = p(0, 0)
    adam({ lr: 0.1, eps: 0 }).step(params, p(3, -0.01))
    expect((params.w as Float64Array)[0]).toBeCloseTo(-0.1, 12)
    expect((params.w as Float64Array)[1]).toBeCloseTo(0.1, 12)
  })

  test('groupRmsprop: one shared step lr/(sqrt(bias-corrected EMA of Σ‖g‖²)+eps)', () => {
    const params: Params = { a: Float64Array.from([0, 0]), b: Float64Array.from([0]) }
    const opt = groupRmsprop({ lr: 0.01, beta: 0.99, eps: 0 })
    const g: Params = { a: Float64Array.from([3, 0]), b: Float64Array.from([4]) }
    opt.step(params, g)
    // s = 0.01·25, ŝ = s/(1−0.99) = 25 → step = 0.01/5
    expect(opt.lastStepSize).toBeCloseTo(0.002, 15)
    expect((params.a as Float64Array)[0]).toBeCloseTo(-0.006, 15)
    expect((params.b as Float64Array)[0]).toBeCloseTo(-0.008, 15)
    const g2: Params = { a: Float64Array.from([0, 0]), b: Float64Array.from([1]) }
    opt.step(params, g2)
    const s = 0.99 * 0.25 + 0.01 * 1
    expect(opt.lastStepSize).toBeCloseTo(0.01 / Math.sqrt(s / (1 - 0.99 ** 2)), 15)
  })

  test('all optimizers minimize a quadratic', () => {
    for (const spec of [
      { type: 'gd', lr: 0.1 },
      { type: 'momentum', lr: 0.05 },
      { type: 'adam', lr: 0.05 },
      { type: 'groupRmsprop', lr: 0.02 },
    ] as const) {
      const opt = createOptimizer(spec)
      const params = p(3, -2)
      const grads = p(0, 0)
      for (let t = 0; t < 2000; t++) {
        const w = params.w as Float64Array
        const g = grads.w as Float64Array
        g[0] = 2 * (w[0] as number)
        g[1] = 4 * (w[1] as number)
        opt.step(params, grads)
      }
      const w = params.w as Float64Array
      expect(Math.hypot(w[0] as number, w[1] as number)).toBeLessThan(0.05)
      expect(opt.t).toBe(2000)
    }
  })

  test('bad options get named errors', () => {
    expect(() => gd({ lr: -1 })).toThrow(/lr: expected a positive number/)
    expect(() => adam({ lr: 0.1, betta1: 0.9 } as never)).toThrow(/unknown option 'betta1'/)
    expect(() => createOptimizer({ type: 'sgdd', lr: 1 } as never)).toThrow(/optimizer: expected type/)
    expect(() => gd({ lr: 0.1 }).step(p(1, 2), p(1))).toThrow(/grads: expected 'w' with 2 entries/)
  })
})
