/**
 * Observed entries for tensor completion: multi-indices Ω and values y_ω, sampling them from a
 * tensor, and the shared option handling of the completion trainers.
 */
import { assertInteger, assertPositive, createOptimizer, resolveRng, toVector, type NdArray, type Optimizer, type OptimizerSpec, type Rng, type VectorLike } from '@theoryml/core'
import { checkTensor } from './tensor'

/** Observed entries of a tensor: `indices[j]` is the multi-index (i_1, …, i_N) of `values[j]`. */
export interface Observations {
  indices: ReadonlyArray<readonly number[]>
  values: VectorLike
}

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
  const obs = observations as Observations
  if (!Array.isArray(obs.indices)) throw new Error(`${name}.indices: expected an array of multi-indices (number[][])`)
  const values = toVector(`${name}.values`, obs.values)
  const m = obs.indices.length
  if (m === 0) throw new Error(`${name}: expected at least one observed entry`)
  if (values.length !== m) throw new Error(`${name}.values: expected ${m} values (one per index), got ${values.length}`)
  const N = shape.length
  const index = new Int32Array(m * N)
  for (let j = 0; j < m; j++) {
    const ij = obs.indices[j]
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
 * Observe `count` distinct entries of a tensor chosen uniformly at random (without replacement).
 * @example const obs = sampleObservations(target, 300, createRng(0))
 */
export function sampleObservations(tensor: NdArray, count: number, rng: Rng | number): Observations {
  const t = checkTensor('tensor', tensor)
  const total = t.data.length
  assertInteger('count', count, { min: 1, max: total })
  const r = resolveRng(rng)
  const picked = r.permutation(total).slice(0, count)
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
  return { indices, values: Float64Array.from(picked, (flat) => t.data[flat] as number) }
}

/**
 * The entries of a tensor not in `observations` (the test set of a completion problem).
 * @example const test = unobservedEntries(target, obs)
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
  return { indices, values }
}

/** An optimizer choice of the completion trainers: a name (with `lr`), a spec or an optimizer. */
export type OptimizerChoice = 'gd' | 'momentum' | 'adam' | 'groupRmsprop' | OptimizerSpec | Optimizer

/** Build the optimizer from a name + lr, a spec or an optimizer. */
export function resolveOptimizer(choice: OptimizerChoice, lr: number): Optimizer {
  if (typeof choice === 'string') {
    assertPositive('lr', lr)
    if (!['gd', 'momentum', 'adam', 'groupRmsprop'].includes(choice)) {
      throw new Error(`optimizer: expected 'gd', 'momentum', 'adam' or 'groupRmsprop', got '${choice}'`)
    }
    return createOptimizer({ type: choice, lr } as OptimizerSpec)
  }
  if (!choice || typeof choice !== 'object') throw new Error('optimizer: expected a name, an optimizer spec or an optimizer')
  return createOptimizer(choice)
}

/** Sort a copy descending and keep the top k. */
export function topK(values: Float64Array, k: number): number[] {
  return Array.from(values).sort((a, b) => b - a).slice(0, k)
}
