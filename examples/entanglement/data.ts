/**
 * Data sets of the entanglement example: smooth 1D signals (two classes of Gaussian-process draws
 * that differ in length scale), Breiman's waveform data (generated, as in the UCI
 * "Waveform Database Generator (Version 2)": 21 noisy mixtures of triangular waves + 19 noise
 * features), and two real data sets shipped with @theoryml/tensor-factorization (8 × 8 digits,
 * breast cancer).
 */
import { dmath, Matrix, type Rng } from '@theoryml/core'
import { permuteFeatures, quadTreeOrder } from '@theoryml/tensor-factorization'
import { loadBreastCancer, loadDigits } from '@theoryml/tensor-factorization/node'
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

/** A train/test split of a real data set, with binary labels ±1. */
export interface RealSplit {
  train: Dataset
  test: Dataset
}

/** Rows `rows` of X as a new matrix. */
function takeRows(X: Matrix, rows: readonly number[]): Matrix {
  return new Matrix(rows.map((i) => X.getRow(i)))
}

/** Split the samples at random into `trainSize` training samples and the rest for testing. */
function split(X: Matrix, y: readonly number[], trainSize: number, rng: Rng): RealSplit {
  const order = rng.permutation(X.rows)
  const tr = order.slice(0, trainSize)
  const te = order.slice(trainSize)
  return { train: { X: takeRows(X, tr), y: tr.map((i) => y[i] as number) }, test: { X: takeRows(X, te), y: te.map((i) => y[i] as number) } }
}

/**
 * scikit-learn's 8 × 8 digits (shipped, `loadDigits()`), as a binary task: digits 0–4 (+1) against
 * 5–9 (−1), all 1797 images. The pixels are put in quad-tree order (`quadTreeOrder(8, 8)`, as the
 * authors' code flattens images), so that the 1D tree network is a 2D quad tree over the image and
 * its canonical partitions of even level are the image's quad-tree blocks; pixel values are scaled
 * as images are, by one mean and one standard deviation over all pixels (not per pixel).
 */
export function digitsTask(trainSize: number, rng: Rng): RealSplit {
  const digits = loadDigits()
  const [h, w] = digits.grid
  const X = permuteFeatures(digits.X, quadTreeOrder(h, w))
  let s = 0
  let ss = 0
  const n = X.rows * X.columns
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.columns; j++) s += X.get(i, j)
  const mu = s / n
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.columns; j++) ss += (X.get(i, j) - mu) ** 2
  const sd = Math.sqrt(ss / n)
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.columns; j++) X.set(i, j, (X.get(i, j) - mu) / sd)
  const y = Array.from(digits.target, (c) => (c < 5 ? 1 : -1))
  return split(X, y, trainSize, rng)
}

/**
 * Breast Cancer Wisconsin (Diagnostic) (shipped, `loadBreastCancer()`): malignant (+1) against benign
 * (−1), 30 features in the data set's order (features are standardized per feature by the
 * entanglement functions and by the network).
 */
export function breastCancerTask(trainSize: number, rng: Rng): RealSplit {
  const cancer = loadBreastCancer()
  return split(cancer.X, Array.from(cancer.target, (c) => (c === 0 ? 1 : -1)), trainSize, rng)
}
