// The README's quick start must run as pasted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')

test('README quick start runs', async () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  expect(code).toBeDefined()
  const dir = mkdtempSync(path.join(root, 'tests', '.quickstart-'))
  const file = path.join(dir, 'quickstart.ts')
  const logs: unknown[][] = []
  const log = console.log
  console.log = (...args: unknown[]) => void logs.push(args)
  try {
    writeFileSync(file, code as string)
    await import(file)
  } finally {
    console.log = log
    rmSync(dir, { recursive: true, force: true })
  }
  const [finalLoss, erank] = logs[0] as [number, number]
  expect(finalLoss).toBeLessThan(1e-6)
  expect(erank).toBeGreaterThan(1)
  expect(erank).toBeLessThan(1.001)
})
