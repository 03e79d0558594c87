/**
 * `pnpm bench [names…]`: runs bench/*.bench.ts and, where `/usr/bin/python3 -c 'import torch, scipy'`
 * works, the reference scripts in bench/reference/, and prints
 * workload | theoryml | reference | ratio (theoryml time / reference time; below 1 is faster).
 * The table is also written as JSON to bench/results/.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { timeWorkload, type Bench } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))
const PY = process.env.THEORYML_PYTHON ?? '/usr/bin/python3'

function referenceAvailable(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torch, scipy, numpy'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function fmt(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '—'
  return s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(3)} s`
}

const only = process.argv.slice(2)
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()
const haveRef = referenceAvailable()
if (!haveRef) console.log(`(reference side skipped: ${PY} cannot import torch and scipy; apt-get install python3-torch python3-scipy)`)
const rows: Array<{ bench: string; workload: string; theoryml: number; reference: number | null; ratio: number | null }> = []
for (const file of files) {
  const bench = (await import(pathToFileURL(path.join(here, file)).href)).default as Bench
  if (only.length && !only.includes(bench.name)) continue
  let ref: Record<string, number> = {}
  if (haveRef && bench.reference) {
    try {
      const out = execFileSync(PY, [path.join(here, 'reference', bench.reference)], { encoding: 'utf8', maxBuffer: 1 << 24 })
      ref = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>
    } catch (err) {
      console.log(`(${bench.reference} failed: ${(err as Error).message.split('\n')[0]})`)
    }
  }
  for (const w of bench.workloads) {
    const t = await timeWorkload(w)
    const r = ref[w.name]
    const row = { bench: bench.name, workload: w.name, theoryml: t, reference: r ?? null, ratio: r ? t / r : null }
    rows.push(row)
    console.log(`${bench.name} | ${w.name} | ${fmt(t)} | ${fmt(r)} | ${row.ratio === null ? '—' : row.ratio.toFixed(2)}`)
  }
}
mkdirSync(path.join(here, 'results'), { recursive: true })
const out = path.join(here, 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
writeFileSync(out, JSON.stringify({ node: process.version, reference: haveRef ? PY : null, rows }, null, 2))
console.log(`\nworkload | theoryml | reference | ratio (theoryml/reference; < 1 is faster)`)
for (const r of rows) console.log(`${r.bench}: ${r.workload} | ${fmt(r.theoryml)} | ${fmt(r.reference ?? undefined)} | ${r.ratio === null ? '—' : r.ratio.toFixed(2)}`)
console.log(`written ${path.relative(process.cwd(), out)}`)
