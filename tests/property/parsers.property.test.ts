// Properties of the parsers (issue 21, item 7): the LINQS loader, the CLI's arguments and grid
// specs, and the JSON-lines records of sweeps. Valid input round-trips; any other input is an Error
// naming the file and line, the flag, or the grid key. Never a crash, never a silent drop.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { parseLinqs } from '@theoryml/gnn-walk-index'
import { readRecords } from '@theoryml/lab/node'
import { describe, expect, test } from 'vitest'
import { parseReproArgs, sweepCommand } from '../../packages/lab/src/cli'

const RUNS = { numRuns: 150, seed: 21 }

describe('LINQS parser', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/)
  const feature = fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: -9, max: 9 }), fc.double({ min: -100, max: 100, noNaN: true }).map((x) => Number(x.toFixed(3))))
  const dataset = fc.integer({ min: 1, max: 4 }).chain((width) =>
    fc.uniqueArray(id, { minLength: 1, maxLength: 8 }).chain((ids) =>
      fc.tuple(
        fc.constant(ids),
        fc.array(fc.array(feature, { minLength: width, maxLength: width }), { minLength: ids.length, maxLength: ids.length }),
        fc.array(fc.constantFrom('A', 'B', 'Case_Based', 'x-1'), { minLength: ids.length, maxLength: ids.length }),
        fc.array(fc.tuple(fc.nat(ids.length - 1), fc.nat(ids.length - 1)), { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
      ),
    ),
  )

  test('valid files round-trip (CRLF, a BOM, trailing tabs included)', () => {
    fc.assert(fc.property(dataset, ([ids, rows, labels, edges, eol, bom]) => {
      const content = (bom ? '\uFEFF' : '') + ids.map((v, i) => [v, ...rows[i]!.map(String), labels[i]].join('\t') + (i % 2 ? '\t' : '')).join(eol) + eol
      const cites = edges.map(([a, b]) => `${ids[a]}\t${ids[b]}`).join(eol)
      const d = parseLinqs(content, cites)
      expect(d.ids).toEqual(ids)
      expect(d.features.to2DArray()).toEqual(rows.map((r) => r.map((x) => x + 0)))
      expect(d.classes).toEqual([...new Set(labels)].sort())
      expect(Array.from(d.labels, (k) => d.classes[k])).toEqual(labels)
      const distinct = new Set(edges.filter(([a, b]) => a !== b).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`))
      expect(d.graph.numEdges).toBe(distinct.size)
    }), RUNS)
  })

  test('a corrupted file parses or throws an Error naming the file and line', () => {
    const junk = fc.constantFrom('0x10', 'NaN', 'Infinity', '1e', '', ' ', '\t', '1,5', 'abc', '\uFEFF', '\u00A0', '--', '1.2.3', 'ｘ')
    fc.assert(fc.property(dataset, fc.nat(), junk, fc.boolean(), ([ids, rows, labels, edges], at, bad, inCites) => {
      const content = ids.map((v, i) => [v, ...rows[i]!.map(String), labels[i]].join('\t')).join('\n')
      const cites = edges.map(([a, b]) => `${ids[a]}\t${ids[b]}`).join('\n')
      const corrupt = (text: string): string => {
        const pos = text.length === 0 ? 0 : at % text.length
        return text.slice(0, pos) + bad + text.slice(pos)
      }
      try {
        const d = parseLinqs(inCites ? content : corrupt(content), inCites ? corrupt(cites) : cites)
        expect(d.features.to1DArray().every(Number.isFinite)).toBe(true)
        expect(d.labels.length).toBe(d.ids.length)
      } catch (err) {
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/^(content|cites)( line \d+)?: /)
      }
    }), RUNS)
  })
})

describe('CLI arguments', () => {
  const token = fc.oneof(
    fc.constantFrom('--full', '--json', '--seed', '--out', '--examples', '--seeds', '--bogus', '-x', 'ssm-poisoning', '--'),
    fc.integer({ min: -5, max: 5 }).map(String),
    fc.constantFrom('1.5', 'abc', '', '1e3', '0x10', ' 3'),
  )
  test('repro: every argv parses to well-typed arguments or throws naming the flag', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 6 }), (argv) => {
      try {
        const a = parseReproArgs(argv)
        expect(Number.isInteger(a.seed)).toBe(true)
        expect(typeof a.out).toBe('string')
        expect(a.names.every((n) => !n.startsWith('--'))).toBe(true)
      } catch (err) {
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/^(--\w+: |unknown option '-)/)
      }
    }), RUNS)
  })

  test('sweep --grid specs: run the right number of points or throw naming the key', async () => {
    const examples = path.join(import.meta.dirname, 'fixtures/examples')
    const io = { stdout: () => {}, stderr: () => {} }
    const value = fc.oneof(fc.integer({ min: -3, max: 9 }).map(String), fc.constantFrom('0.25', 'true', 'false', 'abc', '', 'NaN', '1e400', ' '))
    const spec = fc.tuple(fc.constantFrom('n', 'rate', 'label', 'flag', 'bogus', ''), fc.array(value, { minLength: 1, maxLength: 3 }))
    await fc.assert(fc.asyncProperty(fc.array(spec, { minLength: 1, maxLength: 2 }), async (specs) => {
      const out = mkdtempSync(path.join(tmpdir(), 'theoryml-grid-'))
      const argv = ['toy', ...specs.flatMap(([k, vs]) => ['--grid', `${k}=${vs.join(',')}`]), '--out', out, '--examples', examples]
      try {
        expect(await sweepCommand(argv, io)).toBe(0)
        const records = readRecords(path.join(out, 'toy.jsonl'))
        const grid = new Map(specs.map(([k, vs]) => [k, new Set(vs)]))
        expect(records).toHaveLength([...grid.values()].reduce((p, s) => p * s.size, 1))
      } catch (err) {
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/^(--grid: |grid\.\w+: |seeds: )/)
      }
    }), { numRuns: 60, seed: 21 })
  }, 120_000)
})

describe('JSON-lines records', () => {
  const record = fc.record({
    params: fc.dictionary(fc.constantFrom('a', 'b', 'lr'), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean())),
    seed: fc.integer({ min: 0, max: 99 }),
    metrics: fc.dictionary(fc.string(), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string())),
  }).map((r, ) => ({ key: JSON.stringify({ params: r.params, seed: r.seed, full: false }), experiment: 'toy', params: r.params, seed: r.seed, metrics: r.metrics, claims: [], seconds: 0.1 }))
  const dir = mkdtempSync(path.join(tmpdir(), 'theoryml-records-'))
  let k = 0

  test('records round-trip; a torn last line is skipped', () => {
    fc.assert(fc.property(fc.array(record, { maxLength: 6 }), fc.nat(), (recs, cut) => {
      const file = path.join(dir, `r${k++}.jsonl`)
      const text = recs.map((r) => JSON.stringify(r) + '\n').join('')
      writeFileSync(file, text)
      expect(readRecords(file)).toEqual(JSON.parse(JSON.stringify(recs)))
      if (recs.length > 0) {
        // an interrupted write: part of one more line, no newline
        const extra = JSON.stringify(recs[0])
        appendFileSync(file, extra.slice(0, 1 + (cut % (extra.length - 1))))
        expect(readRecords(file)).toHaveLength(recs.length)
      }
    }), RUNS)
  })

  test('a corrupt or foreign line anywhere but last is an Error naming the file and line', () => {
    const bad = fc.constantFrom('{', '}', 'null', '42', '"x"', '[]', '{}', '{"key":5}', '{"key":"k","experiment":"toy"}', 'NaN', '{"key":"k","experiment":"toy","params":{},"seed":1.5,"claims":[]}')
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), fc.nat(), bad, (recs, at, line) => {
      const file = path.join(dir, `c${k++}.jsonl`)
      const lines = recs.map((r) => JSON.stringify(r))
      const pos = at % lines.length // before the last record: never the last line
      lines.splice(pos, 0, line)
      writeFileSync(file, lines.join('\n') + '\n')
      expect(() => readRecords(file)).toThrow(new RegExp(`${path.basename(file).replace('.', '\\.')} line ${pos + 1}: not (valid JSON|a sweep record)`))
    }), RUNS)
  })
})
