/** Read a committed JSON fixture from tests/fixtures (tests never need Python). */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')

/** Parse tests/fixtures/<name>. */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T
}
