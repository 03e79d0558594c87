/**
 * Issue 16: every trainer of @theoryml/linear-nets speaks core's training vocabulary (the same
 * options and the same result shape), called through the package entry.
 */
import { Matrix, createRng, sampleObservations, type History, type StopReason } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { lowRankMatrix, lpRegression, matrixCompletion, matrixSensing, type DeepLinearState } from '@theoryml/linear-nets'

const target = lowRankMatrix({ shape: [6, 5], rank: 1, rng: 0 })
const observations = sampleObservations(target, { count: 20, rng: 1 })
const measurements = Array.from({ length: 12 }, (_, i) => {
  const r = createRng(10 + i)
  const A = new Matrix(6, 5)
  for (let a = 0; a < 6; a++) for (let b = 0; b < 5; b++) A.set(a, b, r.normal())
  let y = 0
  for (let a = 0; a < 6; a++) for (let b = 0; b < 5; b++) y += A.get(a, b) * target.get(a, b)
  return { A, y }
})
const X = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i), 1])
const y = X.map((x) => x[0]! - 2 * x[1]! + 0.5)

/** Each trainer, called with the given common options (and its own data and net). */
const trainers: Array<[string, (common: Record<string, unknown>) => { learned: unknown[]; history: History; steps: number; stoppedBy: StopReason }]> = [
  ['matrixCompletion', (common) => {
    const r = matrixCompletion({ target, observations, depth: 2, scale: 0.1, ...common })
    return { learned: [r.weights, r.product], ...r }
  }],
  ['matrixSensing', (common) => {
    const r = matrixSensing({ measurements, target, depth: 2, scale: 0.1, ...common })
    return { learned: [r.weights, r.product], ...r }
  }],
  ['lpRegression', (common) => {
    const r = lpRegression({ X, y, p: 2, depth: 2, scale: 0.1, ...common })
    return { learned: [r.weights, r.w], ...r }
  }],
]

describe('linear-nets trainers speak the common vocabulary', () => {
  test.each(trainers)('%s: optimizer, lr, steps, every, record, onStep, stopWhen, stopAtLoss, signal, rng', (_name, run) => {
    let calls = 0
    const states: number[] = []
    const common = {
      optimizer: 'adam',
      lr: 1e-2,
      steps: 20,
      every: 5,
      record: { extra: (s: DeepLinearState) => s.product.norm('frobenius') },
      onStep: (s: DeepLinearState, h: History) => {
        calls++
        states.push(s.step)
        expect(h.step.at(-1)).toBe(s.step)
      },
      signal: new AbortController().signal,
      rng: 3,
    }
    const a = run(common)
    for (const p of a.learned) expect(p).toBeDefined()
    expect(a.history.step).toEqual([0, 5, 10, 15, 20])
    expect(a.history.loss).toHaveLength(5)
    expect(a.history.extra).toHaveLength(5)
    expect((a.history.extra as number[]).every((v) => Number.isFinite(v) && v > 0)).toBe(true)
    expect(a.steps).toBe(20)
    expect(a.stoppedBy).toBe('steps')
    expect(calls).toBe(5)
    expect(states).toEqual(a.history.step)
    // The same seed gives the same run; a spec optimizer is the same as the name with lr.
    const b = run({ ...common, optimizer: { type: 'adam', lr: 1e-2 }, lr: undefined })
    expect(b.history.loss).toEqual(a.history.loss)

    calls = 0
    const c = run({ ...common, stopWhen: (s: DeepLinearState) => s.step === 7 })
    expect(c.stoppedBy).toBe('stopWhen')
    expect(c.steps).toBe(7)
    expect(c.history.step).toEqual([0, 5, 7])
    expect(c.history.extra).toHaveLength(3)
    expect(calls).toBe(3)

    const d = run({ ...common, stopAtLoss: (a.history.loss[2] as number) })
    expect(d.stoppedBy).toBe('stopAtLoss')
    expect(d.steps).toBeLessThanOrEqual(10)

    const aborted = new AbortController()
    aborted.abort()
    expect(run({ ...common, signal: aborted.signal }).stoppedBy).toBe('signal')
  })
})
