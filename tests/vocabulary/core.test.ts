// The training vocabulary (docs/CONTRIBUTING.md): core's train with the common options and the common result.
import { describe, expect, test } from 'vitest'
import { DivergenceError, train, type TrainState } from '@theoryml/core'

const target = Float64Array.from([1, -2, 3])
const lossAndGrad = (p: Record<string, Float64Array>, g: Record<string, Float64Array>): number => {
  let loss = 0
  p.w!.forEach((w, i) => { const d = w - target[i]!; g.w![i] = d; loss += 0.5 * d * d })
  return loss
}

describe('core train speaks the vocabulary', () => {
  test('optimizer name + lr, steps, every, record(state), onStep, and the common result', () => {
    const rows: number[] = []
    const r = train({
      params: { w: new Float64Array(3) }, lossAndGrad, optimizer: 'adam', lr: 0.05, steps: 40, every: 10,
      record: { norm: (s: TrainState) => Math.hypot(...s.params.w!), grad0: (s: TrainState) => s.grad.w![0]! },
      onStep: (s) => void rows.push(s.step),
    })
    expect(r.params.w).toBeInstanceOf(Float64Array)
    expect(r.history.step).toEqual([0, 10, 20, 30, 40])
    expect(r.history.loss).toHaveLength(5)
    expect(r.history.norm).toHaveLength(5)
    expect(r.history.grad0![0]).toBe(-1)
    expect(rows).toEqual([0, 10, 20, 30, 40])
    expect(r).toMatchObject({ steps: 40, stoppedBy: 'steps' })
  })
  test('stopAtLoss, stopWhen and signal', () => {
    const base = { lossAndGrad, optimizer: { type: 'gd', lr: 0.1 } as const, steps: 1000 }
    expect(train({ ...base, params: { w: new Float64Array(3) }, stopAtLoss: 1e-3 }).stoppedBy).toBe('stopAtLoss')
    expect(train({ ...base, params: { w: new Float64Array(3) }, stopWhen: (s) => s.step === 7 })).toMatchObject({ steps: 7, stoppedBy: 'stopWhen' })
    const ac = new AbortController()
    ac.abort()
    expect(train({ ...base, params: { w: new Float64Array(3) }, signal: ac.signal })).toMatchObject({ steps: 0, stoppedBy: 'signal' })
    expect(() => train({ ...base, params: { w: new Float64Array(3) }, lossAndGrad: () => Number.NaN })).toThrow(DivergenceError)
  })
})
