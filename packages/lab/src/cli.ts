import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Claim, TaskContext } from './experiment'
import { EXPECTED_FILES, exampleFile, listExamples } from './load'
import { createPool, defaultWorkers, ensureWritableDir, type WorkerPool } from './pool'
import { progressBar } from './progress'
import { runReproJob, type ReproJob, type ReproJobResult } from './repro-job'
import { claimsOverSeeds } from './seeds'
import { mergeRecords, sweep } from './sweep'

/** Parsed `theoryml repro` arguments. */
export interface ReproArgs {
  names: string[]
  full: boolean
  seed: number
  /** `--seeds`: run every example at each of these seeds and report, per claim, how many it held at. */
  seeds?: number[]
  /** Worker threads (`--workers`, default: the number of cores); 1 runs everything in this thread. */
  workers: number
  out: string
  json: boolean
  examples: string
}

/** Where the CLI writes (replaceable in tests). */
export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** Draw progress bars in place (stderr is a terminal). */
  isTTY?: boolean
}

/** Walk command-line arguments: each step gives the argument and `value()`, which consumes the next one. */
function* walkArgs(argv: readonly string[]): Generator<{ flag: string; value: () => string }> {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    yield {
      flag,
      value: () => {
        const v = argv[++i]
        if (v === undefined) throw new Error(`${flag}: expected a value`)
        return v
      },
    }
  }
}

/** The most seeds one `--seeds` may name (a typo like 0-1000000 is an error, not a week of work). */
const MAX_SEEDS = 10_000

/**
 * Parse a `--seeds` value, shared by `repro` and `sweep`: a count `n` (seeds 0 … n−1), or a
 * comma-separated list of integers and ranges `a-b` (a ≤ b, both ends included), e.g. `0,1,2`,
 * `0-4`, `0-2,7`. The seeds must be distinct and at least one.
 * @example parseSeeds('0-2,7') // [0, 1, 2, 7]
 */
export function parseSeeds(spec: string, flag = '--seeds'): number[] {
  const bad = (): Error => new Error(`${flag}: expected a count, or a list of distinct integers and ranges like 0,1,2 or 0-4, got '${spec}'`)
  let seeds: number[]
  if (/^\d+$/.test(spec)) {
    const n = Number(spec)
    if (n < 1) throw new Error(`${flag}: expected at least one seed, got the count ${spec} (a list or range names seeds: 0-4, 0,1,2)`)
    if (n > MAX_SEEDS) throw new Error(`${flag}: at most ${MAX_SEEDS} seeds, got ${spec}`)
    seeds = Array.from({ length: n }, (_, i) => i)
  } else {
    seeds = []
    for (const item of spec.split(',')) {
      const range = /^(\d+)-(\d+)$/.exec(item)
      if (range) {
        const [a, b] = [Number(range[1]), Number(range[2])]
        if (a > b) throw new Error(`${flag}: the range ${item} runs backwards (write ${b}-${a})`)
        if (b - a + 1 + seeds.length > MAX_SEEDS) throw new Error(`${flag}: at most ${MAX_SEEDS} seeds, got the range ${item}`)
        for (let s = a; s <= b; s++) seeds.push(s)
      } else if (/^-?\d+$/.test(item)) seeds.push(Number(item))
      else throw bad()
    }
  }
  if (!seeds.every(Number.isSafeInteger)) throw bad()
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i)
  if (dup !== undefined) throw new Error(`${flag}: seed ${dup} appears more than once in '${spec}'`)
  return seeds
}

function parseWorkers(v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--workers: expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, got '${v}'`)
  return Number(v)
}

/**
 * Parse `repro` arguments; unknown flags, a non-integer seed, `--seed` together with `--seeds`, and
 * a worker count below 1 throw.
 * @example parseReproArgs(['ssm-poisoning', '--seeds', '0-4', '--json']).seeds // [0, 1, 2, 3, 4]
 */
export function parseReproArgs(argv: readonly string[]): ReproArgs {
  const args: ReproArgs = { names: [], full: false, seed: 0, workers: defaultWorkers(), out: 'out', json: false, examples: 'examples' }
  let seedGiven = false
  for (const { flag: a, value } of walkArgs(argv)) {
    if (a === '--full') args.full = true
    else if (a === '--json') args.json = true
    else if (a === '--seed') {
      const v = value()
      if (!/^-?\d+$/.test(v)) throw new Error(`--seed: expected an integer, got '${v}'`)
      args.seed = Number(v)
      seedGiven = true
    } else if (a === '--seeds') args.seeds = parseSeeds(value())
    else if (a === '--workers') args.workers = parseWorkers(value(), 1)
    else if (a === '--out') args.out = value()
    else if (a === '--examples') args.examples = value()
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`)
    else args.names.push(a)
  }
  if (seedGiven && args.seeds) throw new Error('--seeds: give either --seed or --seeds, not both (--seeds 3-3 runs seed 3 alone)')
  return args
}


