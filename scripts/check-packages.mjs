// Package checks after `pnpm build`: publint and @arethetypeswrong/cli on every package.
import { execFileSync } from 'node:child_process'
import { readdirSync, existsSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
let failed = 0
for (const name of readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', name)
  if (!existsSync(path.join(dir, 'package.json'))) continue
  if (!existsSync(path.join(dir, 'dist'))) {
    console.error(`${name}: no dist/ (run pnpm build first)`)
    failed++
    continue
  }
  for (const [tool, args] of [
    ['publint', ['--strict']],
    // The source condition points at .ts files for development; attw checks the published conditions.
    ['attw', ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped', '--exclude-entrypoints', 'package.json']],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd: dir, stdio: 'pipe', encoding: 'utf8' })
      console.log(`${name}: ${tool} ok`)
    } catch (err) {
      failed++
      console.error(`${name}: ${tool} failed\n${err.stdout ?? ''}${err.stderr ?? ''}`)
    }
  }
}
if (failed) {
  console.error(`${failed} package check(s) failed`)
  process.exit(1)
}
