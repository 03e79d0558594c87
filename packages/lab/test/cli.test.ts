import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseReproArgs, repro, listExamples } from '../src/node'

const root = path.resolve(import.meta.dirname, '../../..')

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err }
}

describe('theoryml CLI', () => {
  test('parses repro arguments and rejects bad ones by name', () => {
    expect(parseReproArgs(['a', '--full', '--seed', '3', '--json', '--out', 'o'])).toEqual({ names: ['a'], full: true, seed: 3, out: 'o', json: true, examples: 'examples' })
    expect(() => parseReproArgs(['--seed', '1.5'])).toThrow(/--seed: expected an integer/)
    expect(() => parseReproArgs(['--fast'])).toThrow(/unknown option '--fast'/)
  })

  test('repro --json runs the worked example: one JSON document, every claim with holds, SVG written', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'theoryml-out-'))
    const c = capture()
    const code = await repro(['least-squares', '--json', '--out', out, '--examples', path.join(root, 'examples')], c.io)
    expect(code).toBe(0)
    const doc = JSON.parse(c.out.join('')) as { holds: boolean; examples: { claims: { holds: boolean }[] }[] }
    expect(doc.holds).toBe(true)
    expect(doc.examples[0]?.claims.every((x) => typeof x.holds === 'boolean')).toBe(true)
    expect(existsSync(path.join(out, 'least-squares', 'convergence.svg'))).toBe(true)
  })

  test('a failing claim gives a non-zero exit code; an unknown example is an error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'theoryml-ex-'))
    mkdirSync(path.join(dir, 'always-fails'))
    const lab = path.join(root, 'packages/lab/src/index.ts')
    writeFileSync(path.join(dir, 'always-fails', 'run.ts'), `import { claim, defineExperiment } from ${JSON.stringify(lab)}
export default defineExperiment({ name: 'always-fails', paper: 'test', run: () => ({ metrics: {}, series: {}, claims: [claim('1 > 2', { measured: 1, expected: '> 2', holds: false })] }) })
`)
    expect(await listExamples(dir)).toEqual(['always-fails'])
    const c = capture()
    expect(await repro(['--examples', dir, '--out', path.join(dir, 'out')], c.io)).toBe(1)
    expect(c.out.join('')).toContain('FAILS')
    await expect(repro(['nope', '--examples', dir], c.io)).rejects.toThrow(/unknown example 'nope'/)
  })
})
