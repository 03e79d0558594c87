import { readFileSync } from 'node:fs'
import { createRng, Matrix, pivotedCholesky, symmetricEigenvalues } from '@theoryml/core'
import { EigenvalueDecomposition } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import {
  averageSurrogateEntanglement,
  canonicalPartitions,
  canonicalPartitions2d,
  featureCorrelations,
  permuteFeatures,
  randomSwaps,
  rearrangeFeatures,
  surrogateEntanglement,
} from '../../src/index'

const fixtures = (
  JSON.parse(readFileSync(new URL('../../../../tests/fixtures/entanglement.json', import.meta.url), 'utf8')) as {
    datasets: Array<{ X: number[][]; cases: Array<{ partition: number[]; surrogate: number }> }>
  }
).datasets

/** Smooth signals along the feature axis: moving averages of white noise (window w). */
function smooth(M: number, D: number, w: number, seed: number): Matrix {
  const rng = createRng(seed)
  const X = new Matrix(M, D)
  for (let m = 0; m < M; m++) {
    const z = rng.fillNormal(new Float64Array(D + w))
    for (let f = 0; f < D; f++) {
      let s = 0
      for (let k = 0; k < w; k++) s += z[f + k] as number
      X.set(m, f, s)
    }
  }
  return X
}

function isPermutation(p: readonly number[], n: number): boolean {
  return p.length === n && [...p].sort((a, b) => a - b).every((v, i) => v === i)
}

describe('surrogate entanglement', () => {
  test('Σ_{i∈K, j∉K} |ρ_ij| on a hand example', () => {
    // x1 = 2·x0 + 1 (ρ = 1), x2 ⟂ x0 (ρ = 0), x3 = −x2 (ρ = −1)
    const X = [[1, 3, 1, -1], [-1, -1, 1, -1], [1, 3, -1, 1], [-1, -1, -1, 1]]
    expect(surrogateEntanglement(X, [0])).toBeCloseTo(1, 14)
    expect(surrogateEntanglement(X, [0, 1])).toBeCloseTo(0, 14)
    expect(surrogateEntanglement(X, [0, 2])).toBeCloseTo(2, 14)
    expect(featureCorrelations(X).get(2, 3)).toBeCloseTo(-1, 14)
  })
  test('matches numpy corrcoef (fixture)', () => {
    for (const set of fixtures) for (const c of set.cases) expect(surrogateEntanglement(set.X, c.partition)).toBeCloseTo(c.surrogate, 9)
  })
  test('a constant feature has zero correlation; averages over canonical partitions', () => {
    const X = [[1, 5, 2], [2, 5, 4], [3, 5, 5]]
    expect(featureCorrelations(X).get(0, 1)).toBe(0)
    const Y = smooth(50, 16, 3, 1)
    const parts = canonicalPartitions(16, 2)
    expect(averageSurrogateEntanglement(Y, 2)).toBeCloseTo(parts.reduce((s, K) => s + surrogateEntanglement(Y, K), 0) / 4, 12)
    const parts2 = canonicalPartitions2d(4, 4, 1)
    expect(averageSurrogateEntanglement(Y, 1, { grid: [4, 4] })).toBeCloseTo(parts2.reduce((s, K) => s + surrogateEntanglement(Y, K), 0) / 4, 12)
    expect(() => surrogateEntanglement(Y, [16])).toThrow(/partition/)
    expect(() => surrogateEntanglement([[1, 2]], [0])).toThrow(/X: expected at least 2 samples/)
  })
})

