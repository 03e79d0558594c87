import { assertInteger, assertKnownOptions, assertPositive, dmath, isNdArray, type MatrixLike, type NdArray, permuteAxes, reshape, resolveRng, type Rng, singularValues, toVector, type VectorLike, zeros } from '@theoryml/core'
import { DEFAULT_THETA, gramOfSide, readData, scaleFeatures, type FeatureData, type FeatureScaling } from './features'
import { dot, pivotedCholesky, symmetricEigenvalues } from '@theoryml/core'
import { canonicalPartitions, canonicalPartitions2d, checkPartition, type Partition } from './partitions'

/** Options of {@link dataTensorEntanglement} and {@link geometricEntanglement}. */
export interface EntanglementOptions {
  /** θ of the feature map φ(x) = (cos πθx, sin πθx) (default 0.085). */
  theta?: number
  /** Samples per batch: when below the number of samples, each batch is a random subset (default min(M, 500)). */
  batchSize?: number
  /** Number of random batches averaged (default 1; only used when batchSize < M). */
  batches?: number
  /** Seed or stream for the batches (default seed 0). */
  rng?: Rng | number
  /** Feature scaling before φ (default 'standardize': zero mean, unit variance per feature). */
  scale?: FeatureScaling
}

/** Options of {@link averageEntanglement}: those of {@link dataTensorEntanglement} plus the layout. */
export interface AverageEntanglementOptions extends EntanglementOptions {
  /** Features on a height × width grid (row-major): use the quad-tree partitions {@link canonicalPartitions2d}. */
  grid?: readonly [number, number]
  /** 'entropy' (default) or 'geometric' ({@link geometricEntanglement}). */
  measure?: 'entropy' | 'geometric'
}

const OPTION_KEYS = ['theta', 'batchSize', 'batches', 'rng', 'scale'] as const

interface Prepared {
  x: FeatureData
  y: Float64Array
  cos: Float64Array
  sin: Float64Array
  batchSize: number
  batches: number
  rng: Rng
}

function prepare(name: string, X: MatrixLike, y: VectorLike, options: EntanglementOptions, extraKeys: readonly string[] = []): Prepared {
  assertKnownOptions(name, options, [...OPTION_KEYS, ...extraKeys])
  const x = readData('X', X)
  const labels = toVector('y', y, x.samples)
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] as number
    if (v !== 1 && v !== -1) throw new Error(`y: expected labels ±1, got ${v} at index ${i}`)
  }
  const theta = options.theta ?? DEFAULT_THETA
  assertPositive('theta', theta)
  const batchSize = options.batchSize ?? Math.min(x.samples, 500)
  assertInteger('batchSize', batchSize, { min: 1 })
  const batches = options.batches ?? 1
  assertInteger('batches', batches, { min: 1 })
  scaleFeatures(x, options.scale ?? 'standardize')
  const cos = new Float64Array(x.data.length)
  const sin = new Float64Array(x.data.length)
  for (let i = 0; i < x.data.length; i++) {
    const a = Math.PI * theta * (x.data[i] as number)
    cos[i] = dmath.cos(a)
    sin[i] = dmath.sin(a)
  }
  return { x, y: labels, cos, sin, batchSize: Math.min(batchSize, x.samples), batches, rng: resolveRng(options.rng) }
}

/** Row sets of the batches: all samples once, or `batches` random subsets of `batchSize`. */
function batchRows(p: Prepared): Int32Array[] {
  const M = p.x.samples
  if (p.batchSize >= M) return [Int32Array.from({ length: M }, (_, i) => i)]
  const out: Int32Array[] = []
  for (let b = 0; b < p.batches; b++) out.push(Int32Array.from(p.rng.permutation(M).slice(0, p.batchSize)))
  return out
}

/**
 * Squared singular values σ² of the matricization [[A; K]] of A = Σ_m y_m ⊗_f φ(x_m^f) over the rows
 * of one batch, through the two Gram matrices: G_K = L_K L_Kᵀ and G_Kᶜ = L_Kᶜ L_Kᶜᵀ (pivoted Cholesky),
 * so [[A; K]] = Φ_Kᵀ Y Φ_Kᶜ has the singular values of B = L_Kᵀ Y L_Kᶜ; σ² = eig(B Bᵀ).
 */
