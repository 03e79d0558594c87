// What every published package carries: the MIT LICENSE, no placeholder metadata, ^ ranges between
// theoryml packages, tfjs only as an optional peer, and no Node built-in shims in the bundles.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const license = readFileSync(path.join(root, 'LICENSE'), 'utf8')
const names = readdirSync(path.join(root, 'packages')).sort()

interface Manifest {
  name: string
  files?: string[]
  repository?: unknown
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

test.each(names)('%s: LICENSE (MIT, same as the root), files, ranges and peers', (name) => {
  const dir = path.join(root, 'packages', name)
  expect(license).toMatch(/^MIT License/)
  expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(license)
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest
  expect(pkg.files).toContain('LICENSE')
  expect(pkg.repository).toBeUndefined()
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (dep.startsWith('@theoryml/')) expect(range, `${name} → ${dep}`).toBe('workspace:^')
    expect(dep.startsWith('@tensorflow/'), `${name} depends on ${dep}: tfjs must be an optional peer`).toBe(false)
  }
  for (const dep of Object.keys(pkg.peerDependencies ?? {})) {
    if (dep.startsWith('@tensorflow/')) expect(pkg.peerDependenciesMeta?.[dep]?.optional, `${name}: peer ${dep} optional`).toBe(true)
  }
})

test('tsup builds without shims (a shim imports path/url at the top of browser bundles)', () => {
  expect(readFileSync(path.join(root, 'tsup.base.ts'), 'utf8')).toMatch(/shims: false/)
})
