import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runExperiment, type AnyExperiment, type Claim } from './experiment'
import { EXPECTED_FILES, exampleFile, listExamples, loadExample } from './load'
import { renderSvg } from './plot'
import { progressBar } from './progress'
import { mergeRecords, sweep } from './sweep'

/** Parsed `theoryml repro` arguments. */
export interface ReproArgs {
  names: string[]
  full: boolean
  seed: number
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

/**
 * Parse `repro` arguments; unknown flags and a non-integer seed throw.
 * @example parseReproArgs(['ssm-poisoning', '--json']).json // true
 */
export function parseReproArgs(argv: readonly string[]): ReproArgs {
  const args: ReproArgs = { names: [], full: false, seed: 0, out: 'out', json: false, examples: 'examples' }
  for (const { flag: a, value } of walkArgs(argv)) {
    if (a === '--full') args.full = true
    else if (a === '--json') args.json = true
    else if (a === '--seed') {
      const v = value()
      if (!/^-?\d+$/.test(v)) throw new Error(`--seed: expected an integer, got '${v}'`)
      args.seed = Number(v)
    } else if (a === '--out') args.out = value()
    else if (a === '--examples') args.examples = value()
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`)
    else args.names.push(a)
  }
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

/** Run one example: print its claims (unless --json), write its figures and result.json. */
async function reproOne(name: string, args: ReproArgs, io: CliIo): Promise<Record<string, unknown> & { claims: Claim[]; seconds: number }> {
  const exp: AnyExperiment = await loadExample(args.examples, name)
  io.stderr(`▶ ${name}${args.full ? ' (full)' : ''}: ${exp.title ?? exp.name}\n`)
  const bar = progressBar({ write: io.stderr, isTTY: io.isTTY ?? false }, name)
  let result
  try {
    result = await runExperiment(exp, { full: args.full, seed: args.seed, log: (m) => io.stderr(`  ${m}\n`), progress: (f, label) => bar.update(f, label) })
  } finally {
    bar.done()
  }
  const dir = path.resolve(args.out, name)
  await mkdir(dir, { recursive: true })
  const figures: string[] = []
  for (const [fname, fig] of Object.entries(result.figures)) {
    const file = path.join(dir, `${fname}.svg`)
    await writeFile(file, await renderSvg(fig))
    figures.push(path.relative(process.cwd(), file))
  }
  await writeFile(path.join(dir, 'result.json'), JSON.stringify({ name, paper: exp.paper, config: result.config, metrics: result.metrics, claims: result.claims, seconds: result.seconds }, null, 2))
  if (!args.json) {
    io.stdout(`\n${name} — ${exp.paper} (${result.seconds.toFixed(1)} s)\n`)
    for (const c of result.claims) io.stdout(`  ${c.holds ? 'holds ✔' : 'FAILS ✘'} | ${c.statement} | measured ${fmt(c.measured)} | expected ${c.expected}\n`)
    if (figures.length) io.stdout(`  figures: ${figures.join(', ')}\n`)
  }
  return { name, paper: exp.paper, title: exp.title, seconds: result.seconds, claims: result.claims, metrics: result.metrics, figures }
}

/** The summary table: example | claims held | seconds | status. */
function summaryTable(rows: readonly ReproRow[]): string {
  const cells = [['example', 'claims held', 'seconds', 'status'], ...rows.map((r) => [
    r.name, r.status === 'CRASHED' ? '—' : `${r.held}/${r.claims}`, r.seconds.toFixed(1), r.status,
  ])]
  const widths = [0, 1, 2].map((j) => Math.max(...cells.map((c) => (c[j] as string).length)))
  return cells.map((c) => c.map((x, j) => (j < 3 ? x.padEnd(widths[j] as number) : x)).join(' | ')).join('\n') + '\n'
}

/**
 * Run `theoryml repro`: every named example (all when none), one row a claim, figures to `out/`,
 * then a summary table. An example that throws is reported as CRASHED and the others still run.
 * Returns the exit code: 0 when every claim holds, 1 when a claim fails or an example crashed.
 * @example process.exitCode = await repro(['least-squares'])
 */
export async function repro(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const args = parseReproArgs(argv)
  const names = await pickExamples(args.examples, args.names)
  const examples: Array<Record<string, unknown>> = []
  const rows: ReproRow[] = []
  for (const name of names) {
    const t0 = performance.now()
    try {
      const r = await reproOne(name, args, io)
      const held = r.claims.filter((c) => c.holds).length
      examples.push({ ...r, status: held === r.claims.length ? 'ok' : 'FAILED' })
      rows.push({ name, claims: r.claims.length, held, seconds: r.seconds, status: held === r.claims.length ? 'ok' : 'FAILED' })
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      io.stderr(`✘ ${name} crashed: ${(err instanceof Error && err.stack) || error}\n`)
      if (!args.json) io.stdout(`\n${name} — CRASHED: ${error}\n`)
      const seconds = (performance.now() - t0) / 1000
      examples.push({ name, seconds, status: 'CRASHED', error, claims: [] })
      rows.push({ name, claims: 0, held: 0, seconds, status: 'CRASHED', error })
    }
  }
  const claims = rows.reduce((n, r) => n + r.claims, 0)
  const held = rows.reduce((n, r) => n + r.held, 0)
  const crashed = rows.filter((r) => r.status === 'CRASHED').length
  const holds = held === claims && crashed === 0
  if (args.json) {
    io.stdout(JSON.stringify({ full: args.full, seed: args.seed, summary: rows, examples, claims, held, crashed, holds }, null, 2) + '\n')
  } else {
    io.stdout(`\n${summaryTable(rows)}\n${held}/${claims} claims hold${crashed ? `; ${crashed} of ${rows.length} examples crashed` : ''}\n`)
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
    } else if (a === '--seeds') {
      const v = value()
      if (/^\d+$/.test(v)) seeds = Number(v)
      else if (/^-?\d+(,-?\d+)*$/.test(v)) seeds = v.split(',').map(Number)
      else throw new Error(`--seeds: expected a count or a list of integers, got '${v}'`)
    } else if (a === '--workers') {
      const v = value()
      if (!/^\d+$/.test(v)) throw new Error(`--workers: expected a non-negative integer, got '${v}'`)
      workers = Number(v)
    } else if (a === '--shard') {
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
  repro: { run: repro, usage: `repro [names…] [--full] [--seed N] [--out DIR] [--json] [--examples DIR]
      run the examples' reproductions (all when none is named), print their claims and a summary;
      exit 1 when a claim fails or an example crashes` },
  sweep: { run: sweepCommand, usage: `sweep <example> [--grid key=v1,v2 …] [--seeds N | --seeds 0,3,7] [--workers N]
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
