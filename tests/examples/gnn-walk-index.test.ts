import { existsSync } from 'node:fs'
import path from 'node:path'
import { runExperiment } from '@theoryml/lab'
import { describe, expect, test } from 'vitest'
import experiment from '../../examples/gnn-walk-index/run'

const coraDir = process.env.THEORYML_CORA_DIR ?? path.resolve(process.cwd(), '../shared/data/cora')

describe('examples/gnn-walk-index (quick mode)', () => {
  test.skipIf(!existsSync(coraDir))('every quick-mode claim holds', async () => {
    const result = await runExperiment(experiment, { seed: 0, config: { coraDir } })
    expect(result.claims.length).toBe(11)
    for (const c of result.claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
    for (const name of ['cora-accuracy', 'cora-isolated', 'karate-min-walk-index', 'interaction']) expect(result.series[name]).toBeDefined()
  }, 300_000)
})
