// theoryml repro on worker threads (--workers), over seeds (--seeds), ctx.map tasks, claim.paper,
// and output folders checked before any work (issues 18.3, 19.2, 21.3).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { claim, defineExperiment, runExperiment } from '../src/index'
import { main } from '../src/node'

const root = path.resolve(import.meta.dirname, '../../..')
// Inside the repository (git-ignored), so the experiments' imports of '@theoryml/lab' resolve through the workspace.
const tmp = mkdtempSync(path.join(import.meta.dirname, '.tmp-repro-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, stdout: () => out.join(''), stderr: () => err.join('') }
}

function write(dir: string, name: string, source: string): string {
  mkdirSync(path.join(dir, name), { recursive: true })
  writeFileSync(path.join(dir, name, 'run.ts'), source)
  return dir
}

// Seconds differ from run to run; everything else must not.
const stripSeconds = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc, (k, v: unknown) => (k === 'seconds' ? undefined : v)))

const examples = path.join(tmp, 'examples')
// Holds at even seeds only; paper number attached.
write(examples, 'even', `import { claim, defineExperiment } from '@theoryml/lab'
export default defineExperiment({ name: 'even', paper: 'test', run: (_c, ctx) => ({ metrics: { u: ctx.rng.uniform() }, figures: {}, claims: [
  claim('the seed is even', { measured: ctx.seed, expected: 'even', holds: ctx.seed % 2 === 0, paper: 'every seed' }),
  claim('always', { measured: 1, expected: '1', holds: true }),
] }) })
`)
// Inner seeds through ctx.map: each task draws from its own seeded stream.
write(examples, 'inner', `import { createRng } from '@theoryml/core'
import { claim, defineExperiment } from '@theoryml/lab'
export default defineExperiment({ name: 'inner', paper: 'test', defaults: { seeds: 4 },
  tasks: { draw: (input: { seed: number }, ctx) => ({ seed: input.seed, u: createRng(input.seed).uniform(), seeds: ctx.config.seeds, thread: 0 }) },
  run: async (c: { seeds: number }, ctx) => {
    const out = await ctx.map<{ seed: number }, { seed: number; u: number }>('draw', Array.from({ length: c.seeds }, (_, s) => ({ seed: 1000 * ctx.seed + s })))
    return { metrics: { out }, figures: {}, claims: [claim('one output per seed, in order', { measured: out.map((o) => o.seed).join(','), expected: '0..', holds: out.every((o, i) => o.seed === 1000 * ctx.seed + i) })] }
  } })
`)

