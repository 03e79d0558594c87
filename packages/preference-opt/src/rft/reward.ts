import { toVector } from '@theoryml/core'

/** Per-input reward standard deviations and their mean (see {@link rewardStd}). */
export interface RewardStdBatch {
  perInput: Float64Array
  mean: number
}

function checkDistribution(name: string, p: Float64Array): void {
  let s = 0
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number
    if (v < 0) throw new Error(`${name}: probabilities must be non-negative, got ${v} at index ${i}`)
    s += v
  }
  if (Math.abs(s - 1) > 1e-6) throw new Error(`${name}: probabilities must sum to 1, got ${s}`)
}

function stdOne(pName: string, probs: unknown, rewards: unknown): number {
  const p = toVector(pName, probs)
  const r = toVector('rewards', rewards)
  if (r.length !== p.length) throw new Error(`rewards: expected ${p.length} rewards (one per output), got ${r.length}`)
  checkDistribution(pName, p)
  let mean = 0
  for (let i = 0; i < p.length; i++) mean += (p[i] as number) * (r[i] as number)
  let v = 0
  for (let i = 0; i < p.length; i++) v += (p[i] as number) * ((r[i] as number) - mean) ** 2
  return Math.sqrt(v)
}

/**
 * Reward standard deviation under the model: STD = sqrt(Σ_y p(y) (r(y) − Σ_y' p(y') r(y'))²).
 * Given one distribution (a vector) returns a number; given a batch (one row per input) returns
 * `{ perInput, mean }`. Razin et al. 2024: the expected gradient for an input vanishes with it.
 * @example rewardStd([0.9, 0.1], [1, 0]) // 0.3 = sqrt(0.9·0.1)
 */
export function rewardStd(probs: readonly number[] | Float64Array, rewards: readonly number[] | Float64Array): number
export function rewardStd(probs: readonly (readonly number[])[], rewards: readonly (readonly number[])[]): RewardStdBatch
export function rewardStd(probs: unknown, rewards: unknown): number | RewardStdBatch {
  if (Array.isArray(probs) && probs.length > 0 && (Array.isArray(probs[0]) || ArrayBuffer.isView(probs[0]))) {
    if (!Array.isArray(rewards) || rewards.length !== probs.length) {
      throw new Error(`rewards: expected ${probs.length} rows (one per input), got ${Array.isArray(rewards) ? rewards.length : typeof rewards}`)
    }
    const perInput = new Float64Array(probs.length)
    probs.forEach((p, i) => { perInput[i] = stdOne(`probs[${i}]`, p, rewards[i]) })
    let mean = 0
    for (const v of perInput) mean += v / perInput.length
    return { perInput, mean }
  }
  return stdOne('probs', probs, rewards)
}
