import { runExperiment } from '@theoryml/lab'
import { describe, expect, test } from 'vitest'
import experiment from '../../examples/ssm-poisoning/run'

describe('examples/ssm-poisoning (quick mode)', () => {
  test('every claim holds and every figure has data', async () => {
    const result = await runExperiment(experiment, { seed: 0 })
    expect(result.claims.length).toBe(6) // the network claim is asserted under --full only (not reproduced; see the guide)
    for (const c of result.claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
    for (const name of ['theorem-impulse-responses', 'theorem-training', 'theorem-init-scale', 'abc-impulse-responses', 'abc-training', 'network-training']) {
      const fig = result.figures[name]
      expect(fig, name).toBeDefined()
      if (fig?.kind === 'line') for (const line of fig.lines) expect(line.y.length, `${name}: ${line.name}`).toBeGreaterThan(1)
    }
  }, 900_000)
})
