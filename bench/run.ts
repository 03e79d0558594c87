/**
 * `pnpm bench [names…] [--rounds N]`: runs bench/*.bench.ts and, where
 * `/usr/bin/python3 -c 'import torch, scipy, numpy, networkx'` works, the reference scripts in
 * bench/reference/, and prints workload | theoryml | reference | ratio | target (ratio = theoryml
 * time / reference time; below 1 is faster). With `--rounds N` (default 1) each group alternates
 * N times between its reference script and its TypeScript workloads and reports the medians, so a
 * load spike on a shared machine hits both sides. Then it measures the platform's peaks (plain
 * TypeScript float64 matmul and memory stream, the tfjs backend's 2-D matMul) and prints a
 * roofline for every workload with a flop or byte count.
 * A run of every group (no names) also writes docs/benchmarks.md (between its generated-table
 * markers; `THEORYML_BENCH_CLOCK=cpu` runs go to a second section) with the machine it ran on;
 * the JSON goes to bench/results/.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CLOCK, STAT, timeWorkload, type Bench } from './harness'

const here = path.dirname(fileURLToPath(import.meta.url))
const PY = process.env.THEORYML_PYTHON ?? '/usr/bin/python3'
const ONE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }
const INSTALL = 'apt-get install -y python3-torch python3-scipy python3-numpy python3-networkx'

function referenceAvailable(): boolean {
  try {
    execFileSync(PY, ['-c', 'import torch, scipy, numpy, networkx'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function pythonVersions(): string {
  try {
    return execFileSync(PY, ['-c', 'import sys, torch, numpy, scipy; print(f"Python {sys.version.split()[0]}, torch {torch.__version__}, numpy {numpy.__version__}, scipy {scipy.__version__}")'], { encoding: 'utf8' }).trim()
  } catch {
    return 'reference side not available'
  }
}

function fmt(s: number | null | undefined): string {
  if (s === undefined || s === null || !Number.isFinite(s)) return '—'
  return s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(3)} s`
}

function median(xs: number[]): number | null {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (!v.length) return null
  const h = v.length >> 1
  return v.length % 2 ? (v[h] as number) : ((v[h - 1] as number) + (v[h] as number)) / 2
}

const args = process.argv.slice(2)
let rounds = 1
const only: string[] = []
for (let i = 0; i < args.length; i++) {
  const a = args[i] as string
  if (a === '--rounds') rounds = Math.max(1, Number.parseInt(args[++i] ?? '1', 10) || 1)
  else only.push(a)
}

interface Row {
  bench: string
  workload: string
  theoryml: number | null
  reference: number | null
  ratio: number | null
  target: number | 'ahead' | null
  met: boolean | null
  flops?: number | undefined
  bytes?: number | undefined
  engine?: 'js' | 'tfjs' | undefined
}

const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()
const haveRef = referenceAvailable()
if (!haveRef) console.log(`(reference side skipped: ${PY} cannot import torch, scipy, numpy and networkx; ${INSTALL})`)
const loadBefore = os.loadavg()
const rows: Row[] = []
const peaks: Record<'js' | 'tfjs', { gflops?: number | undefined; gbytes?: number | undefined; name: string }[]> = { js: [], tfjs: [] }
for (const file of files) {
  const bench = (await import(pathToFileURL(path.join(here, file)).href)).default as Bench
  if (only.length && !only.includes(bench.name)) continue
  const refTimes = new Map<string, number[]>()
  const ourTimes = new Map<string, number[]>()
  for (let r = 0; r < rounds; r++) {
    if (haveRef && bench.reference) {
      try {
        const out = execFileSync(PY, [path.join(here, 'reference', bench.reference)], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, THEORYML_BENCH_STAT: STAT, THEORYML_BENCH_CLOCK: CLOCK, ...(CLOCK === 'cpu' ? ONE_THREAD : {}) } })
        const ref = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>
        for (const [k, v] of Object.entries(ref)) refTimes.set(k, [...(refTimes.get(k) ?? []), v])
      } catch (err) {
        console.log(`(${bench.reference} failed: ${(err as Error).message.split('\n')[0]})`)
      }
    }
    for (const w of bench.workloads) ourTimes.set(w.name, [...(ourTimes.get(w.name) ?? []), await timeWorkload(w)])
  }
  for (const w of bench.workloads) {
    const t = median(ourTimes.get(w.name) ?? [])
    const ref = median(refTimes.get(w.name) ?? [])
    const ratio = t !== null && ref ? t / ref : null
    const target = ref ? (w.target ?? 1.5) : null
    const met = ratio === null || target === null ? null : ratio <= (target === 'ahead' ? 1 : target)
    const row: Row = { bench: bench.name, workload: w.name, theoryml: t, reference: ref, ratio, target, met, flops: w.flops, bytes: w.bytes, engine: w.engine }
    rows.push(row)
    console.log(`${bench.name} | ${w.name} | ${fmt(t)} | ${fmt(ref)} | ${ratio === null ? '—' : ratio.toFixed(2)} | ${targetText(target)}`)
  }
  for (const p of bench.peaks ?? []) {
    const t = await timeWorkload(p)
    peaks[p.engine].push({ name: p.name, gflops: p.flops ? p.flops / t / 1e9 : undefined, gbytes: p.bytes ? p.bytes / t / 1e9 : undefined })
  }
}
const loadAfter = os.loadavg()

function targetText(t: number | 'ahead' | null): string {
  return t === null ? '—' : t === 'ahead' ? '≤ 1 (stay ahead)' : `≤ ${t}`
}

function peakOf(engine: 'js' | 'tfjs', kind: 'gflops' | 'gbytes'): { value: number; name: string } | null {
  let best: { value: number; name: string } | null = null
  for (const p of peaks[engine]) {
    const v = p[kind]
    if (v !== undefined && (!best || v > best.value)) best = { value: v, name: p.name }
  }
  return best
}

const table = [
  '| workload | theoryml | reference | ratio | target | met |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.bench}: ${r.workload} | ${fmt(r.theoryml)} | ${fmt(r.reference)} | ${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${targetText(r.target)} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`),
]
const roof: string[] = []
for (const r of rows) {
  if (r.theoryml === null || !r.engine) continue
  if (r.flops) {
    const peak = peakOf(r.engine, 'gflops')
    const reached = r.flops / r.theoryml / 1e9
    roof.push(`| ${r.bench}: ${r.workload} | ${reached.toFixed(2)} GFLOP/s | ${peak ? `${peak.value.toFixed(2)} GFLOP/s (${peak.name})` : '—'} | ${peak ? `${((100 * reached) / peak.value).toFixed(0)} %` : '—'} | ${r.met === false ? 'missed' : r.met ? 'met' : '—'} |`)
  } else if (r.bytes) {
    const peak = peakOf(r.engine, 'gbytes')
    const reached = r.bytes / r.theoryml / 1e9
    roof.push(`| ${r.bench}: ${r.workload} | ${reached.toFixed(1)} GB/s | ${peak ? `${peak.value.toFixed(1)} GB/s (${peak.name})` : '—'} | ${peak ? `${((100 * reached) / peak.value).toFixed(0)} %` : '—'} | ${r.met === false ? 'missed' : r.met ? 'met' : '—'} |`)
  }
}
const roofTable = roof.length ? ['| workload | reached | measured peak (same run) | of peak | target |', '|---|---|---|---|---|', ...roof] : []
const cpus = os.cpus()
const machine = [
  `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (${os.platform()} ${os.arch()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
  `- Node ${process.version}; reference: ${haveRef ? pythonVersions() : 'not run'}`,
  `- Date: ${new Date().toISOString()}; ${CLOCK === 'cpu' ? 'CPU time (user + system), one thread on each side' : 'wall clock'}, each time the ${STAT === 'min' ? 'minimum' : 'median'} of its runs after a warm-up, ${rounds} round${rounds > 1 ? 's (median of rounds)' : ''}; load average ${loadBefore[0]?.toFixed(1)} before, ${loadAfter[0]?.toFixed(1)} after`,
]

console.log(`\nworkload | theoryml | reference | ratio (theoryml/reference; < 1 is faster) | target`)
for (const r of rows) console.log(`${r.bench}: ${r.workload} | ${fmt(r.theoryml)} | ${fmt(r.reference)} | ${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${targetText(r.target)}`)
if (roofTable.length) console.log(`\nroofline\n${roofTable.join('\n')}`)
console.log(`\n${machine.join('\n')}`)

mkdirSync(path.join(here, 'results'), { recursive: true })
const out = path.join(here, 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
writeFileSync(out, JSON.stringify({ node: process.version, cpu: cpus[0]?.model, cores: cpus.length, rounds, reference: haveRef ? PY : null, rows, peaks }, null, 2))
console.log(`written ${path.relative(process.cwd(), out)}`)

if (!only.length) {
  const doc = path.join(here, '..', 'docs', 'benchmarks.md')
  const tag = CLOCK === 'cpu' ? 'bench-cpu' : 'bench'
  const START = `<!-- ${tag}:start (generated by \`pnpm bench\`; do not edit by hand) -->`
  const END = `<!-- ${tag}:end -->`
  const generated = [START, '', ...machine, '', ...table, '', ...(roofTable.length ? ['Roofline (GFLOP/s or GB/s reached, against the peak measured in the same run):', '', ...roofTable, ''] : []), END].join('\n')
  let text = existsSync(doc) ? readFileSync(doc, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`
  const a = text.indexOf(START)
  const b = text.indexOf(END)
  text = a >= 0 && b > a ? text.slice(0, a) + generated + text.slice(b + END.length) : `${text.trimEnd()}\n\n${generated}\n`
  writeFileSync(doc, text)
  console.log(`written ${path.relative(process.cwd(), doc)}`)
}
