import { assertKnownOptions, assertInteger, dot, Matrix, type MatrixLike } from '@theoryml/core'
import { featureMoments, readData } from './features'
import { canonicalPartitions, canonicalPartitions2d, checkPartition, type Partition } from './partitions'

/**
 * Pearson correlation matrix of the features (columns) of X: ρ_ij = cov(x_i, x_j) / (sd_i sd_j).
 * A constant feature gets ρ = 0 with every other feature (and 1 with itself).
 * @example featureCorrelations([[1, 2], [2, 4], [3, 7]]).get(0, 1) // ≈ 0.99
 */
export function featureCorrelations(X: MatrixLike): Matrix {
  return new Matrix(correlationRows(X))
}

/** Rows of the Pearson correlation matrix (D × D). @internal */
export function correlationRows(X: MatrixLike, name = 'X'): number[][] {
  const x = readData(name, X)
  const { samples: M, features: D } = x
  if (M < 2) throw new Error(`${name}: expected at least 2 samples to compute correlations, got ${M}`)
  const z = new Float64Array(M * D)
  const sd = new Float64Array(D)
  for (let f = 0; f < D; f++) sd[f] = Math.sqrt(featureMoments(x, f, z, f * M).ss)
  const out: number[][] = Array.from({ length: D }, () => new Array<number>(D).fill(0))
  for (let a = 0; a < D; a++) {
    const rowA = out[a] as number[]
    rowA[a] = 1
    const sa = sd[a] as number
    for (let b = 0; b < a; b++) {
      const sb = sd[b] as number
      let r = 0
      if (sa > 1e-12 && sb > 1e-12) {
        r = Math.max(-1, Math.min(1, dot(z, a * M, z, b * M, M) / (sa * sb)))
      }
      rowA[b] = r
      ;(out[b] as number[])[a] = r
    }
  }
  return out
}

/**
 * Surrogate entanglement of a partition (Alexander et al. 2023, Def. 4): the weight of the cut of the
 * feature graph with edge weights |ρ_ij| (Pearson correlations), Σ_{i∈K, j∉K} |ρ_ij|.
 * @example surrogateEntanglement(X, [0, 1, 2, 3]) // Σ over the 4·(D − 4) cross pairs
 */
export function surrogateEntanglement(X: MatrixLike, partition: Partition): number {
  const rho = correlationRows(X)
  return cutWeight(rho, partition)
}

function cutWeight(rho: number[][], partition: Partition): number {
  const { side, complement } = checkPartition('partition', partition, rho.length)
  let s = 0
  for (const i of side) {
    const row = rho[i] as number[]
    for (const j of complement) s += Math.abs(row[j] as number)
  }
  return s
}

/** Options of {@link averageSurrogateEntanglement}. */
export interface AverageSurrogateOptions {
  /** Features on a height × width grid: quad-tree partitions ({@link canonicalPartitions2d}). */
  grid?: readonly [number, number]
}

/**
 * Average surrogate entanglement over the canonical partitions of a level:
 * (1/|C_l|) Σ_{K∈C_l} Σ_{i∈K, j∉K} |ρ_ij|.
 * @example averageSurrogateEntanglement(X, 1) // the cut between the two halves
 */
export function averageSurrogateEntanglement(X: MatrixLike, level: number, options: AverageSurrogateOptions = {}): number {
  assertKnownOptions('averageSurrogateEntanglement', options, ['grid'])
  const rho = correlationRows(X)
  const D = rho.length
  let parts: number[][]
  if (options.grid !== undefined) {
    const [h, w] = options.grid as [number, number]
    assertInteger('grid[0]', h, { min: 2 })
    assertInteger('grid[1]', w, { min: 2 })
    if (h * w !== D) throw new Error(`grid: expected height·width = ${D} features, got ${h}·${w}`)
    parts = canonicalPartitions2d(h, w, level)
  } else {
    parts = canonicalPartitions(D, level)
  }
  let s = 0
  for (const p of parts) s += cutWeight(rho, p)
  return s / parts.length
}
