import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { claim, defineExperiment } from '../src/index'
import { gridPoints, mergeRecords, pointKey, readRecords, sweep } from '../src/node'

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
  test('the record key covers the experiment and its version: a new version recomputes, merge refuses to mix versions', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-sweep-'))
    calls = 0
    const v1 = await sweep({ experiment: exp, grid: { a: [1, 2] }, seeds: 1, outDir })
    expect(v1.records[0]).toMatchObject({ experiment: 'toy-sweep', version: '1', key: pointKey({ a: 1 }, 0, false, { name: 'toy-sweep', version: '1' }) })
    expect(v1.records[0]!.key).toBe('{"experiment":"toy-sweep","version":"1","params":{"a":1},"seed":0,"full":false}')
    const exp2 = defineExperiment({ ...exp, version: '2' })
    const again = await sweep({ experiment: exp, grid: { a: [1, 2] }, seeds: 1, outDir })
    expect(again.ran).toBe(0)
    const v2 = await sweep({ experiment: exp2, grid: { a: [1, 2] }, seeds: 1, outDir: path.join(outDir, 'v2') })
    expect(v2.records.map((r) => r.version)).toEqual(['2', '2'])
    const resumed = await sweep({ experiment: exp2, grid: { a: [1, 2] }, seeds: 1, outDir })
    expect(resumed.ran).toBe(2)
    expect(calls).toBe(6)
    expect(() => mergeRecords([v2.file, v1.file], path.join(outDir, 'm.jsonl'))).toThrow(/records of different versions of 'toy-sweep' \('2' and '1' in /)
    expect(() => defineExperiment({ ...exp, version: '' })).toThrow(/version: expected a non-empty string/)
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

describe('resume and merge never lose or invent records (issue 21)', () => {
  const line = (over: Record<string, unknown> = {}): string =>
    JSON.stringify({ key: 'k', experiment: 'toy-sweep', params: {}, seed: 0, metrics: {}, claims: [], seconds: 0, ...over })
  test('a corrupt middle line or a non-record is an error naming the line; only a torn last line is skipped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'theoryml-records-'))
    const f = path.join(dir, 'r.jsonl')
    writeFileSync(f, `${line({ key: 'a' })}\n{"key": "bro\n${line({ key: 'b' })}\n`)
    expect(() => readRecords(f)).toThrow(/r.jsonl line 2: not valid JSON/)
    for (const bad of ['{}', '42', 'null', '{"key":5}']) {
      writeFileSync(f, `${line({ key: 'a' })}\n${bad}\n`)
      expect(() => readRecords(f), bad).toThrow(/r.jsonl line 2: not a sweep record/)
    }
    writeFileSync(f, `${line({ key: 'a' })}\n{"key": "torn`)
    expect(readRecords(f).map((r) => r.key)).toEqual(['a'])
    // resuming a sweep over a file with a corrupt middle line refuses instead of redoing the point
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-sweep-'))
    const first = await sweep({ experiment: exp, grid: { a: [1, 2] }, outDir })
    const [r1, r2] = readFileSync(first.file, 'utf8').trim().split('\n')
    writeFileSync(first.file, `${r1}\n{oops\n${r2}\n`)
    await expect(sweep({ experiment: exp, grid: { a: [1, 2] }, outDir })).rejects.toThrow(/line 2: not valid JSON/)
  })
  test('merge checks for one complete set of shards of one experiment whose records agree', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'theoryml-merge-'))
    const parts: string[] = []
    for (let i = 0; i < 3; i++) parts.push((await sweep({ experiment: exp, grid: { a: [1, 2, 3] }, seeds: 1, outDir, shard: { index: i, count: 3 } })).file)
    const out = path.join(outDir, 'all.jsonl')
    expect(() => mergeRecords(parts.slice(1), out)).toThrow(/incomplete set of 3 shards: missing shard 0/)
    expect(() => mergeRecords([parts[0]!, parts[0]!, parts[1]!], out)).toThrow(/shard 0 of 3 is given twice/)
    const two = (await sweep({ experiment: exp, grid: { a: [1, 2, 3] }, seeds: 1, outDir, shard: { index: 1, count: 2 } })).file
    expect(() => mergeRecords([...parts, two], out)).toThrow(/shards of different splits/)
    const readme = path.join(outDir, 'README.md')
    writeFileSync(readme, '# notes\n')
    expect(() => mergeRecords([readme], out)).toThrow(/not valid JSON/)
    const empty = path.join(outDir, 'empty.jsonl')
    writeFileSync(empty, '')
    expect(() => mergeRecords([empty], out)).toThrow(/holds no sweep records/)
    const other = path.join(outDir, 'other.jsonl')
    writeFileSync(other, line({ experiment: 'another' }) + '\n')
    const whole = path.join(outDir, 'whole.jsonl')
    mergeRecords(parts, whole)
    expect(() => mergeRecords([whole, other], out)).toThrow(/records of different experiments/)
    const copy = path.join(outDir, 'copy.jsonl')
    copyFileSync(whole, copy)
    expect(mergeRecords([whole, copy], out)).toHaveLength(3)
    const [first, ...rest] = readFileSync(whole, 'utf8').trim().split('\n')
    const changed = JSON.parse(first!) as { metrics: Record<string, unknown> }
    changed.metrics = { a: 99 }
    writeFileSync(copy, [JSON.stringify(changed), ...rest].join('\n') + '\n')
    expect(() => mergeRecords([whole, copy], out)).toThrow(/disagree/)
  })
})
