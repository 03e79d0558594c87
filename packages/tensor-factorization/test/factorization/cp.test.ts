import { createRng, frobeniusNorm, ndarray, relativeError, sampleObservations, unobservedEntries, type Matrix, type Observations } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { describe, expect, test } from 'vitest'
import { cpAls, cpCompletion, cpCompletionLossAndGrad, cpComponentNorms, cpRank, cpToTensor, outer, randomCp } from '../../src/index'
import { fixture } from '../../../../tests/fixtures'

interface AlsCase { shape: number[]; data: number[]; rank: number; sweeps: number; init: number[][][]; reconstruction: number[] }
const fx = fixture<{ als: AlsCase[] }>('tensor_factorization.json')

function toArrays(factors: Matrix[]): number[][][] {
  return factors.map((f) => f.to2DArray())
}

describe('CP basics', () => {
  test('cpToTensor small example and weights', () => {
    expect(Array.from(cpToTensor({ factors: [[[1], [2]], [[3], [4]]] }).data)).toEqual([3, 4, 6, 8])
    expect(Array.from(cpToTensor({ weights: [2], factors: [[[1], [2]], [[3], [4]]] }).data)).toEqual([6, 8, 12, 16])
  })

  test('cpToTensor of randomCp has CP rank ≤ R (ALS rank estimate)', () => {
    for (const [shape, R] of [[[6, 5, 4], 1], [[5, 5, 5], 2], [[6, 6, 6], 3]] as const) {
      const t = cpToTensor(randomCp([...shape], R, createRng(R)))
      const r = cpRank(t, { tol: 1e-6, maxRank: 5 })
      expect(r).toBeLessThanOrEqual(R)
      expect(r).toBeGreaterThanOrEqual(1)
    }
    expect(cpRank(ndarray(new Float64Array(8), [2, 2, 2]))).toBe(0)
  })

  test('cpComponentNorms equals the Frobenius norm of each rank-one component', () => {
    const { factors } = randomCp([3, 4, 5], 4, 7)
    const norms = cpComponentNorms(factors)
    for (let r = 0; r < 4; r++) {
      const comp = outer(...factors.map((f) => f.getColumn(r)))
      expect(norms[r]).toBeCloseTo(frobeniusNorm(comp), 12)
    }
    expect(Array.from(cpComponentNorms([[[3], [4]], [[1], [0]]]))).toEqual([5])
  })

  test('cpAls matches a numpy ALS from the same initialization', () => {
    for (const c of fx.als) {
      const t = ndarray(c.data, c.shape)
      const res = cpAls(t, c.rank, { initial: c.init, maxIter: c.sweeps, tol: 0 })
      expect(res.iterations).toBe(c.sweeps)
      expect(relativeError(cpToTensor(res), c.reconstruction)).toBeLessThan(1e-8)
    }
  })

  test('cpAls recovers an exact low-rank tensor', () => {
    const t = cpToTensor(randomCp([6, 6, 6], 2, 11))
    expect(cpAls(t, 2, { rng: 3 }).relError).toBeLessThan(1e-8)
  })

  test('bad input gets a clear error', () => {
    const t = cpToTensor(randomCp([3, 3, 3], 1, 0))
    expect(() => cpAls(t, 0)).toThrow(/rank: expected an integer >= 1/)
    expect(() => randomCp([3, 3], 0, 0)).toThrow(/rank/)
    expect(() => cpToTensor({ factors: [[[1, 2]], [[1]]] })).toThrow(/factors\[1\]: expected 2 columns/)
    expect(() => cpToTensor({ weights: [1, 2], factors: [[[1]], [[1]]] })).toThrow(/weights: expected length 1/)
    expect(() => cpAls(t, 2, { initial: [[[1, 2]]] })).toThrow(/initial/)
  })
})

function problem(seed: number, shape = [4, 3, 5]): { shape: number[]; observations: Observations; factors: Matrix[] } {
  const obs = sampleObservations(cpToTensor(randomCp(shape, 2, seed)), { count: Math.min(30, shape.reduce((a, b) => a * b, 1)), rng: seed + 1 })
  return { shape, observations: obs, factors: randomCp(shape, 3, seed + 2, { std: 0.7 }).factors }
}