function schmidtSquares(p: Prepared, rows: Int32Array, side: Int32Array, complement: Int32Array, gram: Float64Array): Float64Array {
  const n = rows.length
  const D = p.x.features
  gramOfSide(p.cos, p.sin, D, rows, side, gram)
  const fa = pivotedCholesky(gram, n)
  gramOfSide(p.cos, p.sin, D, rows, complement, gram)
  const fb = pivotedCholesky(gram, n)
  const ra = fa.rank
  const rb = fb.rank
  // Factors transposed (rank × n, contiguous per column of L), labels folded into the first one.
  const At = new Float64Array(ra * n)
  const Bt = new Float64Array(rb * n)
  for (let i = 0; i < n; i++) {
    const yi = p.y[rows[i] as number] as number
    for (let s = 0; s < ra; s++) At[s * n + i] = yi * (fa.L[i * fa.stride + s] as number)
    for (let t = 0; t < rb; t++) Bt[t * n + i] = fb.L[i * fb.stride + t] as number
  }
  // B = L_Kᵀ diag(y) L_Kᶜ (ra × rb), then C = B Bᵀ or Bᵀ B, whichever is smaller: eig(C) = σ².
  const small = ra <= rb ? At : Bt
  const big = ra <= rb ? Bt : At
  const r = Math.min(ra, rb)
  const q = Math.max(ra, rb)
  const Bq = new Float64Array(r * q)
  for (let s = 0; s < r; s++) for (let t = 0; t < q; t++) Bq[s * q + t] = dot(small, s * n, big, t * n, n)
  const C = new Float64Array(r * r)
  for (let s = 0; s < r; s++) for (let u = 0; u <= s; u++) C[s * r + u] = dot(Bq, s * q, Bq, u * q, q)
  const ev = symmetricEigenvalues(C, r)
  for (let i = 0; i < ev.length; i++) if ((ev[i] as number) < 0) ev[i] = 0
  return ev
}

/** Entropy and geometric measure of the squared singular values σ² (p = σ²/Σσ²). */
function measuresOf(sq: ArrayLike<number>): { entropy: number; geometric: number } {
  let total = 0
  let max = 0
  for (let i = 0; i < sq.length; i++) {
    const v = sq[i] as number
    total += v
    if (v > max) max = v
  }
  if (!(total > 0)) {
    throw new Error('y: the data tensor Σ_m y_m ⊗_f φ(x_m^f) is zero (the labels cancel out); its entanglement is undefined')
  }
  let h = 0
  for (let i = 0; i < sq.length; i++) {
    const q = (sq[i] as number) / total
    if (q > 0) h -= q * dmath.log(q)
  }
  return { entropy: Math.max(0, h), geometric: Math.sqrt(Math.max(0, 1 - max / total)) }
}

function measure(p: Prepared, partition: Partition): { entropy: number; geometric: number } {
  return measureWithRows(p, partition, batchRows(p))
}

/**
 * Entanglement entropy of the empirical data tensor w.r.t. a partition (K, Kᶜ) of the features
 * (Alexander, De La Vega, Razin, Cohen 2023, Def. 1 and Eq. 4):
 * A = Σ_m y_m ⊗_{f=1}^{D} φ(x_m^f), φ(x) = (cos πθx, sin πθx), features standardized first;
 * QE(A; K) = −Σ_d p_d ln p_d with p_d = σ_d² / Σ σ² the normalized squared singular values of the
 * matricization [[A; K]] (rows indexed by K). Computed without forming the 2^D tensor: with
 * Φ_K the M × 2^|K| matrix of ⊗_{f∈K} φ(x_m^f), [[A; K]] = Φ_Kᵀ diag(y) Φ_Kᶜ, and the Gram matrices
 * G_K[i, j] = Π_{f∈K} cos(πθ(x_i^f − x_j^f)) = L_K L_Kᵀ (pivoted Cholesky) give σ = svd(L_Kᵀ diag(y) L_Kᶜ).
 * Cost O(M²D + M³) per batch. Labels must be ±1. Between 0 (product state) and min(|K|, |Kᶜ|) ln 2.
 * @example dataTensorEntanglement(X, y, canonicalPartitions(64, 1)[0]) // e.g. 0.42
 */
