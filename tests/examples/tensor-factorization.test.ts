import { runExperiment } from '@theoryml/lab'
import { describe, expect, test } from 'vitest'
import experiment from '../../examples/tensor-factorization/run'

describe('examples/tensor-factorization (quick mode)', () => {
  test('every claim holds', async () => {
    const result = await runExperiment(experiment, { seed: 0 })
    const failing = result.claims.filter((c) => !c.holds).map((c) => `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`)
    expect(failing).toEqual([])
    expect(result.claims.length).toBe(13)
    expect(Object.keys(result.figures).sort()).toEqual(['hierarchical-error', 'hierarchical-norms', 'incremental-error', 'incremental-norms', 'locality', 'recovery', 'regularization'])
  }, 900_000)
})