describe('CP completion gradient', () => {
  test.each([[[4, 3, 5]], [[3, 2, 3, 2]], [[2, 3]], [[2, 2, 3, 2, 2]]])('closed-form gradient matches central finite differences, shape %j', (shape) => {
    const { observations, factors } = problem(1, shape)
    const { loss, grad } = cpCompletionLossAndGrad(factors, observations)
    expect(loss).toBeGreaterThan(0)
    const h = 1e-6
    let maxErr = 0
    factors.forEach((f, n) => {
      for (let i = 0; i < f.rows; i++) {
        for (let r = 0; r < f.columns; r++) {
          const plus = factors.map((g) => g.clone())
          const minus = factors.map((g) => g.clone())
          plus[n]!.set(i, r, f.get(i, r) + h)
          minus[n]!.set(i, r, f.get(i, r) - h)
          const fd = (cpCompletionLossAndGrad(plus, observations).loss - cpCompletionLossAndGrad(minus, observations).loss) / (2 * h)
          maxErr = Math.max(maxErr, Math.abs(fd - grad[n]!.get(i, r)) / (Math.abs(fd) + 1e-3))
        }
      }
    })
    expect(maxErr).toBeLessThan(1e-6)
  })

  test('closed-form gradient matches tfjs autodiff of the same loss', async () => {
    const { tf } = await initTf()
    const { observations, factors } = problem(2)
    const { loss, grad } = cpCompletionLossAndGrad(factors, observations)
    const before = tf.memory().numTensors
    const vars = factors.map((f) => tf.tidy(() => tf.variable(tf.tensor2d(f.to2DArray()))))
    const onehots = factors.map((f, n) => tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(observations.indices.map((ij) => ij[n] as number), 'int32'), f.rows), 'float32')))
    const y = tf.tensor1d(Array.from(observations.values))
    const { value, grads } = tf.variableGrads(() => {
      let prod = tf.matMul(onehots[0]!, vars[0]!)
      for (let n = 1; n < vars.length; n++) prod = tf.mul(prod, tf.matMul(onehots[n]!, vars[n]!))
      return tf.mean(tf.square(tf.sub(tf.sum(prod, 1), y))) as never
    })
    expect(value.dataSync()[0]).toBeCloseTo(loss, 5)
    vars.forEach((v, n) => {
      const g = grads[v.name]!
      expect(relativeError(g.arraySync() as number[][], grad[n]!)).toBeLessThan(1e-4)
    })
    tf.dispose([value, ...Object.values(grads), ...vars, ...onehots, y])
    expect(tf.memory().numTensors).toBe(before)
  })

  test('index out of range and wrong arity get clear errors', () => {
    const { shape, factors } = problem(3)
    const bad = { indices: [[0, 0, 5]], values: Float64Array.of(1) }
    expect(() => cpCompletionLossAndGrad(factors, bad)).toThrow(/observations\.indices\[0\]\[2\]: index out of range/)
    expect(() => cpCompletion({ shape, observations: bad, rank: 2 })).toThrow(/index out of range/)
    expect(() => cpCompletion({ shape, observations: { indices: [[0, 0]], values: Float64Array.of(1) }, rank: 2 })).toThrow(/expected 3 mode indices/)
    expect(() => cpCompletion({ shape, observations: { indices: [[0, 0, 0]], values: Float64Array.of(1, 2) }, rank: 2 })).toThrow(/values: expected 1 values/)
    expect(() => cpCompletion({ shape, observations: { indices: [[0, 0, 0]], values: Float64Array.of(1) }, rank: 0 })).toThrow(/rank: expected an integer >= 1/)
    expect(() => cpCompletion({ shape, observations: { indices: [[0, 0, 0]], values: Float64Array.of(1) }, rank: 1, optimizer: 'sgd' as never })).toThrow(/optimizer/)
    expect(() => cpCompletion({ shape, observations: { indices: [[0, 0, 0]], values: Float64Array.of(1) }, rank: 1, stepz: 3 } as never)).toThrow(/unknown option 'stepz'/)
  })
})

describe('cpCompletion', () => {
  test('recovers a rank-1 tensor from a small init, one component growing', () => {
    const shape = [6, 6, 6]
    const t0 = cpToTensor(randomCp(shape, 1, 21))
    const nrm = frobeniusNorm(t0)
    const target = ndarray(t0.data.map((v) => v / nrm), shape)
    const observations = sampleObservations(target, { count: 120, rng: 22 })
    const { factors, history } = cpCompletion({ shape, observations, rank: 8, initStd: 1e-3, lr: 5e-3, steps: 2000, target, rng: 23, topK: 3 })
    expect(Object.keys(history).sort()).toEqual(['componentNorms', 'loss', 'relError', 'step'])
    const rel = history.relError as number[]
    expect(rel[rel.length - 1]).toBeLessThan(0.02)
    const top = cpComponentNorms(factors).sort().reverse()
    expect(top[0]).toBeGreaterThan(0.9)
    expect(top[1]).toBeLessThan(0.05)
    // the unobserved entries are predicted too
    const test = unobservedEntries(target, observations)
    expect(cpCompletionLossAndGrad(factors, test).loss).toBeLessThan(1e-3 / 216)
  })

  test('stopAtLoss stops early and the run is reproducible from its seed', () => {
    const { shape, observations } = problem(4)
    const a = cpCompletion({ shape, observations, rank: 4, initStd: 0.1, steps: 3000, stopAtLoss: 1e-3, rng: 1 })
    const b = cpCompletion({ shape, observations, rank: 4, initStd: 0.1, steps: 3000, stopAtLoss: 1e-3, rng: 1 })
    expect(a.stoppedBy).toBe('stopAtLoss')
    expect(a.history.loss[a.history.loss.length - 1]).toBeLessThanOrEqual(1e-3)
    expect(toArrays(a.factors)).toEqual(toArrays(b.factors))
  })
})

