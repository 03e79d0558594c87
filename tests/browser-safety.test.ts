// Every package's browser-facing entries (all but `./node`) must bundle for the browser: no module
// reachable from them through relative imports may import a Node built-in. lab included: its root
// entry (experiments, claims, figure specs) is browser-safe; the CLI and sweeps live behind `./node`.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { builtinModules } from 'node:module'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

function browserEntries(pkgDir: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }
  const out: string[] = []
  for (const [sub, cond] of Object.entries(pkg.exports ?? {})) {
    if (sub === './node' || !cond || typeof cond !== 'object') continue
    const src = (cond as Record<string, string>)['@theoryml/source']
    if (src) out.push(path.resolve(pkgDir, src))
  }
  return out
}

/** Every source file reachable from `entries` by relative imports (static, dynamic and re-exports). */
function reachable(entries: string[]): Set<string> {
  const seen = new Set<string>()
  const stack = [...entries]
  while (stack.length) {
    const file = stack.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/(?:from\s*|import\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = path.resolve(path.dirname(file), m[1] as string)
      const hit = [base, `${base}.ts`, path.join(base, 'index.ts')].find((p) => existsSync(p) && p.endsWith('.ts'))
      if (hit) stack.push(hit)
    }
  }
  return seen
}

test('no Node built-in is imported from a module reachable from a browser-facing entry', () => {
  const offenders: string[] = []
  let checked = 0
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const dir = path.join(root, 'packages', name)
    for (const f of reachable(browserEntries(dir))) {
      checked++
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/(?:^\s*import\s[^'"]*|import\s*\(\s*)['"]([^'"]+)['"]/gm)) {
        if (builtins.has(m[1] as string)) offenders.push(`${path.relative(root, f)} imports ${m[1]}`)
      }
    }
  }
  expect(checked).toBeGreaterThan(60)
  expect(offenders).toEqual([])
})

test('the float64 track loads and names no tfjs: nothing reachable from a root entry imports @tensorflow/*, not even a type', () => {
  const offenders: string[] = []
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const rootEntry = path.join(root, 'packages', name, 'src', 'index.ts')
    for (const f of reachable([rootEntry])) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/(^\s*import\s[^'"]*|import\s*\(\s*|^\s*export\s[^'"]*from\s*)['"](@tensorflow\/[^'"]+)['"]/gm)) {
        offenders.push(`${path.relative(root, f)} imports ${m[2]}`)
      }
    }
  }
  expect(offenders).toEqual([])
})
