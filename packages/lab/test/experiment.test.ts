import { describe, expect, test } from 'vitest'
import { claim, defineExperiment, resolveConfig, runExperiment } from '../src/index'

const exp = defineExperiment({
  name: 'toy',
  paper: 'none',
  defaults: { n: 1, m: 2 },
  quick: { n: 3 },
  full: { n: 30 },
  run: (c, ctx) => ({
    metrics: { n: c.n, u: ctx.rng.uniform() },
    figures: {},
    claims: [claim('n is small', { measured: c.n, expected: '< 10', holds: c.n < 10 })],
  }),
})

describe('experiments', () => {
  test('configs: defaults, then quick or full, then overrides', () => {
    expect(resolveConfig(exp)).toEqual({ n: 3, m: 2 })
    expect(resolveConfig(exp, { full: true })).toEqual({ n: 30, m: 2 })
    expect(resolveConfig(exp, { config: { m: 5 } })).toEqual({ n: 3, m: 5 })
  })

  test('runExperiment is seeded and returns claims with holds', async () => {
    const a = await runExperiment(exp, { seed: 7 })
    const b = await runExperiment(exp, { seed: 7 })
    expect(a.metrics.u).toBe(b.metrics.u)
    expect(a.claims[0]?.holds).toBe(true)
    expect((await runExperiment(exp, { full: true })).claims[0]?.holds).toBe(false)
  })

  test('bad definitions and claims get named errors', async () => {
    expect(() => defineExperiment({ name: 'Bad Name', paper: '', run: () => ({ metrics: {}, figures: {}, claims: [] }) })).toThrow(/name: expected a kebab-case/)
    expect(() => defineExperiment({ name: 'x', paper: 'p' } as never)).toThrow(/run: expected a function/)
    expect(() => claim('', { measured: 1, expected: '', holds: true })).toThrow(/statement/)
    expect(() => claim('s', { measured: 1, expected: '', holds: 'yes' as never })).toThrow(/holds: expected a boolean/)
    expect(claim('s', { measured: Number.NaN, expected: '', holds: false }).measured).toBe('NaN')
    await expect(runExperiment(exp, { seed: 0.5 })).rejects.toThrow(/seed: expected an integer/)
  })
})

describe('resolveConfig merges nested configs deeply', () => {
  test('quick/full and overrides change only the keys they name; arrays replace', () => {
    const exp = defineExperiment({
      name: 'nested',
      paper: 'test',
      defaults: { steps: 10, model: { depth: 3, width: 8, act: 'relu' }, lengths: [1, 2, 3] },
      quick: { model: { width: 4 } },
      full: { steps: 1000, lengths: [5] },
      run: () => ({ metrics: {}, figures: {}, claims: [] }),
    })
    expect(resolveConfig(exp)).toEqual({ steps: 10, model: { depth: 3, width: 4, act: 'relu' }, lengths: [1, 2, 3] })
    expect(resolveConfig(exp, { full: true })).toEqual({ steps: 1000, model: { depth: 3, width: 8, act: 'relu' }, lengths: [5] })
    expect(resolveConfig(exp, { config: { model: { act: 'tanh' } } })).toEqual({ steps: 10, model: { depth: 3, width: 4, act: 'tanh' }, lengths: [1, 2, 3] })
    expect(exp.defaults.model.width).toBe(8) // not mutated
  })
  test("a result that still says 'series' gets an error naming 'figures'", async () => {
    const old = defineExperiment({ name: 'old', paper: 'test', run: () => ({ metrics: {}, series: {}, claims: [] }) as never })
    await expect(runExperiment(old)).rejects.toThrow(/named 'figures'/)
  })
})
