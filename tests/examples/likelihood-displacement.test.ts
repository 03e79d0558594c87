import { expect, test } from 'vitest'
import { runExperiment } from '@theoryml/lab'
import experiment from '../../examples/likelihood-displacement/run'

test('likelihood-displacement: every quick claim holds', async () => {
  const { claims, metrics } = await runExperiment(experiment, { seed: 0 })
  expect(claims.length).toBe(7)
  for (const c of claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
  expect(metrics.theoremWorstRelativeError as number).toBeLessThan(1e-4)
})
