// A clean clone has nothing beside it: no tracked file may read the `shared` folder next to the
// repository. Data the project uses ships inside the tree (e.g. packages/gnn-walk-index/data/cora,
// read by loadCora()). The path is spelled in pieces here so this file does not match itself.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const parent = '..'
const sibling = `${parent}/${'shared'}`

/** Files git tracks, plus new files not yet committed that git does not ignore. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
  return [...new Set(out.split('\0').filter((f) => f !== ''))]
}

/** The ways code spells the sibling folder: a relative path (either slash), or path pieces as in Python's `os.path.join`. */
const patterns: RegExp[] = [
  new RegExp(`\\.\\.[/\\\\]+shared\\b`),
  /(['"`])\.\.\1\s*,\s*(['"`])shared\2/,
]

/** Prose allowed to mention the folder, with the reason (it is read by people, never by code). */
const prose = new Map<string, string>([])

function offenders(files: string[], check: (f: string) => boolean): string[] {
  const found: string[] = []
  for (const f of files) {
    if (!check(f)) continue
    let text: string
    try {
      text = readFileSync(path.join(root, f), 'utf8')
    } catch {
      continue // deleted in the work tree but still in the index
    }
    text.split('\n').forEach((line, i) => {
      if (patterns.some((p) => p.test(line))) found.push(`${f}:${i + 1}: ${line.trim()}`)
    })
  }
  return found
}

test('the patterns catch the spellings they are meant to', () => {
  const hits = [`x = '${sibling}/data/cora'`, `path.resolve(cwd, '${parent}\\${'shared'}')`, `os.path.join(d, '${parent}', "${'shared'}", 'data')`]
  for (const h of hits) expect(patterns.some((p) => p.test(h)), h).toBe(true)
  for (const miss of ['a shared state', "'./shared'", "import { x } from './shared'", `'${parent}/sharedfoo'`]) {
    expect(patterns.some((p) => p.test(miss)), miss).toBe(false)
  }
})

test(`no code, config or CI file reads ${sibling}`, () => {
  const files = repoFiles()
  expect(files).toContain('tests/no-shared.test.ts')
  expect(files.length).toBeGreaterThan(100)
  const code = /\.(ts|tsx|js|mjs|cjs|json|py|sh|yaml|yml|toml)$/
  expect(offenders(files, (f) => f !== 'pnpm-lock.yaml' && (code.test(f) || f.startsWith('.ci/')))).toEqual([])
})

test(`no documentation tells readers to use ${sibling} (except the listed notes for contributors)`, () => {
  expect(offenders(repoFiles(), (f) => f.endsWith('.md') && !prose.has(f))).toEqual([])
})