/**
 * The examples of `dir` named in `names` (all of them when none is named). A missing folder, a folder
 * without examples and an unknown name are errors saying what was expected.
 */
async function pickExamples(dir: string, names: readonly string[]): Promise<string[]> {
  const all = await listExamples(dir)
  if (all.length === 0) throw new Error(`no examples in '${dir}' (expected folders ${path.join(dir, '<name>')}/ holding ${EXPECTED_FILES}; choose the folder with --examples DIR)`)
  for (const n of names) {
    if (!all.includes(n)) throw new Error(`unknown example '${n}': expected ${path.join(dir, n)}/ holding ${EXPECTED_FILES} (examples in '${dir}': ${all.join(', ')})`)
  }
  return names.length ? [...names] : all
}

function fmt(v: Claim['measured']): string {
  if (typeof v === 'number') return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4)))
  return String(v)
}

/** One example's line of the `repro` summary. */
interface ReproRow {
  name: string
  /** Number of claims checked (0 when the example crashed). */
  claims: number
  held: number
  seconds: number
  /** ok: every claim holds; FAILED: a claim fails; CRASHED: the example threw. */
  status: 'ok' | 'FAILED' | 'CRASHED'
  error?: string
}

/** A job's outcome: its result, or the error it crashed with. */
interface Outcome {
  name: string
  seed: number
  result?: ReproJobResult
  error?: string
  stack?: string
  seconds: number
}

/** The text block of one example's claims (single-seed mode). */
function claimsBlock(r: ReproJobResult): string {
  let s = `\n${r.name} — ${r.paper} (${r.seconds.toFixed(1)} s)\n`
  for (const c of r.claims) s += `  ${c.holds ? 'holds ✔' : 'FAILS ✘'} | ${c.statement} | measured ${fmt(c.measured)} | expected ${c.expected}${c.paper !== undefined ? ` | paper ${c.paper}` : ''}\n`
  if (r.figures.length) s += `  figures: ${r.figures.join(', ')}\n`
  return s
}

/** Format a table: cells padded to their column's width, the last column left ragged. */
function table(cells: string[][]): string {
  const n = cells[0]!.length
  const widths = Array.from({ length: n - 1 }, (_, j) => Math.max(...cells.map((c) => (c[j] as string).length)))
  return cells.map((c) => c.map((x, j) => (j < n - 1 ? x.padEnd(widths[j] as number) : x)).join(' | ')).join('\n') + '\n'
}

/** The summary table: example | claims held | seconds | status. */
function summaryTable(rows: readonly ReproRow[]): string {
  return table([['example', 'claims held', 'seconds', 'status'], ...rows.map((r) => [
    r.name, r.status === 'CRASHED' ? '—' : `${r.held}/${r.claims}`, r.seconds.toFixed(1), r.status,
  ])])
}

/**
 * Run the jobs (examples × seeds): in this thread one after the other with live logs and progress
 * bars when `workers` is 1 (or there is one job), otherwise on a pool of worker threads. Either way
 * `emit` sees the outcomes in job order, each as soon as it and every job before it has finished.
 */
