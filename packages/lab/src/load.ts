// Finding and loading experiment files (Node only): one resolver for example folders, one module loader.
import { access, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AnyExperiment } from './experiment'

/** The files an example folder may keep its experiment in, in the order they are looked for. */
const EXAMPLE_FILES = ['run.ts', 'run.mts', 'run.js', 'run.mjs']

/** What an example folder must hold, for error messages. */
export const EXPECTED_FILES = `${EXAMPLE_FILES.slice(0, -1).join(', ')} or ${EXAMPLE_FILES.at(-1)}`

/** The experiment file of example `name` under `dir` (run.ts, run.mts, run.js, run.mjs), or undefined. */
export async function exampleFile(dir: string, name: string): Promise<string | undefined> {
  for (const f of EXAMPLE_FILES) {
    const p = path.resolve(dir, name, f)
    if (await access(p).then(() => true, () => false)) return p
  }
  return undefined
}

/**
 * Names of the examples: folders of `dir` holding a run.ts, run.mts, run.js or run.mjs. A missing
 * folder is an error.
 * @example await listExamples('examples') // ['least-squares', …]
 */
export async function listExamples(dir: string): Promise<string[]> {
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    throw new Error(`examples folder '${dir}' does not exist (expected folders ${path.join(dir, '<name>')}/ holding ${EXPECTED_FILES})`)
  }
  const names: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) if (e.isDirectory() && (await exampleFile(dir, e.name))) names.push(e.name)
  return names.sort()
}

/**
 * Load an example's experiment: the default export of `<dir>/<name>/run.ts` (or run.mts, run.js, run.mjs).
 * @example const exp = await loadExample('examples', 'least-squares')
 */
export async function loadExample(dir: string, name: string): Promise<AnyExperiment> {
  const file = await exampleFile(dir, name)
  if (!file) throw new Error(`example '${name}' not found (expected ${path.join(dir, name)}/ to hold ${EXPECTED_FILES})`)
  return importExperiment(file)
}

let tsx: Promise<typeof import('tsx/esm/api')> | undefined

/**
 * tsx's API, its ESM and CommonJS hooks registered in this thread once (so later imports of
 * TypeScript work; a project whose package.json says "type": "commonjs" compiles run.ts as CommonJS).
 */
function registerTsx(file: string): Promise<typeof import('tsx/esm/api')> {
  tsx ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(
    ([esm, cjs]) => { esm.register(); cjs.register(); return esm },
    (err: unknown) => {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
      throw new Error(`${file}: loading TypeScript needs tsx, which is not installed: npm install -D tsx (or write the experiment as run.js)`)
    },
  )
  return tsx
}

/**
 * Import an experiment module and return its default export. JavaScript loads as it is, and so does
 * TypeScript where the thread already runs it (`node --import tsx`, vitest); otherwise, on Node's
 * "Unknown file extension .ts", tsx is registered (once a thread) and the module loaded through it.
 */
export function importExperiment(file: string): Promise<AnyExperiment> {
  const url = pathToFileURL(path.resolve(file)).href
  let exp = imported.get(url)
  if (!exp) imported.set(url, (exp = importOnce(file, url)))
  return exp
}

/** Experiments imported in this thread, by URL (a sweep worker loads its experiment once, not once a point). */
const imported = new Map<string, Promise<AnyExperiment>>()

async function importOnce(file: string, url: string): Promise<AnyExperiment> {
  let mod: { default?: unknown }
  try {
    mod = (await import(url)) as typeof mod
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string }
    if (!(code === 'ERR_UNKNOWN_FILE_EXTENSION' && /"\.[cm]?ts"/.test(message ?? '')) && code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') throw err
    // Node keeps the failed import (the file, or a TypeScript file it imports) in its cache: tsImport loads under fresh URLs.
    mod = (await (await registerTsx(file)).tsImport(url, import.meta.url)) as typeof mod
  }
  let exp = mod.default as (AnyExperiment & { default?: AnyExperiment }) | undefined
  // TypeScript in a CommonJS project is compiled to CommonJS: the default export is one level down.
  if (exp && typeof exp.run !== 'function' && exp.default) exp = exp.default
  if (!exp || typeof exp.run !== 'function' || typeof exp.name !== 'string') throw new Error(`${file}: expected a default export made by defineExperiment`)
  return exp
}
