import { expect, test } from 'vitest'
import { runExperiment } from '@theoryml/lab'
import experiment from '../../examples/vanishing-gradients/run'

test('vanishing-gradients: every quick claim holds', async () => {
  const { claims } = await runExperiment(experiment, { seed: 0 })
  expect(claims.length).toBeGreaterThanOrEqual(10)
  for (const c of claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
}, 900_000)
