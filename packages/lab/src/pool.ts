// One worker-thread mechanism (piscina) for everything lab runs in parallel: sweep points, repro
// jobs (an example at a seed) and the tasks of `ctx.map`. Node only.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { WorkerInput } from './sweep-worker'

/** A pool of worker threads running {@link WorkerInput} tasks. */
export interface WorkerPool {
  run<T>(input: WorkerInput): Promise<T>
  destroy(): Promise<void>
}

/** The number of threads `--workers` defaults to: the cores Node may use (os.availableParallelism). */
export function defaultWorkers(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length)
}

/**
 * Start `threads` worker threads running sweep-worker (TypeScript sources get tsx at start-up when
 * this process does not already run it: `pnpm theoryml` passes --import tsx, vitest does not).
 */
export async function createPool(threads: number, minThreads = threads): Promise<WorkerPool> {
  const { Piscina } = await import('piscina')
  const self = import.meta.url
  const fromSource = self.endsWith('.ts')
  const workerFile = new URL(fromSource ? './sweep-worker.ts' : './sweep-worker.js', self)
  const execArgv = fromSource && !process.execArgv.some((a) => /(^|[=/\\])tsx([/\\]|$)/.test(a)) ? [...process.execArgv, '--import', pathToFileURL(createRequire(self).resolve('tsx')).href] : process.execArgv
  const pool = new Piscina({ filename: workerFile.href, maxThreads: threads, minThreads: Math.max(1, Math.min(threads, minThreads)), execArgv })
  return {
    run: (input) => pool.run(input),
    destroy: () => pool.destroy(),
  }
}

/**
 * Make sure `dir` exists (creating it) and that a file can be written in it, before any work is
 * done. The missing folders are created one level at a time from the nearest existing ancestor
 * (Node 20's recursive mkdir never returns under /proc); any failure is an error naming `what`.
 * @example ensureWritableDir('out', '--out')
 */
export function ensureWritableDir(dir: string, what: string): void {
  const abs = path.resolve(dir)
  const missing: string[] = []
  let cur = abs
  for (;;) {
    let st
    try {
      st = statSync(cur)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new Error(`${what}: cannot use '${dir}': ${cur} is not accessible (${code ?? (err as Error).message})`)
      const parent = path.dirname(cur)
      if (parent === cur) throw new Error(`${what}: cannot create '${dir}': no existing ancestor folder`)
      missing.unshift(cur)
      cur = parent
      continue
    }
    if (!st.isDirectory()) throw new Error(`${what}: cannot create '${dir}': ${cur} exists and is not a folder`)
    break
  }
  for (const d of missing) {
    try {
      mkdirSync(d)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue
      throw new Error(`${what}: cannot create the folder '${d}' (${code ?? (err as Error).message})`)
    }
  }
  const probe = path.join(abs, `.theoryml-write-test-${process.pid}`)
  try {
    writeFileSync(probe, '')
    rmSync(probe, { force: true })
  } catch (err) {
    throw new Error(`${what}: cannot write in '${dir}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
}
