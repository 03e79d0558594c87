/**
 * Observed entries for tensor completion (core's `Observations`: multi-indices Ω and values y_ω):
 * their validation against a shape, and the held-out entries. Sampling them is core's
 * `sampleObservations(tensor, { count, rng })`.
 */
import { toVector, type NdArray, type Observations } from '@theoryml/core'
import { checkTensor } from './tensor'

/** Observations validated against a shape: mode indices flat (m × N, row-major) and values. */
export interface PackedObservations {
  count: number
  order: number
  /** index[j·N + n] = i_n of observation j. */
  index: Int32Array
  values: Float64Array
}

/**
 * Validate observations against a shape; an index out of range names the observation and mode.
 * @example packObservations([2, 2], { indices: [[0, 1]], values: [1] }).count // 1
 */
export function packObservations(shape: readonly number[], observations: unknown, name = 'observations'): PackedObservations {
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
 * The entries of a tensor not in `observations` (the test set of a completion problem), in
 * row-major order: {(ω, T_ω) : ω ∉ Ω}.
 * @example const test = unobservedEntries(target, sampleObservations(target, { count: 300, rng: 0 }))
 */
export function unobservedEntries(tensor: NdArray, observations: Observations): Observations {
  const t = checkTensor('tensor', tensor)
  const packed = packObservations(t.shape, observations)
  const seen = new Uint8Array(t.data.length)
  for (let j = 0; j < packed.count; j++) {
    let off = 0
    for (let n = 0; n < packed.order; n++) off += (packed.index[j * packed.order + n] as number) * (t.strides[n] as number)
    seen[off] = 1
  }
  const indices: number[][] = []
  const values: number[] = []
  const N = t.shape.length
  for (let flat = 0; flat < t.data.length; flat++) {
    if (seen[flat]) continue
    const ij = new Array<number>(N)
    let rest = flat
    for (let n = 0; n < N; n++) {
      const s = t.strides[n] as number
      ij[n] = Math.floor(rest / s)
      rest -= (ij[n] as number) * s
    }
    indices.push(ij)
    values.push(t.data[flat] as number)
  }
  return { indices, values: Float64Array.from(values) }
}

/** Sort a copy descending and keep the top k. */
export function topK(values: Float64Array, k: number): number[] {
  return Array.from(values).sort((a, b) => b - a).slice(0, k)
}