async function runJobs(jobs: readonly ReproJob[], workers: number, io: CliIo, emit: (o: Outcome) => void): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  const label = (j: ReproJob, seeds: boolean): string => `${j.name}${seeds ? ` seed ${j.seed}` : ''}${j.full ? ' (full)' : ''}`
  const seedsMode = new Set(jobs.map((j) => j.seed)).size > 1
  const crashed = (j: ReproJob, err: unknown, seconds: number): Outcome => {
    const error = err instanceof Error ? err.message : String(err)
    return { name: j.name, seed: j.seed, error, stack: (err instanceof Error && err.stack) || error, seconds }
  }
  if (workers <= 1 || jobs.length === 1) {
    // In this thread. A lone job may still spread its ctx.map tasks over a pool, started on first use.
    let pool: Promise<WorkerPool> | undefined
    try {
      for (const job of jobs) {
        const bar = progressBar({ write: io.stderr, isTTY: io.isTTY ?? false }, label(job, seedsMode))
        const t0 = performance.now()
        let o: Outcome
        try {
          const result = await runReproJob(job, {
            onStart: (title) => io.stderr(`▶ ${label(job, seedsMode)}: ${title}\n`),
            log: (m) => io.stderr(`  ${m}\n`),
            progress: (f, l) => bar.update(f, l),
            ...(workers > 1 ? { map: async (task: string, inputs: readonly unknown[], ctx: TaskContext) => {
              const p = await (pool ??= createPool(Math.min(workers, inputs.length)))
              return Promise.all(inputs.map((input) => p.run({ kind: 'task', spec: job.spec, task, input, config: ctx.config, seed: ctx.seed, full: ctx.full })))
            } } : {}),
          })
          o = { name: job.name, seed: job.seed, result, seconds: result.seconds }
        } catch (err) {
          o = crashed(job, err, (performance.now() - t0) / 1000)
        } finally {
          bar.done()
        }
        outcomes.push(o)
        emit(o)
      }
    } finally {
      if (pool) await (await pool).destroy()
    }
    return outcomes
  }
  const pool = await createPool(Math.min(workers, jobs.length))
  io.stderr(`running ${jobs.length} jobs on ${Math.min(workers, jobs.length)} worker threads\n`)
  const done: Array<Outcome | undefined> = []
  let next = 0
  let finished = 0
  // Longest first (by the seconds the last run into the same folder took; unknown ones first), so
  // the last job to finish is a short one; the output order does not depend on it.
  const order = jobs.map((job, i) => ({ i, last: lastSeconds(job) })).sort((a, b) => b.last - a.last || a.i - b.i).map((x) => x.i)
  try {
    await Promise.all(order.map(async (i) => {
      const job = jobs[i] as ReproJob
      const t0 = performance.now()
      let o: Outcome
      try {
        const result = await pool.run<ReproJobResult>({ kind: 'repro', ...job })
        o = { name: job.name, seed: job.seed, result, seconds: result.seconds }
      } catch (err) {
        o = crashed(job, err, (performance.now() - t0) / 1000)
      }
      io.stderr(`  [${++finished}/${jobs.length}] ${label(job, seedsMode)}: ${o.result ? `${o.result.claims.filter((c) => c.holds).length}/${o.result.claims.length} claims hold` : 'crashed'} (${o.seconds.toFixed(1)} s)\n`)
      done[i] = o
      while (next < jobs.length && done[next]) {
        const d = done[next++] as Outcome
        const j = jobs[next - 1] as ReproJob
        if (d.result) {
          io.stderr(`▶ ${label(j, seedsMode)}: ${d.result.title}\n`)
          for (const m of d.result.logs) io.stderr(`  ${m}\n`)
        }
        outcomes.push(d)
        emit(d)
      }
    }))
  } finally {
    await pool.destroy()
  }
  return outcomes
}

/** Seconds the job took when last run into its folder (its result.json), Infinity when unknown. */
function lastSeconds(job: ReproJob): number {
  try {
    const seconds = (JSON.parse(readFileSync(path.join(job.dir, 'result.json'), 'utf8')) as { seconds?: unknown }).seconds
    return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : Infinity
  } catch {
    return Infinity
  }
}

/**
 * Run `theoryml repro`: every named example (all when none), one row a claim, figures to `out/`,
 * then a summary table. An example that throws is reported as CRASHED and the others still run.
 * With `--seeds` every example runs at each seed and the table gives, per claim, the seeds it held
 * at. Examples (and seeds) run on `--workers` threads; the output is printed in the same order, and
 * is the same, as with one. Returns the exit code: 0 when every claim holds (at every seed), 1 when a
 * claim fails or an example crashed.
 * @example process.exitCode = await repro(['least-squares', '--seeds', '0-4'])
 */