export function dataTensorEntanglement(X: MatrixLike, y: VectorLike, partition: Partition, options: EntanglementOptions = {}): number {
  return measure(prepare('dataTensorEntanglement', X, y, options), partition).entropy
}

/**
 * Geometric entanglement of the empirical data tensor w.r.t. a partition: √(1 − max_d p_d), with p the
 * normalized squared singular values of [[A; K]] as in {@link dataTensorEntanglement} (the distance
 * of the normalized A from the closest product state across (K, Kᶜ)).
 * @example geometricEntanglement(X, y, [0, 1, 2, 3]) // in [0, 1)
 */
export function geometricEntanglement(X: MatrixLike, y: VectorLike, partition: Partition, options: EntanglementOptions = {}): number {
  return measure(prepare('geometricEntanglement', X, y, options), partition).geometric
}

/**
 * Average entanglement of the data tensor over the canonical partitions of a level: 1D chunks
 * ({@link canonicalPartitions}) or, with `grid: [height, width]`, quad-tree blocks
 * ({@link canonicalPartitions2d}). (1/|C_l|) Σ_{K∈C_l} QE(A; K). A chunk whose complement is also a
 * chunk (level 1 in 1D) is computed once. The same batches (rows) are used for every partition.
 * @example averageEntanglement(X, y, 2) // mean over the 4 quarter-chunks
 */
export function averageEntanglement(X: MatrixLike, y: VectorLike, level: number, options: AverageEntanglementOptions = {}): number {
  const p = prepare('averageEntanglement', X, y, options, ['grid', 'measure'])
  const measureName = options.measure ?? 'entropy'
  if (measureName !== 'entropy' && measureName !== 'geometric') {
    throw new Error(`measure: expected 'entropy' or 'geometric', got '${String(measureName)}'`)
  }
  const D = p.x.features
  let parts: number[][]
  if (options.grid !== undefined) {
    const g = options.grid
    if (!Array.isArray(g) || g.length !== 2) throw new Error('grid: expected [height, width]')
    const [h, w] = g as [number, number]
    assertInteger('grid[0]', h, { min: 2 })
    assertInteger('grid[1]', w, { min: 2 })
    if (h * w !== D) throw new Error(`grid: expected height·width = ${D} features, got ${h}·${w} = ${h * w}`)
    parts = canonicalPartitions2d(h, w, level)
  } else {
    parts = canonicalPartitions(D, level)
  }
  // Draw the batches once so every partition sees the same samples.
  const rows = batchRows(p)
  const cache = new Map<string, number>()
  let sum = 0
  for (const part of parts) {
    // (K, Kᶜ) and (Kᶜ, K) are the same cut: key it by the side holding feature 0.
    const key = (part.includes(0) ? part : complementOf(part, D)).join(',')
    let v = cache.get(key)
    if (v === undefined) {
      const m = measureWithRows(p, part, rows)
      v = measureName === 'entropy' ? m.entropy : m.geometric
      cache.set(key, v)
    }
    sum += v
  }
  return sum / parts.length
}

function measureWithRows(p: Prepared, partition: Partition, rowSets: Int32Array[]): { entropy: number; geometric: number } {
  const { side, complement } = checkPartition('partition', partition, p.x.features)
  const gram = new Float64Array(p.batchSize * p.batchSize)
  let entropy = 0
  let geometric = 0
  for (const rows of rowSets) {
    const m = measuresOf(schmidtSquares(p, rows, side, complement, gram))
    entropy += m.entropy
    geometric += m.geometric
  }
  return { entropy: entropy / rowSets.length, geometric: geometric / rowSets.length }
}

