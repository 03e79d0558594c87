import { runExperiment } from '@theoryml/lab'
import { expect, test } from 'vitest'
import experiment from '../../examples/entanglement/run'

test('entanglement example: every quick-mode claim holds', async () => {
  const result = await runExperiment(experiment, { seed: 0 })
  for (const c of result.claims) expect({ statement: c.statement, measured: c.measured, holds: c.holds }).toEqual({ statement: c.statement, measured: c.measured, holds: true })
  expect(result.claims.length).toBe(16)
  expect(Object.keys(result.figures)).toEqual(expect.arrayContaining(['accuracy-vs-entanglement', 'real-data']))
}, 900_000)
