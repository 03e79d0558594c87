import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { claim, defineExperiment } from '../src/index'
import { gridPoints, mergeRecords, readRecords, sweep } from '../src/node'

let calls = 0
const exp = defineExperiment({
  name: 'toy-sweep',
  paper: 'none',
  defaults: { a: 1, b: 'x' },
  run: (c: { a: number; b: string }, ctx) => {
    calls++
    return { metrics: { a: c.a, seed: ctx.seed }, figures: {}, claims: [claim('a positive', { measured: c.a, expected: '> 0', holds: c.a > 0 })] }
  },
})

describe('sweep', () => {
  test('grid points are every combination in a fixed order', () => {
    expect(gridPoints({ b: ['x', 'y'], a: [1, 2] })).toEqual([
      { a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' },
    ])
    expect(() => gridPoints({ a: [] })).toThrow(/grid.a: expected a non-empty array/)
  })

  test('resumes: a killed sweep (torn last line) redoes only the missing points', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-sweep-'))
    calls = 0
    const first = await sweep({ experiment: exp, grid: { a: [1, 2] }, seeds: 2, outDir })
    expect(first.ran).toBe(4)
    expect(calls).toBe(4)
    appendFileSync(first.file, '{"key": "torn')
    calls = 0
    const second = await sweep({ experiment: exp, grid: { a: [1, 2, 3] }, seeds: 2, outDir })
    expect(second.ran).toBe(2)
    expect(second.skipped).toBe(4)
    expect(calls).toBe(2)
    expect(readRecords(first.file)).toHaveLength(6)
  })

  test('shards are disjoint and merge back to the whole sweep', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-shard-'))
    const parts = []
    for (let i = 0; i < 3; i++) parts.push(await sweep({ experiment: exp, grid: { a: [1, 2, 3] }, seeds: [0, 5], outDir, shard: { index: i, count: 3 } }))
    const keys = parts.flatMap((p) => p.records.map((r) => r.key))
    expect(new Set(keys).size).toBe(6)
    expect(keys).toHaveLength(6)
    const merged = mergeRecords(parts.map((p) => p.file), path.join(outDir, 'all.jsonl'))
    expect(merged).toHaveLength(6)
    expect(readFileSync(path.join(outDir, 'all.jsonl'), 'utf8').trim().split('\n')).toHaveLength(6)
  })

  test('bad options get named errors', async () => {
    await expect(sweep({ experiment: exp, seeds: [0.5] })).rejects.toThrow(/seeds\[0\]: expected an integer/)
    await expect(sweep({ experiment: exp, shard: { index: 3, count: 2 } })).rejects.toThrow(/shard.index/)
    await expect(sweep({ experiment: exp, workers: 2 })).rejects.toThrow(/worker threads need the path/)
    await expect(sweep({ experiment: exp, grdi: {} } as never)).rejects.toThrow(/unknown option 'grdi'/)
    expect(() => mergeRecords([], 'x')).toThrow(/files: expected at least one/)
  })
})

describe('sweeps that cannot lie (issue 21)', () => {
  test('a --full sweep does not take a quick run\'s records for its own', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-sweep-'))
    calls = 0
    await sweep({ experiment: exp, grid: { a: [1, 2] }, seeds: 1, outDir })
    const full = await sweep({ experiment: exp, grid: { a: [1, 2] }, seeds: 1, outDir, full: true })
    expect(full.ran).toBe(2)
    expect(full.skipped).toBe(0)
    expect(calls).toBe(4)
  })
  test('unknown grid keys, values of the wrong type, no seeds and duplicate seeds are named errors', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-sweep-'))
    await expect(sweep({ experiment: exp, grid: { bogus: [1, 2] }, outDir })).rejects.toThrow(/grid.bogus: not a config key of 'toy-sweep' \(its keys: a, b\)/)
    await expect(sweep({ experiment: exp, grid: { a: ['abc'] }, outDir })).rejects.toThrow(/grid.a: expected finite numbers like the default 1, got "abc"/)
    await expect(sweep({ experiment: exp, grid: { a: [Number.NaN] }, outDir })).rejects.toThrow(/grid.a: expected finite numbers/)
    await expect(sweep({ experiment: exp, grid: { b: [3] }, outDir })).rejects.toThrow(/grid.b: expected strings like the default "x", got 3/)
    await expect(sweep({ experiment: exp, seeds: 0, outDir })).rejects.toThrow(/seeds: expected at least one seed/)
    await expect(sweep({ experiment: exp, seeds: [1, 1, 1], outDir })).rejects.toThrow(/seeds: seed 1 appears more than once/)
  })
})
