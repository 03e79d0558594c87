// The built CLI under plain node (no --import tsx, no vitest), as a user's `npx theoryml` runs it:
// TypeScript experiments load through tsx registered by the CLI itself, in the main thread and in
// sweep workers; JavaScript ones load as they are.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { readRecords } from '../src/node'

const src = path.resolve(import.meta.dirname, '../src')
// Inside packages/lab (git-ignored): the bundle's externals (tsx, piscina) resolve from lab's node_modules.
const tmp = mkdtempSync(path.join(import.meta.dirname, '.tmp-bin-'))
const examples = path.join(tmp, 'examples')
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

beforeAll(async () => {
  // dist/bin.js and dist/sweep-worker.js as tsup builds them, with @theoryml/core bundled from source.
  await build({
    entryPoints: { bin: path.join(src, 'bin.ts'), 'sweep-worker': path.join(src, 'sweep-worker.ts') },
    outdir: path.join(tmp, 'dist'), bundle: true, platform: 'node', format: 'esm', target: 'node20',
    conditions: ['@theoryml/source'], external: ['tsx', 'piscina', 'vega', 'vega-lite'], logLevel: 'error',
  })
  mkdirSync(path.join(examples, 'ts-exp'), { recursive: true })
  mkdirSync(path.join(examples, 'js-exp'), { recursive: true })
  // TypeScript importing TypeScript (lab's sources, through the @theoryml/source condition given to node below).
  writeFileSync(path.join(examples, 'ts-exp', 'run.ts'), `import { claim, defineExperiment } from '@theoryml/lab'
interface Config { samples: number }
export default defineExperiment<Config>({ name: 'ts-exp', paper: 'test', defaults: { samples: 10 },
  run: (c: Config) => ({ metrics: { samples: c.samples }, figures: {}, claims: [claim('positive', { measured: c.samples, expected: '> 0', holds: c.samples > 0 })] }) })
`)
  // Plain JavaScript importing nothing: needs no tsx.
  writeFileSync(path.join(examples, 'js-exp', 'run.js'), `export default { name: 'js-exp', title: 'js', paper: 'test', defaults: { samples: 10 }, quick: {}, full: {},
  run: (c) => ({ metrics: { samples: c.samples }, figures: {}, claims: [{ statement: 'positive', measured: c.samples, expected: '> 0', holds: c.samples > 0 }] }) }
`)
}, 60_000)

function theoryml(...args: string[]) {
  const r = spawnSync(process.execPath, ['--conditions=@theoryml/source', path.join(tmp, 'dist', 'bin.js'), ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('plain node: repro loads run.ts (through tsx) and run.js', () => {
  const r = theoryml('repro', '--json')
  expect(r.stderr).not.toMatch(/crashed/)
  expect(r.code).toBe(0)
  const doc = JSON.parse(r.stdout) as { holds: boolean; summary: Array<{ name: string; status: string; held: number; claims: number }> }
  expect(doc.summary.map((s) => [s.name, s.status, s.held, s.claims])).toEqual([['js-exp', 'ok', 1, 1], ['ts-exp', 'ok', 1, 1]])
  expect(doc.holds).toBe(true)
}, 60_000)

test.each(['ts-exp', 'js-exp'])('plain node: sweep %s over two shards (in this thread, then on a worker thread) and merge', (name) => {
  const out = path.join(tmp, `results-${name}`)
  for (const [shard, workers] of [['0/2', '0'], ['1/2', '1']] as const) {
    const r = theoryml('sweep', name, '--grid', 'samples=100,1000', '--seeds', '2', '--shard', shard, '--workers', workers, '--out', out)
    expect(r.stderr).not.toMatch(/theoryml sweep:/)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('2 points run')
  }
  const merged = path.join(out, `${name}.jsonl`)
  const r = theoryml('merge', path.join(out, `${name}.shard-0-of-2.jsonl`), path.join(out, `${name}.shard-1-of-2.jsonl`), '--out', merged)
  expect(r.code).toBe(0)
  const records = readRecords(merged)
  expect(records.map((x) => `${String(x.params.samples)}/${x.seed}`).sort()).toEqual(['100/0', '100/1', '1000/0', '1000/1'])
  for (const x of records) expect(x.metrics).toEqual({ samples: x.params.samples })
}, 60_000)
