// Issue 21: an uncaught error in a user's script on the wasm backend exits 1 with the user's stack,
// not with code 7 and ~39 KB of emscripten's minified source.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const script = path.join(root, 'tests/fixtures/uncaught-after-inittf.ts')

function run(mode: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@theoryml/source', '--import', 'tsx', script, mode], { cwd: root })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('close', (status) => resolve({ status, out }))
  })
}

test("uncaught errors after initTf() on wasm: exit code 1, the user's message and stack, no emscripten source", async () => {
  const [thrown, rejected] = await Promise.all([run('throw'), run('reject')])
  for (const [{ status, out }, message] of [[thrown, 'user error in my script'], [rejected, 'user rejection in my script']] as const) {
    expect(out).toMatch(/backend wasm/)
    expect(status, out.slice(0, 500)).toBe(1)
    expect(out).toContain(`Error: ${message}`)
    expect(out).toMatch(/uncaught-after-inittf\.ts:\d+/)
    expect(out).not.toMatch(/WasmBackendModule|tfjs-backend-wasm\.js/)
    expect(out.length).toBeLessThan(4000)
  }
}, 180_000)
