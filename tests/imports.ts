/** The import graph of a package's sources, for the tests that keep its entries' tracks apart. */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Source files reachable from the file `entry` (an absolute path) through relative imports
 * (`from './x'` resolving to x.ts or x/index.ts; type-only imports and re-exports included).
 */
export function reachable(entry: string): string[] {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length) {
    const file = stack.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    for (const m of readFileSync(file, 'utf8').matchAll(/from\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = path.resolve(path.dirname(file), m[1] as string)
      const hit = [`${base}.ts`, path.join(base, 'index.ts')].find((p) => existsSync(p))
      if (hit) stack.push(hit)
    }
  }
  return [...seen]
}
