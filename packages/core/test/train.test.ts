import { describe, expect, test, vi } from 'vitest'
import { DivergenceError, train } from '../src/index'

// f(w) = ½‖w − c‖²: gradient w − c; GD with lr η contracts the distance by (1 − η) per step.
const c = Float64Array.from([1, -2, 3])
const quad = (p: Record<string, Float64Array>, g: Record<string, Float64Array>): number => {
  const w = p.w as Float64Array
  const gw = g.w as Float64Array
  let loss = 0
  for (let i = 0; i < w.length; i++) {
    const d = (w[i] as number) - (c[i] as number)
    gw[i] = d
    loss += 0.5 * d * d
  }
  return loss
}

describe('train', () => {
  test('records history columns and follows the closed-form GD trajectory', () => {
    const { history, stoppedBy, steps } = train({
      params: { w: new Float64Array(3) },
      lossAndGrad: quad,
      optimizer: { type: 'gd', lr: 0.1 },
      steps: 50,
      every: 10,
      record: { w0: (s) => (s.params.w as Float64Array)[0] as number, w: (s) => s.params.w as Float64Array },
    })
    expect(stoppedBy).toBe('steps')
    expect(steps).toBe(50)
    expect(history.step).toEqual([0, 10, 20, 30, 40, 50])
    const l0 = history.loss[0] as number
    history.step.forEach((t, i) => expect(history.loss[i]).toBeCloseTo(l0 * 0.9 ** (2 * t), 12))
    expect((history.w0 as number[])[5]).toBeCloseTo(1 - 0.9 ** 50, 12)
    expect(((history.w as number[][])[5] as number[]).length).toBe(3)
  })

  test('stopWhen and signal stop early', () => {
    const r = train({ params: { w: new Float64Array(3) }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 0.5 }, steps: 1000, stopWhen: (s) => s.loss < 1e-6 })
    expect(r.stoppedBy).toBe('stopWhen')
    expect(r.history.loss[r.history.loss.length - 1]).toBeLessThan(1e-6)
    const ac = new AbortController()
    ac.abort()
    expect(train({ params: { w: new Float64Array(3) }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 0.5 }, steps: 10, signal: ac.signal }).stoppedBy).toBe('signal')
  })

  test('divergence throws an error naming the step and the last finite loss', () => {
    let err: unknown
    try {
      train({ params: { w: new Float64Array(3) }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 3 }, steps: 5000 })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DivergenceError)
    expect((err as DivergenceError).step).toBeGreaterThan(10)
    expect((err as Error).message).toMatch(/loss is (Infinity|NaN) at step \d+ \(last finite loss/)
  })

  test('bad input gets named errors', () => {
    expect(() => train({ params: { w: [1] as never }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 1 }, steps: 1 })).toThrow(/params.w: expected a Float64Array/)
    expect(() => train({ params: { w: new Float64Array(1) }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 1 }, steps: -1 })).toThrow(/steps: expected an integer >= 0/)
    expect(() => train({ params: { w: new Float64Array(1) }, lossAndGrad: quad, optimizer: { type: 'gd', lr: 1 }, steps: 1, evry: 2 } as never)).toThrow(/unknown option 'evry'/)
  })
})

describe('DivergenceError across copies of core', () => {
  test('instanceof holds for an error made by a second module instance (the ESM/CJS dual-package case)', async () => {
    vi.resetModules()
    const spec = '../src/trainer?copy' // a query makes vitest load a second, independent module instance
    const copy = (await import(/* @vite-ignore */ spec)) as typeof import('../src/trainer')
    expect(copy.DivergenceError).not.toBe(DivergenceError)
    const fromCopy = new copy.DivergenceError(3, 1, Number.NaN)
    expect(fromCopy instanceof DivergenceError).toBe(true)
    expect(new DivergenceError(3, 1, Number.NaN) instanceof copy.DivergenceError).toBe(true)
    expect(fromCopy.step).toBe(3)
    expect(new Error('x') instanceof DivergenceError).toBe(false)
    expect((null as unknown as object) instanceof DivergenceError).toBe(false)
  })
})
