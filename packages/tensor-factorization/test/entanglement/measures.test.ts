import { readFileSync } from 'node:fs'
import { createRng, Matrix, ndarray } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import {
  averageEntanglement,
  canonicalPartitions,
  canonicalPartitions2d,
  dataTensor,
  dataTensorEntanglement,
  entanglementEntropy,
  featureMap,
  geometricEntanglement,
  permuteFeatures,
  tensorEntanglement,
} from '../../src/index'

interface FixtureSet {
  route: 'explicit' | 'gram'
  theta: number
  X: number[][]
  y: number[]
  cases: Array<{ partition: number[]; entropy: number; geometric: number; surrogate: number }>
}
const fixtures = (JSON.parse(readFileSync(new URL('../../../../tests/fixtures/entanglement.json', import.meta.url), 'utf8')) as { datasets: FixtureSet[] }).datasets

/** Correlated random data: a random walk along the feature axis, labels ±1 from the first half. */
function randomData(M: number, D: number, seed: number): { X: number[][]; y: number[] } {
  const rng = createRng(seed)
  const X: number[][] = []
  const y: number[] = []
  for (let m = 0; m < M; m++) {
    const row: number[] = []
    let s = 0
    for (let f = 0; f < D; f++) {
      s += rng.normal()
      row.push(s + 0.5 * rng.normal())
    }
    X.push(row)
    y.push(rng.uniform() < 0.5 ? 1 : -1)
  }
  return { X, y }
}

describe('featureMap', () => {
  test('φ(x) = (cos πθx, sin πθx), unit norm, default θ = 0.085', () => {
    const p = featureMap(2)
    expect(p[0]).toBeCloseTo(Math.cos(Math.PI * 0.085 * 2), 15)
    expect(p[1]).toBeCloseTo(Math.sin(Math.PI * 0.085 * 2), 15)
    const m = featureMap([0, 1], { theta: 0.5 })
    expect(m.rows).toBe(2)
    expect(m.get(0, 0)).toBe(1)
    expect(m.get(1, 1)).toBeCloseTo(1, 15)
    expect(m.get(1, 0)).toBeCloseTo(0, 15)
  })
  test('bad input names the argument', () => {
    expect(() => featureMap(NaN)).toThrow(/x/)
    expect(() => featureMap([1, NaN])).toThrow(/x: expected finite/)
    expect(() => featureMap(1, { theta: Infinity })).toThrow(/theta/)
    expect(() => featureMap(1, { tehta: 1 } as never)).toThrow(/unknown option 'tehta'/)
  })
})

describe('canonical partitions', () => {
  test('1D: 2^level contiguous chunks (array_split sizes)', () => {
    expect(canonicalPartitions(8, 1)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]])
    expect(canonicalPartitions(8, 2)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]])
    expect(canonicalPartitions(10, 2)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]])
    expect(canonicalPartitions(64, 3)).toHaveLength(8)
  })
  test('2D: 4^level quad-tree blocks', () => {
    const p = canonicalPartitions2d(4, 4, 1)
    expect(p).toEqual([[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]])
    expect(canonicalPartitions2d(4, 4, 2)).toHaveLength(16)
    expect(canonicalPartitions2d(8, 6, 1).map((b) => b.length)).toEqual([12, 12, 12, 12])
  })
  test('bad levels throw', () => {
    expect(() => canonicalPartitions(8, 0)).toThrow(/level/)
    expect(() => canonicalPartitions(8, 4)).toThrow(/level: expected an integer in \[1, 3\]/)
    expect(() => canonicalPartitions2d(4, 8, 3)).toThrow(/level/)
    expect(() => canonicalPartitions(1.5, 1)).toThrow(/numFeatures/)
  })
})

