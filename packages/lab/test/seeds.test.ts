import { describe, expect, it } from 'vitest'
import { claimsOverSeeds, type SeedRun } from '../src/index'

const c = (statement: string, measured: number, holds: boolean) => ({ statement, measured, expected: '> 1', holds })

describe('claimsOverSeeds', () => {
  it('counts the seeds each claim held at, matching claims by position when the counts agree', () => {
    const runs: SeedRun[] = [
      { name: 'a', seed: 0, claims: [c('gap 2.0', 2, true), c('second', 0.5, false)] },
      { name: 'a', seed: 1, claims: [c('gap 3.0', 3, true), c('second', 1.5, true)] },
      { name: 'b', seed: 0, error: 'boom' },
      { name: 'b', seed: 1, claims: [c('only', 4, true)] },
    ]
    const rows = claimsOverSeeds(runs)
    expect(rows.map((r) => [r.example, r.claim, r.held, r.seeds, r.failedSeeds])).toEqual([
      ['a', 'gap 2.0', 2, 2, []],
      ['a', 'second', 1, 2, [0]],
      ['b', 'only', 1, 1, []],
      ['b', '(the example crashed)', 0, 1, [0]],
    ])
    expect(rows[0]!.measured).toEqual({ 0: 2, 1: 3 })
    expect(rows[3]!.crashed).toBe(true)
    expect(rows[3]!.measured).toEqual({ 0: 'boom' })
  })

  it('matches claims by statement when an example states a different number of claims at some seed', () => {
    const rows = claimsOverSeeds([
      { name: 'a', seed: 0, claims: [c('x', 1, true), c('y', 1, true)] },
      { name: 'a', seed: 1, claims: [c('y', 0, false)] },
    ])
    expect(rows.map((r) => [r.claim, r.held, r.seeds, r.failedSeeds])).toEqual([['x', 1, 1, []], ['y', 1, 2, [1]]])
  })
})