describe('repro on worker threads and over seeds', () => {
  test('two real examples: the same JSON with --workers 1 and --workers 2', async () => {
    const docs = []
    for (const workers of ['1', '2']) {
      const c = capture()
      const code = await main(['repro', 'least-squares', 'likelihood-displacement', '--json', '--workers', workers, '--out', path.join(tmp, `out-w${workers}`), '--examples', path.join(root, 'examples')], c.io)
      expect(c.stderr()).not.toMatch(/crashed/)
      expect(code).toBe(0)
      docs.push(JSON.parse(c.stdout().replaceAll(`out-w${workers}`, 'out-w')) as { summary: Array<{ name: string }> })
    }
    expect(docs[0]!.summary.map((r) => r.name)).toEqual(['least-squares', 'likelihood-displacement'])
    expect(stripSeconds(docs[1])).toEqual(stripSeconds(docs[0]))
  }, 900_000)

  test('--seeds: a table of claim | held/seeds, the same with 1 and 2 workers; exit 1 when a claim fails at a seed', async () => {
    const texts: string[] = []
    for (const workers of ['1', '2']) {
      const c = capture()
      expect(await main(['repro', 'even', 'inner', '--seeds', '0-2', '--workers', workers, '--out', path.join(tmp, 'out-seeds'), '--examples', examples], c.io)).toBe(1)
      texts.push(c.stdout())
    }
    expect(texts[1]).toBe(texts[0])
    const text = texts[0]!
    expect(text).toMatch(/example \| claim +\| held\/seeds/)
    expect(text).toMatch(/even +\| the seed is even +\| 2\/3/)
    expect(text).toMatch(/even +\| always +\| 3\/3/)
    expect(text).toMatch(/inner +\| one output per seed, in order \| 3\/3/)
    expect(text).toMatch(/seed 1: FAILS, measured 1/)
    expect(text).toMatch(/2\/3 claims hold at all 3 seeds \(seeds 0, 1, 2\)\n$/)

    const json = capture()
    expect(await main(['repro', 'even', '--seeds', '0,2', '--json', '--out', path.join(tmp, 'out-seeds'), '--examples', examples], json.io)).toBe(0)
    const doc = JSON.parse(json.stdout()) as { seeds: number[]; holds: boolean; table: Array<{ example: string; claim: string; paper?: string; held: number; seeds: number; failedSeeds: number[]; measured: Record<string, unknown> }>; runs: Array<{ seed: number }> }
    expect(doc.seeds).toEqual([0, 2])
    expect(doc.holds).toBe(true)
    expect(doc.runs.map((r) => r.seed)).toEqual([0, 2])
    expect(doc.table[0]).toEqual({ example: 'even', claim: 'the seed is even', paper: 'every seed', expected: 'even', held: 2, seeds: 2, failedSeeds: [], measured: { 0: 0, 2: 2 } })
  }, 300_000)

  test('ctx.map: the same outputs in this thread, sequentially, and spread over worker threads', async () => {
    const runs = []
    for (const workers of ['1', '2']) {
      const c = capture()
      expect(await main(['repro', 'inner', '--seed', '3', '--json', '--workers', workers, '--out', path.join(tmp, 'out-map'), '--examples', examples], c.io)).toBe(0)
      runs.push((JSON.parse(c.stdout()) as { examples: Array<{ metrics: unknown }> }).examples[0]!.metrics)
    }
    expect(runs[1]).toEqual(runs[0])
    const exp = defineExperiment({ name: 'm', paper: '-', tasks: { sq: (x: number) => x * x }, run: async (_c, ctx) => ({ metrics: { y: await ctx.map('sq', [1, 2, 3]) }, figures: {}, claims: [] }) })
    expect((await runExperiment(exp)).metrics.y).toEqual([1, 4, 9])
    const bad = defineExperiment({ name: 'b', paper: '-', run: async (_c, ctx) => ({ metrics: { y: await ctx.map('nope', [1]) }, figures: {}, claims: [] }) })
    await expect(runExperiment(bad)).rejects.toThrow(/task: 'nope' is not a task of 'b'/)
    expect(() => defineExperiment({ name: 'c', paper: '-', tasks: { t: 5 as never }, run: () => ({ metrics: {}, figures: {}, claims: [] }) })).toThrow(/tasks.t: expected a function/)
  }, 300_000)

  test('claim.paper is kept and printed beside ours', async () => {
    expect(claim('x', { measured: 1, expected: '1', holds: true, paper: '74.4% → 33.4%' })).toEqual({ statement: 'x', measured: 1, expected: '1', holds: true, paper: '74.4% → 33.4%' })
    expect(claim('x', { measured: 1, expected: '1', holds: true })).not.toHaveProperty('paper')
    expect(() => claim('x', { measured: 1, expected: '1', holds: true, paper: 3 as never })).toThrow(/paper: expected a string/)
    const c = capture()
    await main(['repro', 'even', '--workers', '1', '--out', path.join(tmp, 'out-paper'), '--examples', examples], c.io)
    expect(c.stdout()).toMatch(/holds ✔ \| the seed is even \| measured 0 \| expected even \| paper every seed/)
  }, 120_000)
})

describe('output folders are checked before any work', () => {
  // Node 20's recursive mkdir never returns under /proc: each command must fail at once, exit 2.
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--conditions=@theoryml/source', '--import', 'tsx', path.join(root, 'packages/lab/src/bin.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  test.each([
    ['repro', 'least-squares', '--out', '/proc/1/nope/out'],
    ['sweep', 'least-squares', '--out', '/proc/1/nope/out'],
    ['merge', 'a.jsonl', '--out', '/proc/1/nope/out/m.jsonl'],
  ])('%s with --out under /proc fails fast with exit 2', (...args) => {
    const t0 = performance.now()
    const r = cli(...args)
    expect(r.error).toBeUndefined() // not killed by the timeout
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--out: cannot (create|use|write)/)
    expect(r.stderr).not.toMatch(/▶/) // nothing ran
    expect(performance.now() - t0).toBeLessThan(30_000)
  }, 60_000)

  test('an --out that is a file is an error naming it', async () => {
    const file = path.join(tmp, 'a-file')
    writeFileSync(file, '')
    const c = capture()
    expect(await main(['repro', 'even', '--out', path.join(file, 'sub'), '--examples', examples], c.io)).toBe(2)
    expect(c.stderr()).toContain(`--out: cannot create '${path.join(file, 'sub')}': ${file} exists and is not a folder`)
  })
})