export async function repro(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const args = parseReproArgs(argv)
  const names = await pickExamples(args.examples, args.names)
  ensureWritableDir(args.out, '--out')
  const seeds = args.seeds ?? [args.seed]
  const jobs: ReproJob[] = []
  for (const name of names) {
    const spec = (await exampleFile(args.examples, name)) as string
    for (const seed of seeds) jobs.push({ spec, name, seed, full: args.full, dir: path.resolve(args.out, name, ...(args.seeds ? [`seed-${seed}`] : [])) })
  }
  const emitText = !args.json && !args.seeds
  const outcomes = await runJobs(jobs, args.workers, io, (o) => {
    if (!o.result) {
      io.stderr(`✘ ${o.name}${args.seeds ? ` seed ${o.seed}` : ''} crashed: ${o.stack}\n`)
      if (emitText) io.stdout(`\n${o.name} — CRASHED: ${o.error}\n`)
    } else if (emitText) io.stdout(claimsBlock(o.result))
  })
  const rows: ReproRow[] = outcomes.map((o) => {
    if (!o.result) return { name: o.name, claims: 0, held: 0, seconds: o.seconds, status: 'CRASHED', error: o.error as string }
    const held = o.result.claims.filter((c) => c.holds).length
    return { name: o.name, claims: o.result.claims.length, held, seconds: o.seconds, status: held === o.result.claims.length ? 'ok' : 'FAILED' }
  })
  const claims = rows.reduce((n, r) => n + r.claims, 0)
  const held = rows.reduce((n, r) => n + r.held, 0)
  const crashed = rows.filter((r) => r.status === 'CRASHED').length
  const holds = held === claims && crashed === 0
  const runs = outcomes.map((o, i) => o.result
    ? { name: o.name, seed: o.seed, paper: o.result.paper, title: o.result.title, seconds: o.seconds, claims: o.result.claims, metrics: o.result.metrics, figures: o.result.figures, status: rows[i]!.status }
    : { name: o.name, seed: o.seed, seconds: o.seconds, status: 'CRASHED', error: o.error, claims: [] })
  if (!args.seeds) {
    if (args.json) {
      const examples = runs.map(({ seed, ...r }) => { void seed; return r })
      io.stdout(JSON.stringify({ full: args.full, seed: args.seed, summary: rows, examples, claims, held, crashed, holds }, null, 2) + '\n')
    } else {
      io.stdout(`\n${summaryTable(rows)}\n${held}/${claims} claims hold${crashed ? `; ${crashed} of ${rows.length} examples crashed` : ''}\n`)
    }
    return holds ? 0 : 1
  }
  const table_ = claimsOverSeeds(outcomes.map((o) => ({ name: o.name, seed: o.seed, ...(o.result ? { claims: o.result.claims } : {}), ...(o.error !== undefined ? { error: o.error } : {}) })))
  const allSeeds = table_.filter((r) => r.held === r.seeds && r.seeds === seeds.length).length
  if (args.json) {
    const summary = rows.map((r, i) => ({ ...r, seed: outcomes[i]!.seed }))
    io.stdout(JSON.stringify({ full: args.full, seeds, summary, runs, table: table_, claims: table_.length, heldAtEverySeed: allSeeds, crashed, holds }, null, 2) + '\n')
  } else {
    io.stdout(`\n${table([['example', 'claim', 'held/seeds'], ...table_.map((r) => [r.example, r.claim, `${r.held}/${seeds.length}`])])}`)
    const failing = table_.filter((r) => r.held < seeds.length)
    if (failing.length) {
      io.stdout('\nnot held at every seed:\n')
      for (const r of failing) {
        io.stdout(`  ${r.example} | ${r.claim} | expected ${r.expected}\n`)
        for (const s of seeds) {
          const m = r.measured[String(s)]
          io.stdout(`    seed ${s}: ${m === undefined ? 'not checked' : `${r.failedSeeds.includes(s) ? 'FAILS' : 'holds'}, measured ${fmt(m)}`}\n`)
        }
      }
    }
    io.stdout(`\n${allSeeds}/${table_.length} claims hold at all ${seeds.length} seeds (seeds ${seeds.join(', ')})${crashed ? `; ${crashed} of ${rows.length} runs crashed` : ''}\n`)
  }
  return holds ? 0 : 1
}

function defaultIo(): CliIo {
  return { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY === true }
}

function parseValue(v: string): unknown {
  if (v === 'true') return true
  if (v === 'false') return false
  const n = Number(v)
  return v.trim() !== '' && Number.isFinite(n) ? n : v
}

/**
 * Run `theoryml sweep <example> …`; returns the exit code.
 * @example await sweepCommand(['ssm-poisoning', '--grid', 'initScale=0.01,0.001', '--seeds', '5', '--workers', '2'])
 */
