import { Matrix } from 'ml-matrix'
import { isNdArray, matrixToNdarray, sizeOf, type NdArray } from './ndarray'
import { resolveRng, type Rng } from './rng'
import { assertInteger, assertKnownOptions, toMatrix, type MatrixLike } from './validate'

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
  const t = isNdArray(target) ? target : matrixToNdarray(toMatrix('target', target as MatrixLike) as Matrix)
  const total = sizeOf(t.shape)
  if (t.data.length !== total) throw new Error(`target: data has ${t.data.length} entries, shape [${t.shape.join(', ')}] needs ${total}`)
  assertInteger('count', options.count, { min: 1, max: total })
  const picked = resolveRng(options.rng).permutation(total).slice(0, options.count)
  const N = t.shape.length
  const indices = picked.map((flat) => {
    const ij = new Array<number>(N)
    let rest = flat
    for (let n = 0; n < N; n++) {
      const s = t.strides[n] as number
      ij[n] = Math.floor(rest / s)
      rest -= (ij[n] as number) * s
    }
    return ij
  })
  const values = Float64Array.from(picked, (flat) => t.data[flat] as number)
  values.forEach((v, j) => {
    if (!Number.isFinite(v)) throw new Error(`target: expected finite entries, got ${v} at [${(indices[j] as number[]).join(', ')}]`)
  })
  return { indices, values }
}
