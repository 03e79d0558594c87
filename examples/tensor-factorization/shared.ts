/** Helpers shared by the tensor-factorization example's experiments. */
import { frobeniusNorm, ndarray, type NdArray, type Observations } from '@theoryml/core'

/** The tensor scaled to Frobenius norm 1. */
export function normalized(t: NdArray): NdArray {
  const n = frobeniusNorm(t)
  return ndarray(t.data.map((v) => v / n), t.shape)
}

/** Relative error of the memorizer (observed entries, zeros elsewhere): ‖T − P_Ω(T)‖ / ‖T‖. */
export function memorizerError(target: NdArray, obs: Observations): number {
  let seen = 0
  for (let j = 0; j < obs.values.length; j++) seen += (obs.values[j] as number) ** 2
  const total = frobeniusNorm(target) ** 2
  return Math.sqrt(Math.max(0, total - seen) / total)
}

/** Relative error on a set of entries: sqrt(Σ (T̂_ω − y_ω)²) / sqrt(Σ y_ω²). */
export function relErrorOn(estimate: NdArray, obs: Observations): number {
  let num = 0
  let den = 0
  obs.indices.forEach((ij, j) => {
    let off = 0
    ij.forEach((i, n) => (off += i * (estimate.strides[n] as number)))
    const y = obs.values[j] as number
    num += ((estimate.data[off] as number) - y) ** 2
    den += y * y
  })
  return Math.sqrt(num / den)
}

/**
 * Steps at which the j-th largest component norm (rows of `norms`, sorted descending) first exceeds
 * `threshold`; -1 when it never does.
 */
export function emergenceSteps(steps: readonly number[], norms: readonly number[][], threshold: number): number[] {
  const k = norms[0]?.length ?? 0
  return Array.from({ length: k }, (_, j) => {
    const i = norms.findIndex((row) => (row[j] ?? 0) > threshold)
    return i < 0 ? -1 : (steps[i] as number)
  })
}

/** Column j of a list of rows. */
export function column(rows: readonly number[][], j: number): number[] {
  return rows.map((r) => r[j] ?? 0)
}

/** True when the values strictly increase. */
export function strictlyIncreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] as number))
}

/**
 * The staircase of an error curve: its height just before each later emergence (a tread's end) and
 * each tread's flatness, the error at the tread's midpoint / the error at its end (≈ 1 when the
 * error only moves when a component emerges). Tread k runs from emergence k to emergence k + 1.
 */
export function staircase(steps: readonly number[], errors: readonly number[], emergence: readonly number[]): { plateauErrors: number[]; treadFlatness: number[] } {
  const at = (step: number): number => errors[Math.max(0, steps.findIndex((s) => s >= step) - 1)] as number
  return {
    plateauErrors: emergence.slice(1).map((s) => at(s)),
    treadFlatness: emergence.slice(1).map((s, k) => at(Math.round(((emergence[k] as number) + s) / 2)) / at(s)),
  }
}