describe('randomSwaps', () => {
  test('k random transpositions of the identity: a permutation, seeded, moving at most 2k features', () => {
    expect(randomSwaps(10, 0, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    for (const k of [1, 5, 40]) {
      const p = randomSwaps(64, k, createRng(3))
      expect(isPermutation(p, 64)).toBe(true)
      expect(p.filter((v, i) => v !== i).length).toBeLessThanOrEqual(2 * k)
      expect(randomSwaps(64, k, createRng(3))).toEqual(p)
    }
    expect(randomSwaps(64, 1, 0).filter((v, i) => v !== i)).toHaveLength(2)
    expect(() => randomSwaps(0, 1)).toThrow(/n/)
    expect(() => randomSwaps(5, -1)).toThrow(/k/)
  })
})

describe('rearrangeFeatures', () => {
  test('returns a permutation (1D and 2D)', () => {
    const X = smooth(60, 20, 3, 2)
    expect(isPermutation(rearrangeFeatures(X), 20)).toBe(true)
    expect(isPermutation(rearrangeFeatures(X, { dims: 2, grid: [4, 5] }), 20)).toBe(true)
    expect(isPermutation(rearrangeFeatures(smooth(60, 16, 3, 2), { dims: 2 }), 16)).toBe(true)
    expect(isPermutation(rearrangeFeatures(smooth(30, 7, 2, 2), { passes: 0 }), 7)).toBe(true)
  })
  test('undoes a random permutation of smooth signals: the surrogate returns to the original', () => {
    const X = smooth(300, 32, 4, 3)
    const shuffled = permuteFeatures(X, createRng(4).permutation(32))
    const rearranged = permuteFeatures(shuffled, rearrangeFeatures(shuffled))
    for (const level of [1, 2, 3]) {
      const orig = averageSurrogateEntanglement(X, level)
      expect(averageSurrogateEntanglement(shuffled, level)).toBeGreaterThan(1.5 * orig)
      expect(averageSurrogateEntanglement(rearranged, level)).toBeLessThan(1.05 * orig)
    }
  })
  test('Kernighan–Lin refinement never worsens the spectral cut', () => {
    const X = smooth(200, 24, 3, 5)
    const shuffled = permuteFeatures(X, createRng(6).permutation(24))
    const spectral = averageSurrogateEntanglement(permuteFeatures(shuffled, rearrangeFeatures(shuffled, { passes: 0 })), 1)
    const refined = averageSurrogateEntanglement(permuteFeatures(shuffled, rearrangeFeatures(shuffled)), 1)
    expect(refined).toBeLessThanOrEqual(spectral + 1e-9)
  })
  test('2D: the quad-tree surrogate of a shuffled smooth image comes back down', () => {
    const rng = createRng(7)
    const H = 8
    const W = 8
    const X = new Matrix(200, H * W)
    for (let m = 0; m < 200; m++) {
      const z = rng.fillNormal(new Float64Array((H + 2) * (W + 2)))
      for (let r = 0; r < H; r++) {
        for (let c = 0; c < W; c++) {
          let s = 0
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += z[(r + a) * (W + 2) + c + b] as number
          X.set(m, r * W + c, s)
        }
      }
    }
    const shuffled = permuteFeatures(X, rng.permutation(H * W))
    const back = permuteFeatures(shuffled, rearrangeFeatures(shuffled, { dims: 2 }))
    const orig = averageSurrogateEntanglement(X, 1, { grid: [H, W] })
    expect(averageSurrogateEntanglement(shuffled, 1, { grid: [H, W] })).toBeGreaterThan(1.4 * orig)
    expect(averageSurrogateEntanglement(back, 1, { grid: [H, W] })).toBeLessThan(1.1 * orig)
  })
  test('bad input', () => {
    const X = smooth(20, 10, 2, 8)
    expect(() => rearrangeFeatures(X, { dims: 3 as never })).toThrow(/dims/)
    expect(() => rearrangeFeatures(X, { dims: 2 })).toThrow(/grid/)
    expect(() => rearrangeFeatures(X, { dims: 2, grid: [3, 3] })).toThrow(/grid/)
    expect(() => rearrangeFeatures(X, { passes: -1 })).toThrow(/passes/)
    expect(() => permuteFeatures(X, [0, 1])).toThrow(/perm: expected a permutation/)
    expect(() => permuteFeatures(X, [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])).toThrow(/perm/)
  })
})

describe('dense kernels', () => {
  test('symmetricEigenvalues matches ml-matrix', () => {
    const rng = createRng(9)
    for (const n of [1, 2, 3, 10, 60]) {
      const A = new Matrix(n, n)
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
        const v = rng.normal()
        A.set(i, j, v)
        A.set(j, i, v)
      }
      const ref = new EigenvalueDecomposition(A, { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a)
      const ev = symmetricEigenvalues(Float64Array.from(A.to1DArray()), n)
      ref.forEach((v, i) => expect(ev[i]).toBeCloseTo(v, 11))
    }
  })
  test('pivotedCholesky reveals the rank and reproduces the matrix', () => {
    const rng = createRng(10)
    const n = 30
    const F = new Matrix(n, 4)
    for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) F.set(i, k, rng.normal())
    const G = F.mmul(F.transpose())
    const { L, rank, stride } = pivotedCholesky(Float64Array.from(G.to1DArray()), n)
    expect(rank).toBe(4)
    let err = 0
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0
      for (let k = 0; k < rank; k++) s += (L[i * stride + k] as number) * (L[j * stride + k] as number)
      err = Math.max(err, Math.abs(s - G.get(i, j)))
    }
    expect(err).toBeLessThan(1e-10)
  })
})
