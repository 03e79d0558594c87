import { expect, test } from 'vitest'
import { runExperiment } from '@theoryml/lab'
import experiment from '../../examples/lqr-extrapolation/run'

test('lqr-extrapolation: every quick claim holds', async () => {
  const { claims, figures } = await runExperiment(experiment, { seed: 0 })
  expect(claims.length).toBe(7)
  for (const c of claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
  expect(Object.keys(figures).sort()).toEqual(['e-cost', 'e-opt', 'exploration'])
}, 180_000)