export async function sweepCommand(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  let name: string | undefined
  const grid: Record<string, unknown[]> = {}
  let seeds: number | number[] = 1
  let workers = 0
  let shard = { index: 0, count: 1 }
  let outDir = '.sweep'
  let full = false
  let resume = true
  let examples = 'examples'
  for (const { flag: a, value } of walkArgs(argv)) {
    if (a === '--grid') {
      const spec = value()
      const eq = spec.indexOf('=')
      if (eq <= 0) throw new Error(`--grid: expected key=v1,v2, got '${spec}'`)
      grid[spec.slice(0, eq)] = spec.slice(eq + 1).split(',').map(parseValue)
    } else if (a === '--seeds') seeds = parseSeeds(value())
    else if (a === '--workers') workers = parseWorkers(value(), 0)
    else if (a === '--shard') {
      const m = /^(\d+)\/(\d+)$/.exec(value())
      if (!m) throw new Error('--shard: expected I/N, e.g. 0/4')
      shard = { index: Number(m[1]), count: Number(m[2]) }
    } else if (a === '--out') outDir = value()
    else if (a === '--examples') examples = value()
    else if (a === '--full') full = true
    else if (a === '--fresh') resume = false
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`)
    else if (name === undefined) name = a
    else throw new Error(`sweep: one example at a time (got '${name}' and '${a}')`)
  }
  if (!name) throw new Error('sweep: name the example to sweep')
  await pickExamples(examples, [name])
  ensureWritableDir(outDir, '--out')
  const result = await sweep({
    experiment: (await exampleFile(examples, name))!, grid, seeds, workers, shard, outDir, full, resume,
    onPoint: (r, done, total) => io.stderr(`  ${done}/${total} ${JSON.stringify(r.params)} seed ${r.seed}: ${r.claims.filter((c) => c.holds).length}/${r.claims.length} claims hold (${r.seconds.toFixed(1)} s)\n`),
  })
  io.stdout(`${result.file}: ${result.ran} points run, ${result.skipped} already there, ${result.records.length} records\n`)
  return 0
}

/**
 * Run `theoryml merge <files…> --out FILE`; returns the exit code.
 * @example await mergeCommand(['a.shard-0-of-2.jsonl', 'a.shard-1-of-2.jsonl', '--out', 'a.jsonl'])
 */
export async function mergeCommand(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const files: string[] = []
  let out: string | undefined
  for (const { flag: a, value } of walkArgs(argv)) {
    if (a === '--out') out = value()
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`)
    else files.push(a)
  }
  if (!out) throw new Error('merge: --out FILE is required')
  ensureWritableDir(path.dirname(path.resolve(out)), '--out')
  const merged = mergeRecords(files, out)
  io.stdout(`${out}: ${merged.length} records from ${files.length} files\n`)
  return 0
}

async function listCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let examples = 'examples'
  for (const { flag: a, value } of walkArgs(argv)) {
    if (a === '--examples') examples = value()
    else throw new Error(`unknown argument '${a}'`)
  }
  for (const n of await pickExamples(examples, [])) io.stdout(`${n}\n`)
  return 0
}

const COMMANDS: Record<string, { usage: string; run: (argv: readonly string[], io: CliIo) => Promise<number> }> = {
  list: { run: listCommand, usage: `list [--examples DIR]
      list the examples` },
  repro: { run: repro, usage: `repro [names…] [--full] [--seed N | --seeds 0-4] [--workers N] [--out DIR] [--json] [--examples DIR]
      run the examples' reproductions (all when none is named), print their claims and a summary;
      --seeds (a count, a list 0,1,2 or a range 0-4) runs each at several seeds and reports per claim
      how many it held at; --workers threads (default: the number of cores; 1: this thread);
      exit 1 when a claim fails (at any seed) or an example crashes` },
  sweep: { run: sweepCommand, usage: `sweep <example> [--grid key=v1,v2 …] [--seeds N | --seeds 0,3,7 | --seeds 0-4] [--workers N]
        [--shard I/N] [--out DIR] [--full] [--fresh] [--examples DIR]
      run an example over a grid × seeds into <out>/<name>[.shard-I-of-N].jsonl (default out: .sweep)` },
  merge: { run: mergeCommand, usage: `merge <files…> --out FILE
      join sweep shards into one JSON-lines file` },
}

const EXAMPLES_NOTE = `An example is a folder <DIR>/<name>/ holding ${EXPECTED_FILES} (default DIR: examples);
TypeScript experiments load through tsx (npm install -D tsx).`

const USAGE = `usage: theoryml <command> [--help]\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n${EXAMPLES_NOTE}\n`

/**
 * The `theoryml` command line: `list`, `repro`, `sweep`, `merge`; `--help` (or `-h`) after a command
 * prints its usage. Returns the exit code: 0, 1 when a claim fails or an example crashes, 2 for a
 * usage error (printed on stderr).
 * @example process.exitCode = await main(['repro', '--json'])
 */
export async function main(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [cmd, ...rest] = argv
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    ;(cmd === undefined ? io.stderr : io.stdout)(USAGE)
    return cmd === undefined ? 2 : 0
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined
  if (!command) {
    io.stderr(`theoryml: unknown command '${cmd}'\n${USAGE}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`usage: theoryml ${command.usage}\n${cmd === 'merge' ? '' : EXAMPLES_NOTE + '\n'}`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    io.stderr(`theoryml ${cmd}: ${(err as Error).message}\n`)
    return 2
  }
}
