import { assertFinite, assertKnownOptions, dmath, Matrix, type MatrixLike, toFlat, toMatrix, toVector, type VectorLike } from '@theoryml/core'

/** Default θ of the feature map φ(x) = (cos πθx, sin πθx), as in Alexander et al. 2023 (App. and code). */
export const DEFAULT_THETA = 0.085

/**
 * How raw features are brought to a common range before the feature map:
 * - `'standardize'` (default): each feature (column) to zero mean and unit variance over the samples,
 *   x ↦ (x − mean_f) / std_f (a constant feature becomes 0); angles πθx then mostly lie in ±3πθ ≈ ±0.8 rad;
 * - `'none'`: the values are used as given.
 */
export type FeatureScaling = 'standardize' | 'none'

/** Options of {@link featureMap}. */
export interface FeatureMapOptions {
  /** θ of φ(x) = (cos πθx, sin πθx) (default 0.085). */
  theta?: number
}

/**
 * The local feature map of the paper: φ(x) = (cos πθx, sin πθx), a unit vector in ℝ², so that
 * ⟨φ(a), φ(b)⟩ = cos(πθ(a − b)). A number gives one pair; a vector gives a D × 2 matrix (row f = φ(x_f)).
 * Inputs are taken as given: the entanglement functions standardize each feature first
 * (see {@link FeatureScaling}).
 * @example featureMap(0.5, { theta: 1 }) // Float64Array [cos(π/2), sin(π/2)] ≈ [0, 1]
 * @example featureMap([0, 1], { theta: 0.5 }).to2DArray() // [[1, 0], [≈0, 1]]
 */
export function featureMap(x: number, options?: FeatureMapOptions): Float64Array
export function featureMap(x: VectorLike, options?: FeatureMapOptions): Matrix
export function featureMap(x: number | VectorLike, options: FeatureMapOptions = {}): Float64Array | Matrix {
  assertKnownOptions('featureMap', options, ['theta'])
  const theta = options.theta ?? DEFAULT_THETA
  assertFinite('theta', theta)
  if (typeof x === 'number') {
    assertFinite('x', x)
    return Float64Array.of(dmath.cos(Math.PI * theta * x), dmath.sin(Math.PI * theta * x))
  }
  const v = toVector('x', x)
  const out = new Matrix(v.length, 2)
  for (let f = 0; f < v.length; f++) {
    const a = Math.PI * theta * (v[f] as number)
    out.set(f, 0, dmath.cos(a))
    out.set(f, 1, dmath.sin(a))
  }
  return out
}

/** Validated data: M × D row-major values. @internal */
export interface FeatureData {
  data: Float64Array
  samples: number
  features: number
}

/** Read X (samples × features) into a row-major Float64Array, checking finiteness. @internal */
export function readData(name: string, X: MatrixLike): FeatureData {
  const m = toMatrix(name, X)
  return { data: toFlat(m), samples: m.rows, features: m.columns }
}

/**
 * Mean of feature (column) f of x and its centred sum of squares Σ_i (x_if − mean)²; with
 * `centred`, also writes x_if − mean at centred[offset + i]. @internal
 */
export function featureMoments(x: FeatureData, f: number, centred?: Float64Array, offset = 0): { mean: number; ss: number } {
  const { data, samples: M, features: D } = x
  let mean = 0
  for (let i = 0; i < M; i++) mean += data[i * D + f] as number
  mean /= M
  let ss = 0
  for (let i = 0; i < M; i++) {
    const c = (data[i * D + f] as number) - mean
    if (centred) centred[offset + i] = c
    ss += c * c
  }
  return { mean, ss }
}

/** Scale features in place as `scaling` says (see {@link FeatureScaling}). @internal */
export function scaleFeatures(x: FeatureData, scaling: FeatureScaling): void {
  if (scaling === 'none') return
  if (scaling !== 'standardize') throw new Error(`scale: expected 'standardize' or 'none', got '${String(scaling)}'`)
  const { data, samples: M, features: D } = x
  for (let f = 0; f < D; f++) {
    const { mean, ss } = featureMoments(x, f)
    const sd = Math.sqrt(ss / M)
    const inv = sd > 1e-12 * (Math.abs(mean) + 1) ? 1 / sd : 0
    for (let i = 0; i < M; i++) data[i * D + f] = ((data[i * D + f] as number) - mean) * inv
  }
}

/**
 * Gram matrix of one side of a partition over a set of samples, in place into `out` (n × n):
 * G[i, j] = ⟨⊗_{f∈K} φ(x_i^f), ⊗_{f∈K} φ(x_j^f)⟩ = Π_{f∈K} cos(πθ(x_i^f − x_j^f)), computed as
 * Π_f (c_if c_jf + s_if s_jf) from the precomputed c = cos πθx, s = sin πθx (M × D, row-major).
 * @internal
 */
export function gramOfSide(
  cos: Float64Array,
  sin: Float64Array,
  D: number,
  rows: ArrayLike<number>,
  side: ArrayLike<number>,
  out: Float64Array,
): void {
  const n = rows.length
  const k = side.length
  // Gather the side's features of the batch into contiguous rows (n × k).
  const c = new Float64Array(n * k)
  const s = new Float64Array(n * k)
  for (let a = 0; a < n; a++) {
    const r = (rows[a] as number) * D
    for (let t = 0; t < k; t++) {
      const f = r + (side[t] as number)
      c[a * k + t] = cos[f] as number
      s[a * k + t] = sin[f] as number
    }
  }
  for (let a = 0; a < n; a++) {
    const ra = a * k
    out[a * n + a] = 1
    for (let b = 0; b < a; b++) {
      const rb = b * k
      let g = 1
      for (let t = 0; t < k; t++) g *= (c[ra + t] as number) * (c[rb + t] as number) + (s[ra + t] as number) * (s[rb + t] as number)
      out[a * n + b] = g
      out[b * n + a] = g
    }
  }
}