describe('cpCompletion: options and state of the trainer vocabulary', () => {
  test("init names the scheme ('gaussian' with initStd); explicit factors go in `initial`", () => {
    const { shape, observations, factors } = problem(5)
    const seeded = cpCompletion({ shape, observations, rank: 3, init: 'gaussian', initStd: 0.2, steps: 20, rng: 9 })
    const implicit = cpCompletion({ shape, observations, rank: 3, initStd: 0.2, steps: 20, rng: 9 })
    expect(toArrays(seeded.factors)).toEqual(toArrays(implicit.factors))
    // `initial` is copied, not updated in place, and 0 steps return it unchanged
    const before = toArrays(factors)
    expect(toArrays(cpCompletion({ shape, observations, rank: 3, initial: factors, steps: 0 }).factors)).toEqual(before)
    cpCompletion({ shape, observations, rank: 3, initial: factors, steps: 5 })
    expect(toArrays(factors)).toEqual(before)
    expect(() => cpCompletion({ shape, observations, rank: 3, init: factors } as never)).toThrow(/init: expected 'gaussian'.*initial/)
    expect(() => cpCompletion({ shape, observations, rank: 3, initial: factors, initStd: 0.1 })).toThrow(/initial: .*not both/)
    expect(() => cpCompletion({ shape, observations, rank: 2, initial: factors })).toThrow(/initial: expected 3 factors of shapes 4×2/)
  })

  test('the optimizer rule is core’s: a name takes lr, a spec carries its own (lr beside a spec throws)', () => {
    const { shape, observations } = problem(6)
    const a = cpCompletion({ shape, observations, rank: 3, initStd: 0.3, optimizer: 'adam', lr: 1e-2, steps: 10, rng: 1 })
    const b = cpCompletion({ shape, observations, rank: 3, initStd: 0.3, optimizer: { type: 'adam', lr: 1e-2 }, steps: 10, rng: 1 })
    expect(toArrays(a.factors)).toEqual(toArrays(b.factors))
    expect(() => cpCompletion({ shape, observations, rank: 3, optimizer: { type: 'adam', lr: 1e-2 }, lr: 1e-3, steps: 1 })).toThrow(/^lr: /)
  })

  test('record, onStep and stopWhen see step, loss, factors, grad, componentNorms and relError', () => {
    const { shape, observations } = problem(7)
    const target = cpToTensor(randomCp(shape, 2, 7))
    const seen: number[] = []
    const res = cpCompletion({
      shape,
      observations,
      rank: 3,
      initStd: 0.3,
      steps: 30,
      every: 10,
      topK: 2,
      target,
      rng: 2,
      record: { largest: (s) => Math.max(...s.componentNorms), rel: (s) => s.relError! },
      onStep: (s) => {
        // the state's grad is the closed-form gradient at the state's factors, its loss their loss
        const check = cpCompletionLossAndGrad(s.factors, observations)
        expect(check.loss).toBeCloseTo(s.loss, 12)
        expect(relativeError(check.grad[1]!, s.grad[1]!)).toBeLessThan(1e-12)
        seen.push(s.step)
      },
    })
    expect(seen).toEqual([0, 10, 20, 30])
    expect(res.history.step).toEqual([0, 10, 20, 30])
    expect(Object.keys(res.history)).toEqual(['step', 'loss', 'componentNorms', 'relError', 'largest', 'rel'])
    expect(res.history.rel).toEqual(res.history.relError)
    expect(res.history.largest).toEqual((res.history.componentNorms as number[][]).map((r) => r[0]))
    expect(cpCompletion({ shape, observations, rank: 3, steps: 3, topK: 0 }).history).not.toHaveProperty('componentNorms')
    const stopped = cpCompletion({ shape, observations, rank: 3, initStd: 0.3, steps: 30, rng: 2, stopWhen: (s) => s.step === 4 })
    expect([stopped.steps, stopped.stoppedBy]).toEqual([4, 'stopWhen'])
  })
})