function complementOf(part: readonly number[], D: number): number[] {
  const inPart = new Uint8Array(D)
  for (const f of part) inPart[f] = 1
  const out: number[] = []
  for (let f = 0; f < D; f++) if (inPart[f] === 0) out.push(f)
  return out
}

/**
 * Entanglement entropy from singular values: −Σ p ln p with p = σ²/Σσ² (0 for a single non-zero σ,
 * ln r for r equal ones).
 * @example entanglementEntropy([1, 1]) // Math.LN2
 */
export function entanglementEntropy(singularValues: VectorLike): number {
  const s = toVector('singularValues', singularValues)
  const sq = s.map((v) => v * v)
  return measuresOf(sq).entropy
}

/** Options of {@link dataTensor}. */
export interface DataTensorOptions {
  /** θ of φ (default 0.085). */
  theta?: number
  /** Feature scaling before φ (default 'standardize'). */
  scale?: FeatureScaling
}

/**
 * The explicit empirical data tensor A = Σ_m y_m ⊗_{f=1}^{D} φ(x_m^f), shape [2, …, 2] (D axes), for
 * small D (≤ 20): the reference the Gram-matrix route is tested against. Labels are any finite numbers
 * here (use ±1 for the paper's tensor). Features are scaled as in {@link dataTensorEntanglement}.
 * @example dataTensor([[0, 0], [1, 1]], [1, 1], { theta: 0.5, scale: 'none' }).data // [1, 0, 0, 1]
 */
export function dataTensor(X: MatrixLike, y: VectorLike, options: DataTensorOptions = {}): NdArray {
  assertKnownOptions('dataTensor', options, ['theta', 'scale'])
  const x = readData('X', X)
  const labels = toVector('y', y, x.samples)
  const theta = options.theta ?? DEFAULT_THETA
  assertPositive('theta', theta)
  const D = x.features
  if (D > 20) throw new Error(`X: the explicit data tensor has 2^D entries; expected at most 20 features, got ${D}`)
  scaleFeatures(x, options.scale ?? 'standardize')
  const A = zeros(new Array<number>(D).fill(2))
  const buf = new Float64Array(2 ** D)
  for (let m = 0; m < x.samples; m++) {
    // Kronecker product φ(x_1) ⊗ … ⊗ φ(x_D), first axis slowest (row-major).
    let len = 1
    buf[0] = labels[m] as number
    for (let f = 0; f < D; f++) {
      const a = Math.PI * theta * (x.data[m * D + f] as number)
      const c = dmath.cos(a)
      const s = dmath.sin(a)
      for (let i = len - 1; i >= 0; i--) {
        const v = buf[i] as number
        buf[2 * i] = v * c
        buf[2 * i + 1] = v * s
      }
      len *= 2
    }
    for (let i = 0; i < len; i++) A.data[i] = (A.data[i] as number) + (buf[i] as number)
  }
  return A
}

/**
 * Entanglement entropy of an explicit tensor w.r.t. a set K of its axes: −Σ p ln p, p = σ²/Σσ² of the
 * matricization [[A; K]] (axes K as rows, the rest as columns), by a dense SVD.
 * @example tensorEntanglement(ndarray([1, 0, 0, 1], [2, 2]), [0]) // ln 2 (a Bell state)
 */
export function tensorEntanglement(A: NdArray, partition: Partition): number {
  if (!isNdArray(A)) throw new Error('A: expected an NdArray (shape + Float64Array data)')
  const n = A.shape.length
  const { side, complement } = checkPartition('partition', partition, n)
  const axes = [...side, ...complement]
  const rows = Array.from(side).reduce((acc, a) => acc * (A.shape[a] as number), 1)
  const cols = A.data.length / rows
  const M = reshape(permuteAxes(A, axes), [rows, cols])
  const mat: number[][] = []
  for (let i = 0; i < rows; i++) mat.push(Array.from(M.data.subarray(i * cols, (i + 1) * cols)))
  return entanglementEntropy(singularValues(mat))
}
