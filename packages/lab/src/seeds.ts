import type { Claim } from './experiment'

/** One run of one example at one seed, as `theoryml repro --seeds` collects them; `claims` is absent when it crashed. */
export interface SeedRun {
  /** The example's name. */
  name: string
  seed: number
  /** Its claims, or undefined when the run crashed. */
  claims?: readonly Claim[]
  /** Why it crashed. */
  error?: string
}

/** One claim of one example over seeds: how many seeds it held at, and what it measured at each. */
export interface SeedRow {
  example: string
  claim: string
  paper?: string
  expected: string
  /** Seeds at which the claim was checked and held. */
  held: number
  /** Seeds at which the claim was checked (its example crashed at the others, or did not state it). */
  seeds: number
  /** Seeds at which it was checked and failed, in run order. */
  failedSeeds: number[]
  /** Measured value per seed (seed as the key). */
  measured: Record<string, Claim['measured']>
  /** True for the row that stands for the runs that crashed (claim '(the example crashed)'). */
  crashed?: boolean
}

/**
 * The per-claim table over seeds that `theoryml repro --seeds` prints and `pnpm docs:tables` saves:
 * for each example (in order of first appearance), one row a claim with held = #{seeds s : claim
 * holds at s} out of the seeds where it was checked, then one `crashed` row for the seeds where the
 * example crashed. Claims are matched by position when the example states the same number of claims
 * at every seed (statements may quote measured numbers, which differ between seeds; a row keeps the
 * statement of the first run), otherwise by statement.
 * @example
 * claimsOverSeeds([{ name: 'ls', seed: 0, claims: [c0] }, { name: 'ls', seed: 1, claims: [c1] }])
 * // → [{ example: 'ls', claim: c0.statement, held: 2, seeds: 2, failedSeeds: [], measured: { 0: …, 1: … } }]
 */
export function claimsOverSeeds(runs: readonly SeedRun[]): SeedRow[] {
  const out: SeedRow[] = []
  for (const name of [...new Set(runs.map((r) => r.name))]) {
    const mine = runs.filter((r) => r.name === name)
    const ran = mine.filter((r) => r.claims !== undefined)
    const byIndex = new Set(ran.map((r) => r.claims!.length)).size === 1
    const rows = new Map<string, SeedRow>()
    for (const r of ran) {
      r.claims!.forEach((c, i) => {
        const key = byIndex ? String(i) : c.statement
        const row = rows.get(key) ?? { example: name, claim: c.statement, ...(c.paper !== undefined ? { paper: c.paper } : {}), expected: c.expected, held: 0, seeds: 0, failedSeeds: [], measured: {} }
        row.seeds++
        if (c.holds) row.held++
        else row.failedSeeds.push(r.seed)
        row.measured[String(r.seed)] = c.measured
        rows.set(key, row)
      })
    }
    out.push(...rows.values())
    const crashed = mine.filter((r) => r.claims === undefined)
    if (crashed.length) {
      out.push({ example: name, claim: '(the example crashed)', expected: 'no crash', held: 0, seeds: crashed.length, failedSeeds: crashed.map((r) => r.seed), measured: Object.fromEntries(crashed.map((r) => [String(r.seed), r.error ?? 'crashed'])), crashed: true })
    }
  }
  return out
}