describe('dataTensorEntanglement: closed forms', () => {
  test('a product state (rank-1 data tensor) has entanglement 0', () => {
    // one sample: A = y ⊗_f φ(x^f) is rank one across every cut
    const X = [[0.3, -1.2, 2.0, 0.7, 1.1]]
    for (const K of [[0], [1, 3], [0, 1, 2]]) {
      expect(dataTensorEntanglement(X, [1], K, { scale: 'none' })).toBeCloseTo(0, 12)
      expect(geometricEntanglement(X, [-1], K, { scale: 'none' })).toBeCloseTo(0, 6)
    }
    // many samples that agree on the features of K: A = (⊗_{K} φ) ⊗ (Σ_m y_m ⊗_{Kᶜ} φ)
    const { X: R, y } = randomData(20, 6, 1)
    for (const row of R) {
      row[0] = 0.4
      row[1] = -0.9
    }
    expect(dataTensorEntanglement(R, y, [0, 1])).toBeCloseTo(0, 10)
  })
  test('a maximally entangled two-feature state has entanglement ln 2', () => {
    // θ = 1/2: φ(0) = e₀, φ(1) = e₁, so A = e₀⊗e₀ ± e₁⊗e₁ (a Bell state)
    const X = [[0, 0], [1, 1]]
    for (const y of [[1, 1], [1, -1]]) {
      expect(dataTensorEntanglement(X, y, [0], { theta: 0.5, scale: 'none' })).toBeCloseTo(Math.LN2, 12)
      expect(geometricEntanglement(X, y, [1], { theta: 0.5, scale: 'none' })).toBeCloseTo(Math.SQRT1_2, 12)
    }
    expect(tensorEntanglement(ndarray([1, 0, 0, 1], [2, 2]), [0])).toBeCloseTo(Math.LN2, 12)
    expect(entanglementEntropy([1, 1])).toBeCloseTo(Math.LN2, 15)
    expect(entanglementEntropy([3, 0])).toBe(0)
  })
})

describe('dataTensorEntanglement: against independent computations', () => {
  test('Gram route equals the explicit 2^D tensor (D ≤ 10)', () => {
    for (const [M, D, theta, seed] of [[30, 8, 0.085, 2], [25, 10, 0.3, 3], [12, 6, 1.0, 4]] as const) {
      const { X, y } = randomData(M, D, seed)
      const A = dataTensor(X, y, { theta })
      for (const K of [[0, 1, 2, 3], [1, 4], [0, D - 1], [2]]) {
        const explicit = tensorEntanglement(A, K)
        expect(dataTensorEntanglement(X, y, K, { theta })).toBeCloseTo(explicit, 8)
      }
    }
  })
  test('matches the numpy fixture (explicit tensor for D ≤ 10, the paper’s SVD route for D = 16)', () => {
    for (const set of fixtures) {
      for (const c of set.cases) {
        expect(dataTensorEntanglement(set.X, set.y, c.partition, { theta: set.theta })).toBeCloseTo(c.entropy, 8)
        expect(geometricEntanglement(set.X, set.y, c.partition, { theta: set.theta })).toBeCloseTo(c.geometric, 7)
      }
    }
  })
})

