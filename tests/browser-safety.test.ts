// core and the domain packages must bundle for the browser: no Node built-ins outside a Node-only
// entry (a module reached only from the package's `./node` export, or lab, which is Node-only).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { builtinModules } from 'node:module'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f)
    return statSync(p).isDirectory() ? (f === 'generated' ? [] : files(p)) : p.endsWith('.ts') ? [p] : []
  })
}

function nodeOnlyEntries(pkgDir: string): Set<string> {
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }
  const out = new Set<string>()
  for (const [sub, cond] of Object.entries(pkg.exports ?? {})) {
    if (sub === './node' && cond && typeof cond === 'object') {
      const src = (cond as Record<string, string>)['@theoryml/source']
      if (src) out.add(path.resolve(pkgDir, src))
    }
  }
  return out
}

test('no Node built-in imports in browser-facing package sources', () => {
  const offenders: string[] = []
  for (const name of readdirSync(path.join(root, 'packages'))) {
    if (name === 'lab') continue // Node-only by design
    const dir = path.join(root, 'packages', name)
    const nodeOnly = nodeOnlyEntries(dir)
    for (const f of files(path.join(dir, 'src'))) {
      if (nodeOnly.has(f)) continue
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)) {
        if (builtins.has(m[1] as string)) offenders.push(`${path.relative(root, f)} imports ${m[1]}`)
      }
    }
  }
  expect(offenders).toEqual([])
})
