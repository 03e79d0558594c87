import { expect, test } from 'vitest'
import { runExperiment } from '@theoryml/lab'
import experiment from '../../examples/least-squares/run'

test('least-squares: every quick claim holds', async () => {
  const { claims } = await runExperiment(experiment, { seed: 0 })
  expect(claims.length).toBeGreaterThan(0)
  for (const c of claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
})