describe('dataTensorEntanglement: invariances', () => {
  test('permuting features within each side, or the samples, leaves it unchanged', () => {
    const { X, y } = randomData(40, 12, 5)
    const K = [0, 2, 3, 7, 8]
    const base = dataTensorEntanglement(X, y, K)
    // a permutation that maps K onto itself and Kᶜ onto itself
    const perm = [3, 1, 8, 7, 5, 4, 6, 0, 2, 11, 10, 9] // position p holds old feature perm[p]
    const inv = new Array<number>(12)
    perm.forEach((old, p) => (inv[old] = p))
    const Kp = K.map((f) => inv[f] as number)
    const Xp = permuteFeatures(X, perm)
    expect(dataTensorEntanglement(Xp, y, Kp)).toBeCloseTo(base, 10)
    const order = createRng(9).permutation(40)
    expect(dataTensorEntanglement(order.map((i) => X[i] as number[]), order.map((i) => y[i] as number), K)).toBeCloseTo(base, 10)
    // K and its complement give the same value
    const Kc = Array.from({ length: 12 }, (_, f) => f).filter((f) => !K.includes(f))
    expect(dataTensorEntanglement(X, y, Kc)).toBeCloseTo(base, 10)
    // invariant to affine rescaling of a feature (standardization)
    const Xs = X.map((r) => r.map((v, f) => (f === 3 ? 5 * v + 2 : v)))
    expect(dataTensorEntanglement(Xs, y, K)).toBeCloseTo(base, 10)
  })
  test('averageEntanglement is the mean over the canonical partitions', () => {
    const { X, y } = randomData(30, 16, 6)
    for (const level of [1, 2, 3]) {
      const parts = canonicalPartitions(16, level)
      const mean = parts.reduce((s, K) => s + dataTensorEntanglement(X, y, K), 0) / parts.length
      expect(averageEntanglement(X, y, level)).toBeCloseTo(mean, 12)
    }
    const parts2 = canonicalPartitions2d(4, 4, 1)
    const mean2 = parts2.reduce((s, K) => s + geometricEntanglement(X, y, K), 0) / parts2.length
    expect(averageEntanglement(X, y, 1, { grid: [4, 4], measure: 'geometric' })).toBeCloseTo(mean2, 12)
  })
  test('batches: a seeded random subset of samples, reproducible, close to the full value', () => {
    const { X, y } = randomData(120, 16, 7)
    const K = canonicalPartitions(16, 1)[0] as number[]
    const a = dataTensorEntanglement(X, y, K, { batchSize: 80, batches: 3, rng: 1 })
    expect(dataTensorEntanglement(X, y, K, { batchSize: 80, batches: 3, rng: 1 })).toBe(a)
    expect(dataTensorEntanglement(X, y, K, { batchSize: 80, batches: 3, rng: 2 })).not.toBe(a)
    expect(Math.abs(a - dataTensorEntanglement(X, y, K))).toBeLessThan(0.5)
  })
})

describe('bad input gets an Error naming the argument', () => {
  const { X, y } = randomData(10, 6, 8)
  test('partition', () => {
    expect(() => dataTensorEntanglement(X, y, [0, 9])).toThrow(/partition: .*subset.*got 9 at index 1/)
    expect(() => dataTensorEntanglement(X, y, [0, 0])).toThrow(/partition: feature 0 appears twice/)
    expect(() => dataTensorEntanglement(X, y, [])).toThrow(/partition: expected a non-empty proper subset/)
    expect(() => dataTensorEntanglement(X, y, [0, 1, 2, 3, 4, 5])).toThrow(/partition: expected a non-empty proper subset/)
    expect(() => dataTensorEntanglement(X, y, [1.5])).toThrow(/partition/)
  })
  test('labels', () => {
    expect(() => dataTensorEntanglement(X, y.map((v) => (v > 0 ? 1 : 0)), [0])).toThrow(/y: expected labels ±1, got 0/)
    expect(() => dataTensorEntanglement(X, y.slice(1), [0])).toThrow(/y: expected length 10/)
    expect(() => dataTensorEntanglement(X, [1, -1], [0], { scale: 'none' })).toThrow(/y/)
  })
  test('features and options', () => {
    const bad = X.map((r) => [...r])
    ;(bad[3] as number[])[2] = NaN
    expect(() => dataTensorEntanglement(bad, y, [0])).toThrow(/X: expected finite entries, got NaN at \(3, 2\)/)
    expect(() => dataTensorEntanglement(X, y, [0], { theta: -1 })).toThrow(/theta/)
    expect(() => dataTensorEntanglement(X, y, [0], { batchSize: 0 })).toThrow(/batchSize/)
    expect(() => dataTensorEntanglement(X, y, [0], { scale: 'minmax' as never })).toThrow(/scale/)
    expect(() => dataTensorEntanglement(X, y, [0], { thetta: 1 } as never)).toThrow(/unknown option 'thetta'/)
    expect(() => averageEntanglement(X, y, 1, { grid: [2, 2] })).toThrow(/grid/)
    expect(() => averageEntanglement(X, y, 5)).toThrow(/level/)
    expect(() => dataTensor(new Matrix(2, 21), [1, 1])).toThrow(/at most 20 features/)
    expect(() => tensorEntanglement({} as never, [0])).toThrow(/A: expected an NdArray/)
  })
  test('labels that cancel the tensor out are reported', () => {
    expect(() => dataTensorEntanglement([[1, 2], [1, 2]], [1, -1], [0], { scale: 'none' })).toThrow(/labels cancel/)
  })
})
