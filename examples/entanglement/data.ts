/**
 * Data sets of the entanglement example: smooth 1D signals (two classes of Gaussian-process draws
 * that differ in length scale) and Breiman's waveform data (generated, as in the UCI
 * "Waveform Database Generator (Version 2)": 21 noisy mixtures of triangular waves + 19 noise features).
 */
import { dmath, Matrix, type Rng } from '@theoryml/core'
import { CholeskyDecomposition } from 'ml-matrix'

export interface Dataset {
  X: Matrix
  y: number[]
}

/** Lower Cholesky factor of the squared-exponential covariance exp(−(i − j)²/(2ℓ²)) on D points. */
function seFactor(D: number, ell: number): Matrix {
  const K = new Matrix(D, D)
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) K.set(i, j, dmath.exp(-((i - j) ** 2) / (2 * ell * ell)) + (i === j ? 1e-6 : 0))
  return new CholeskyDecomposition(K).lowerTriangularMatrix
}

/**
 * Smooth signals: class +1 draws x ~ GP(0, SE kernel with length scale ℓ₊), class −1 with ℓ₋ (rougher),
 * on D equally spaced points; classes equally likely. Only local differences (roughness) tell them apart.
 */
export function smoothSignals(M: number, D: number, lengthScales: readonly [number, number], rng: Rng): Dataset {
  const factors = lengthScales.map((ell) => seFactor(D, ell))
  const X = new Matrix(M, D)
  const y: number[] = []
  const z = new Float64Array(D)
  for (let m = 0; m < M; m++) {
    const c = rng.uniform() < 0.5 ? 0 : 1
    y.push(c === 0 ? 1 : -1)
    rng.fillNormal(z)
    const L = factors[c] as Matrix
    for (let i = 0; i < D; i++) {
      let s = 0
      for (let j = 0; j <= i; j++) s += L.get(i, j) * (z[j] as number)
      X.set(m, i, s)
    }
  }
  return { X, y }
}

/**
 * Breiman's waveform data (CART, 1984; UCI waveform-5000 v2), two of its three classes: with
 * h₁(i) = max(6 − |i − 11|, 0), h₂(i) = h₁(i − 4), h₃(i) = h₁(i + 4) on i = 1 … 21 and u ~ U(0, 1),
 * class +1: x_i = u h₁(i) + (1 − u) h₂(i) + ε_i, class −1: x_i = u h₁(i) + (1 − u) h₃(i) + ε_i,
 * ε_i ~ N(0, 1); then `noise` extra N(0, 1) features (19 in version 2).
 */
export function waveform(M: number, rng: Rng, noise = 19): Dataset {
  const h1 = (i: number): number => Math.max(6 - Math.abs(i - 11), 0)
  const X = new Matrix(M, 21 + noise)
  const y: number[] = []
  for (let m = 0; m < M; m++) {
    const c = rng.uniform() < 0.5 ? 0 : 1
    y.push(c === 0 ? 1 : -1)
    const u = rng.uniform()
    for (let i = 1; i <= 21; i++) {
      const other = c === 0 ? h1(i - 4) : h1(i + 4)
      X.set(m, i - 1, u * h1(i) + (1 - u) * other + rng.normal())
    }
    for (let j = 0; j < noise; j++) X.set(m, 21 + j, rng.normal())
  }
  return { X, y }
}
