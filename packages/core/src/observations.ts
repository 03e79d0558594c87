import { Matrix } from 'ml-matrix'
import { isNdArray, matrixToNdarray, sizeOf, type NdArray } from './ndarray'
import { resolveRng, type Rng } from './rng'
import { assertFiniteArray, assertInteger, assertKnownOptions, toMatrix, toVector, type MatrixLike } from './validate'

/**
 * Observed entries of a matrix or tensor: `indices[j]` is the multi-index (i₁, …, i_N) of
 * `values[j]` (for a matrix, [row, column]). The one shape every completion trainer accepts.
 */
export interface Observations {
  indices: ReadonlyArray<readonly number[]>
  values: Float64Array
}

/** Options of {@link sampleObservations}. */
export interface SampleObservationsOptions {
  /** Number of distinct entries to observe (1 ≤ count ≤ number of entries). */
  count: number
  /** Seed or stream (default seed 0). */
  rng?: Rng | number
}

/**
 * Observe `count` distinct entries of a matrix or tensor, chosen uniformly without replacement: the
 * first `count` flat indices (row-major) of a seeded random permutation, in that order.
 * @example sampleObservations(lowRankMatrix({ shape: [30, 30], rank: 2 }), { count: 250, rng: 0 }).indices[0] // [i, j]
 */
export function sampleObservations(target: NdArray | MatrixLike, options: SampleObservationsOptions): Observations {
  assertKnownOptions('sampleObservations', options, ['count', 'rng'])
  const t = readTensor('target', target)
  const total = t.data.length
  assertInteger('count', options.count, { min: 1, max: total })
  const picked = resolveRng(options.rng).permutation(total).slice(0, options.count)
  const indices = picked.map((flat) => multiIndex(flat, t.strides))
  const values = Float64Array.from(picked, (flat) => t.data[flat] as number)
  values.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new Error(`target: expected finite entries, got ${v} at [${(indices[j] as number[]).join(', ')}]`)
  })
  return { indices, values }
}

/** An NdArray, or a matrix as an order-2 one, whose data length matches its shape. */
function readTensor(name: string, value: NdArray | MatrixLike): NdArray {
  const t = isNdArray(value) ? value : matrixToNdarray(toMatrix(name, value as MatrixLike) as Matrix)
  const total = sizeOf(t.shape)
  if (t.data.length !== total) throw new Error(`${name}: data has ${t.data.length} entries, shape [${t.shape.join(', ')}] needs ${total}`)
  return t
}

/** The multi-index (i₁, …, i_N) of row-major offset `flat`: i_n = ⌊r_n / s_n⌋, r_{n+1} = r_n − i_n·s_n, r_1 = flat. */
function multiIndex(flat: number, strides: readonly number[]): number[] {
  const N = strides.length
  const ij = new Array<number>(N)
  let rest = flat
  for (let n = 0; n < N; n++) {
    const s = strides[n] as number
    ij[n] = Math.floor(rest / s)
    rest -= (ij[n] as number) * s
  }
  return ij
}

/** {@link Observations} checked against a shape (d₁, …, d_N), the mode indices flat: what the completion trainers' objectives read. */
export interface PackedObservations {
  /** m = |Ω|, the number of observed entries. */
  count: number
  /** N, the order of the tensor. */
  order: number
  /** index[j·N + n] = i_n of observation j (m × N, row-major). */
  index: Int32Array
  /** values[j] = y_ω of observation j. */
  values: Float64Array
}

/**
 * Validate observations against a shape (d₁, …, d_N): at least one entry, one value per index, every
 * ω_j an N-tuple of integers with 0 ≤ i_n < d_n (an error names the observation and the mode); packs
 * them as index[j·N + n] = i_n.
 * @example packObservations([2, 2], { indices: [[0, 1]], values: Float64Array.of(1) }).count // 1
 */
export function packObservations(shape: readonly number[], observations: Observations, name = 'observations'): PackedObservations {
  if (!observations || typeof observations !== 'object') throw new Error(`${name}: expected { indices: number[][], values: number[] }`)
  const obs = observations as { indices: unknown; values: unknown }
  if (!Array.isArray(obs.indices)) throw new Error(`${name}.indices: expected an array of multi-indices (number[][])`)
  const values = toVector(`${name}.values`, obs.values as number[])
  const indices = obs.indices as unknown[]
  const m = indices.length
  if (m === 0) throw new Error(`${name}: expected at least one observed entry`)
  if (values.length !== m) throw new Error(`${name}.values: expected ${m} values (one per index), got ${values.length}`)
  const N = shape.length
  const index = new Int32Array(m * N)
  for (let j = 0; j < m; j++) {
    const ij = indices[j]
    if (!Array.isArray(ij) || ij.length !== N) throw new Error(`${name}.indices[${j}]: expected ${N} mode indices, got ${Array.isArray(ij) ? ij.length : typeof ij}`)
    for (let n = 0; n < N; n++) {
      const i = ij[n] as number
      const d = shape[n] as number
      if (!Number.isInteger(i) || i < 0 || i >= d) {
        throw new Error(`${name}.indices[${j}][${n}]: index out of range, expected an integer in [0, ${d - 1}], got ${String(i)}`)
      }
      index[j * N + n] = i
    }
  }
  return { count: m, order: N, index, values }
}

/**
 * The entries of a tensor (or matrix) not in `observations`, in row-major order: {(ω, T_ω) : ω ∉ Ω},
 * the test set of a completion problem whose training set {@link sampleObservations} drew.
 * @example const test = unobservedEntries(target, sampleObservations(target, { count: 300, rng: 0 })) // test.indices.length === size − 300
 */
export function unobservedEntries(tensor: NdArray | MatrixLike, observations: Observations): Observations {
  const t = readTensor('tensor', tensor)
  if (t.shape.length === 0) throw new Error('tensor: expected a tensor of order >= 1, got shape []')
  assertFiniteArray('tensor', t.data)
  const packed = packObservations(t.shape, observations)
  const seen = new Uint8Array(t.data.length)
  for (let j = 0; j < packed.count; j++) {
    let off = 0
    for (let n = 0; n < packed.order; n++) off += (packed.index[j * packed.order + n] as number) * (t.strides[n] as number)
    seen[off] = 1
  }
  const indices: number[][] = []
  const values: number[] = []
  for (let flat = 0; flat < t.data.length; flat++) {
    if (seen[flat]) continue
    indices.push(multiIndex(flat, t.strides))
    values.push(t.data[flat] as number)
  }
  return { indices, values: Float64Array.from(values) }
}
