import { runExperiment } from '@theoryml/lab'
import { describe, expect, test } from 'vitest'
import experiment from '../../examples/gnn-walk-index/run'

describe('examples/gnn-walk-index (quick mode)', () => {
  test('every quick-mode claim holds', async () => {
    const result = await runExperiment(experiment, { seed: 0 })
    expect(result.claims.length).toBe(13)
    for (const c of result.claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
    for (const name of ['cora-accuracy', 'cora-isolated', 'karate-min-walk-index', 'interaction']) expect(result.figures[name]).toBeDefined()
  }, 900_000)
})
