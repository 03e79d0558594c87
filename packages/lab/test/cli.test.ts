import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { main, parseReproArgs } from '../src/cli'
import { listExamples, readRecords, type SweepRecord } from '../src/node'

const root = path.resolve(import.meta.dirname, '../../..')
// Inside the repository (git-ignored), so the experiments' bare imports of '@theoryml/lab' resolve
// through the workspace as they resolve from a user's node_modules.
const tmp = mkdtempSync(path.join(import.meta.dirname, '.tmp-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, stdout: () => out.join(''), stderr: () => err.join('') }
}

/** Write `<dir>/<name>/<file>` and return `dir`. */
function write(dir: string, name: string, file: string, source: string): string {
  mkdirSync(path.join(dir, name), { recursive: true })
  writeFileSync(path.join(dir, name, file), source)
  return dir
}

// The same experiment as .js and as .ts (with TypeScript-only syntax): one claim, metrics echo the config.
const jsSource = (name: string) => `import { claim, defineExperiment } from '@theoryml/lab'
export default defineExperiment({
  name: '${name}', paper: 'test', defaults: { samples: 10 },
  run: (c, ctx) => ({ metrics: { samples: c.samples, seed: ctx.seed }, figures: {}, claims: [claim('samples are positive', { measured: c.samples, expected: '> 0', holds: c.samples > 0 })] }),
})
`
const tsSource = (name: string) => `import { claim, defineExperiment, type ExperimentContext } from '@theoryml/lab'
interface Config { samples: number }
export default defineExperiment<Config>({
  name: '${name}', paper: 'test', defaults: { samples: 10 },
  run: (c: Config, ctx: ExperimentContext) => ({ metrics: { samples: c.samples, seed: ctx.seed as number }, figures: {}, claims: [claim('samples are positive', { measured: c.samples, expected: '> 0', holds: c.samples > 0 })] }),
})
`
const examples = path.join(tmp, 'examples')
write(examples, 'js-exp', 'run.js', jsSource('js-exp'))
write(examples, 'ts-exp', 'run.ts', tsSource('ts-exp'))

describe('theoryml CLI', () => {
  test('parses repro arguments and rejects bad ones by name', () => {
    expect(parseReproArgs(['a', '--full', '--seed', '3', '--json', '--out', 'o', '--workers', '3'])).toEqual({ names: ['a'], full: true, seed: 3, workers: 3, out: 'o', json: true, examples: 'examples' })
    expect(parseReproArgs([]).workers).toBe(os.availableParallelism())
    expect(parseReproArgs(['--seeds', '0-2,7']).seeds).toEqual([0, 1, 2, 7])
    expect(parseReproArgs(['--seeds', '3']).seeds).toEqual([0, 1, 2])
    expect(parseReproArgs(['--seeds', '0,1,2']).seeds).toEqual([0, 1, 2])
    expect(() => parseReproArgs(['--seeds', '0,1,1'])).toThrow(/--seeds: seed 1 appears more than once/)
    expect(() => parseReproArgs(['--seeds', '0-2,2'])).toThrow(/seed 2 appears more than once/)
    expect(() => parseReproArgs(['--seeds', '0'])).toThrow(/--seeds: expected at least one seed/)
    expect(() => parseReproArgs(['--seeds', '4-2'])).toThrow(/runs backwards/)
    expect(() => parseReproArgs(['--seeds', '1,,2'])).toThrow(/--seeds: expected a count, or a list/)
    expect(() => parseReproArgs(['--seeds', '0-99999999'])).toThrow(/at most 10000 seeds/)
    expect(() => parseReproArgs(['--seed', '1', '--seeds', '0-2'])).toThrow(/--seeds: give either --seed or --seeds/)
    expect(() => parseReproArgs(['--workers', '0'])).toThrow(/--workers: expected a positive integer/)
    expect(() => parseReproArgs(['--seed', '1.5'])).toThrow(/--seed: expected an integer/)
    expect(() => parseReproArgs(['--fast'])).toThrow(/unknown option '--fast'/)
  })

  test('repro --json runs the worked example: one JSON document, every claim with holds, SVG written', async () => {
    const out = path.join(tmp, 'out-ls')
    const c = capture()
    const code = await main(['repro', 'least-squares', '--json', '--out', out, '--examples', path.join(root, 'examples')], c.io)
    expect(c.stderr()).not.toMatch(/crashed/)
    expect(code).toBe(0)
    const doc = JSON.parse(c.stdout()) as { holds: boolean; summary: { name: string; status: string; claims: number; held: number }[]; examples: { claims: { holds: boolean }[] }[] }
    expect(doc.holds).toBe(true)
    expect(doc.summary).toHaveLength(1)
    expect(doc.summary[0]).toMatchObject({ name: 'least-squares', status: 'ok' })
    expect(doc.summary[0]!.claims).toBeGreaterThan(0)
    expect(doc.summary[0]!.held).toBe(doc.summary[0]!.claims)
    expect(doc.examples[0]?.claims.every((x) => typeof x.holds === 'boolean')).toBe(true)
    expect(existsSync(path.join(out, 'least-squares', 'convergence.svg'))).toBe(true)
  })

  test('repro runs .js and .ts experiments and prints the summary table', async () => {
    const c = capture()
    expect(await main(['repro', '--examples', examples, '--out', path.join(tmp, 'out-jsts')], c.io)).toBe(0)
    const text = c.stdout()
    expect(text).toMatch(/example +\| claims held \| seconds \| status/)
    expect(text).toMatch(/js-exp +\| 1\/1 +\| +[\d.]+ +\| ok/)
    expect(text).toMatch(/ts-exp +\| 1\/1 +\| +[\d.]+ +\| ok/)
    expect(text).toMatch(/2\/2 claims hold\n$/)
    expect(existsSync(path.join(tmp, 'out-jsts', 'ts-exp', 'result.json'))).toBe(true)
  })

  test('one crashing example does not stop the others; the summary says CRASHED and the exit code is 1', async () => {
    const dir = path.join(tmp, 'mixed')
    write(dir, 'a-ok', 'run.js', jsSource('a-ok'))
    write(dir, 'b-throws', 'run.js', `export default { name: 'b-throws', title: 'throws', paper: 'test', defaults: {}, quick: {}, full: {}, run() { throw new Error('boom in run') } }\n`)
    write(dir, 'c-fails', 'run.mjs', `import { claim, defineExperiment } from '@theoryml/lab'
export default defineExperiment({ name: 'c-fails', paper: 'test', run: () => ({ metrics: {}, figures: {}, claims: [claim('1 > 2', { measured: 1, expected: '> 2', holds: false }), claim('2 > 1', { measured: 2, expected: '> 1', holds: true })] }) })
`)
    write(dir, 'd-bad-export', 'run.js', 'export default 42\n')
    write(dir, 'e-ok', 'run.ts', tsSource('e-ok'))
    const json = capture()
    expect(await main(['repro', '--examples', dir, '--out', path.join(tmp, 'out-mixed'), '--json'], json.io)).toBe(1)
    const doc = JSON.parse(json.stdout()) as { holds: boolean; claims: number; held: number; summary: Array<{ name: string; claims: number; held: number; status: string; error?: string; seconds: number }> }
    expect(doc.summary.map((r) => [r.name, r.status, r.held, r.claims])).toEqual([
      ['a-ok', 'ok', 1, 1], ['b-throws', 'CRASHED', 0, 0], ['c-fails', 'FAILED', 1, 2], ['d-bad-export', 'CRASHED', 0, 0], ['e-ok', 'ok', 1, 1],
    ])
    expect(doc.summary[1]!.error).toBe('boom in run')
    expect(doc.summary[3]!.error).toMatch(/d-bad-export.run\.js: expected a default export made by defineExperiment/)
    expect(doc.summary[0]!.error).toBeUndefined()
    expect(doc).toMatchObject({ holds: false, claims: 4, held: 3 })
    expect(json.stderr()).toMatch(/b-throws crashed: Error: boom in run/)

    const text = capture()
    expect(await main(['repro', 'a-ok', 'b-throws', '--examples', dir, '--out', path.join(tmp, 'out-mixed')], text.io)).toBe(1)
    expect(text.stdout()).toMatch(/b-throws — CRASHED: boom in run/)
    expect(text.stdout()).toMatch(/b-throws +\| — +\| +[\d.]+ +\| CRASHED/)
    expect(text.stdout()).toMatch(/1\/1 claims hold; 1 of 2 examples crashed\n$/)

    const failing = capture()
    expect(await main(['repro', 'c-fails', '--examples', dir, '--out', path.join(tmp, 'out-mixed')], failing.io)).toBe(1)
    expect(failing.stdout()).toMatch(/FAILS ✘ \| 1 > 2/)
    expect(failing.stdout()).toMatch(/c-fails +\| 1\/2 +\| +[\d.]+ +\| FAILED/)
  })

  test.each([[[]], [['repro']], [['sweep']], [['merge']], [['list']]])('%j --help and -h print usage and exit 0', async (cmd) => {
    for (const flag of ['--help', '-h']) {
      const c = capture()
      // Nothing runs: the missing folder would be an error otherwise.
      expect(await main([...cmd, flag, '--examples', path.join(tmp, 'missing')], c.io)).toBe(0)
      expect(c.stdout()).toMatch(new RegExp(`^usage: theoryml ${cmd[0] ?? '<command>'}`))
      expect(c.stderr()).toBe('')
    }
  })

  test('without a command: usage on stderr, exit 2; an unknown command is an error', async () => {
    const c = capture()
    expect(await main([], c.io)).toBe(2)
    expect(c.stderr()).toMatch(/^usage: theoryml <command>/)
    expect(await main(['reproduce'], c.io)).toBe(2)
    expect(c.stderr()).toMatch(/unknown command 'reproduce'/)
  })

  test('an examples folder that is missing or empty, or an unknown name, is an error naming the folder', async () => {
    const empty = path.join(tmp, 'empty')
    mkdirSync(path.join(empty, 'not-an-example'), { recursive: true })
    const missing = path.join(tmp, 'missing')
    for (const cmd of ['repro', 'list', 'sweep']) {
      const c = capture()
      expect(await main([cmd, ...(cmd === 'sweep' ? ['js-exp'] : []), '--examples', empty], c.io)).toBe(2)
      expect(c.stderr()).toContain(`no examples in '${empty}' (expected folders ${empty}/<name>/ holding run.ts, run.mts, run.js or run.mjs`)
      const m = capture()
      expect(await main([cmd, ...(cmd === 'sweep' ? ['js-exp'] : []), '--examples', missing], m.io)).toBe(2)
      expect(m.stderr()).toContain(`examples folder '${missing}' does not exist`)
      expect(m.stdout()).toBe('')
    }
    for (const cmd of ['repro', 'sweep']) {
      const c = capture()
      expect(await main([cmd, 'nope', '--examples', examples], c.io)).toBe(2)
      expect(c.stderr()).toContain(`unknown example 'nope': expected ${examples}/nope/ holding run.ts, run.mts, run.js or run.mjs (examples in '${examples}': js-exp, ts-exp)`)
    }
  })

  test('list honours --examples', async () => {
    expect(await listExamples(examples)).toEqual(['js-exp', 'ts-exp'])
    const c = capture()
    expect(await main(['list', '--examples', examples], c.io)).toBe(0)
    expect(c.stdout()).toBe('js-exp\nts-exp\n')
    expect(await main(['list', '--exmaples', examples], c.io)).toBe(2)
  })

  test.each([['js-exp', 0], ['js-exp', 1], ['ts-exp', 0], ['ts-exp', 1]])('sweep %s over two shards with %i workers, then merge', async (name, workers) => {
    const out = path.join(tmp, `sweep-${name}-${workers}`)
    const shardFiles: string[] = []
    for (const shard of ['0/2', '1/2']) {
      const c = capture()
      const code = await main(['sweep', name, '--grid', 'samples=100,1000', '--seeds', '2', '--shard', shard, '--workers', String(workers), '--out', out, '--examples', examples], c.io)
      expect(c.stderr()).not.toMatch(/theoryml sweep:/)
      expect(code).toBe(0)
      const file = path.join(out, `${name}.shard-${shard[0]}-of-2.jsonl`)
      expect(c.stdout()).toBe(`${file}: 2 points run, 0 already there, 2 records\n`)
      shardFiles.push(file)
    }
    const [a, b] = shardFiles.map((f) => readRecords(f).map((r) => r.key))
    expect(a).toHaveLength(2)
    expect(b).toHaveLength(2)
    expect(a!.filter((k) => b!.includes(k))).toEqual([])
    const c = capture()
    const merged = path.join(out, `${name}.jsonl`)
    expect(await main(['merge', ...shardFiles, '--out', merged], c.io)).toBe(0)
    expect(c.stdout()).toBe(`${merged}: 4 records from 2 files\n`)
    const records: SweepRecord[] = readRecords(merged)
    const points = records.map((r) => `${String(r.params.samples)}/${r.seed}`).sort()
    expect(points).toEqual(['100/0', '100/1', '1000/0', '1000/1'])
    for (const r of records) {
      expect(r.experiment).toBe(name)
      // The grid value and the seed reached run(config, ctx).
      expect(r.metrics).toEqual({ samples: r.params.samples, seed: r.seed })
      expect(r.claims).toEqual([{ statement: 'samples are positive', measured: r.params.samples, expected: '> 0', holds: true }])
    }
  })
})
