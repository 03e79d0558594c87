import { runExperiment } from '@theoryml/lab'
import { describe, expect, test } from 'vitest'
import experiment from '../../examples/linear-nets/run'

describe('examples/linear-nets (quick mode)', () => {
  test('every claim holds and every figure has data', async () => {
    const result = await runExperiment(experiment, { seed: 0 })
    expect(result.claims.length).toBeGreaterThanOrEqual(12)
    for (const c of result.claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
    for (const name of ['dynamics-balancedness', 'acceleration-l4', 'completion-error', 'completion-singular-values', 'norms-w00', 'norms-effective-rank']) {
      expect(result.figures[name], name).toBeDefined()
    }
  }, 120_000)
})
