import { runExperiment } from '@theoryml/lab'
import { expect, test } from 'vitest'
import experiment from '../../examples/length-generalization/run'

// Runs the quick mode (programs at lengths 1–100; count with and without position offsets, three
// seeds each, on tfjs-wasm) and asserts that every claim holds. The copy experiments and the packing
// ablations run only under --full (see examples/length-generalization/README.md).
test('length-generalization: every quick-mode claim holds', async () => {
  const result = await runExperiment(experiment, { seed: 0 })
  expect(result.claims.length).toBe(6)
  for (const c of result.claims) expect(c.holds, `${c.statement}: measured ${String(c.measured)}, expected ${c.expected}`).toBe(true)
  expect(Object.keys(result.figures)).toEqual(['exact-match-vs-length', 'recipe-ablation'])
}, 900_000)
