// The docs' claims tables are generated from docs/data/claims.json (scripts/docs-tables.ts): every
// marked region must be what the generator writes from the committed JSON (run `pnpm docs:tables`).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { claimsTable, dataFile, docsDir, markedPages, reduceRepro, updatePage, type ClaimsData } from '../scripts/docs-tables'

const data = JSON.parse(readFileSync(dataFile, 'utf8')) as ClaimsData

describe('docs tables', () => {
  test('every guide has a generated claims table', () => {
    const pages = markedPages()
    for (const guide of Object.keys(data.examples).filter((n) => n !== 'least-squares')) expect(pages).toContain(`${guide}.md`)
    expect(pages).toContain('thesis.md')
  })

  test.each(markedPages())('docs/%s matches docs/data/claims.json', (page) => {
    const text = readFileSync(path.join(docsDir, page), 'utf8')
    expect(updatePage(text, data, page.replace(/\.md$/, '')), 'run pnpm docs:tables').toBe(text)
  })

  test('reduce: runs over seeds combine, claims matched by statement; the table says where a claim fails', () => {
    const claim = (statement: string, measured: number, holds: boolean, paper?: string) => ({ statement, measured, expected: '> 1', holds, ...(paper ? { paper } : {}) })
    const seeds = { full: false, seeds: [0, 1], runs: [
      { name: 'a', seed: 0, paper: 'P', status: 'ok', claims: [claim('x | y', 2, true, '3.5'), claim('z', 5, true)] },
      { name: 'a', seed: 1, paper: 'P', status: 'FAILED', claims: [claim('x | y', 0.5, false, '3.5'), claim('z', 5, true)] },
    ] }
    const single = { full: false, seed: 2, examples: [{ name: 'a', paper: 'P', status: 'ok', claims: [claim('x | y', 4, true, '3.5')] }] }
    const d = reduceRepro([seeds, single], 'cmd', '2026-12-03')
    expect(d.seeds).toEqual([0, 1, 2])
    expect(d.examples.a!.claims[0]).toEqual({ claim: 'x | y', paper: '3.5', expected: '> 1', held: 2, seeds: 3, failedSeeds: [1], measured: { 0: 2, 1: 0.5, 2: 4 } })
    const t = claimsTable(d, ['a'])
    expect(t).toContain('| x \\| y (expected > 1) | 3.5 | 2 (0.5 … 4) | 2/3 ✘ fails at 1 |')
    expect(t).toContain('| z (expected > 1) | — | 5 | 2/3 ✘ not checked at 2 |')
    expect(claimsTable(d, ['a~^z'])).not.toContain('x \\| y')
    expect(claimsTable(d, ['nope'])).toContain('No data for `nope`')
    expect(() => reduceRepro([seeds, seeds], 'cmd', 'd')).toThrow(/a seed 0 appears in more than one document/)
    const page = 'intro\n<!-- claims:begin -->\nold table\n<!-- claims:end -->\nafter\n'
    expect(updatePage(page, d, 'a')).toBe(`intro\n<!-- claims:begin -->\n${t}\n<!-- claims:end -->\nafter\n`)
  })
})
