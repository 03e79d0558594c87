import { mkdir, readdir, writeFile, access } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { runExperiment, type AnyExperiment, type Claim } from './experiment'
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

const USAGE = `usage: theoryml <command>
  list                                   list the examples
  repro [names…] [--full] [--seed N] [--out DIR] [--json] [--examples DIR]
                                         run examples' reproductions, print their claims
  sweep <example> [--grid key=v1,v2 …] [--seeds N | --seeds 0,3,7] [--workers N]
        [--shard I/N] [--out DIR] [--full] [--fresh]
                                         run an example over a grid × seeds into JSON lines
  merge <files…> --out FILE              join sweep shards into one JSON-lines file`

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
 * Names of the examples: folders of `dir` holding a `run.ts` (or `run.js`).
 * @example await listExamples('examples') // ['least-squares', …]
 */
export async function listExamples(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const names: string[] = []
  for (const e of entries) {
    if (!e.isDirectory()) continue
    if (await exampleFile(dir, e.name)) names.push(e.name)
  }
  return names.sort()
}

async function exampleFile(dir: string, name: string): Promise<string | undefined> {
  for (const f of ['run.ts', 'run.js', 'run.mjs']) {
    const p = path.resolve(dir, name, f)
    if (await access(p).then(() => true, () => false)) return p
  }
  return undefined
}

/**
 * Load an example's experiment (the default export of `examples/<name>/run.ts`).
 * @example const exp = await loadExample('examples', 'least-squares')
 */
export async function loadExample(dir: string, name: string): Promise<AnyExperiment> {
  const file = await exampleFile(dir, name)
  if (!file) throw new Error(`example '${name}' not found in ${dir} (expected ${dir}/${name}/run.ts)`)
  const mod = (await import(pathToFileURL(file).href)) as { default?: AnyExperiment }
  if (!mod.default || typeof mod.default.run !== 'function') throw new Error(`${file}: expected a default export made by defineExperiment`)
  return mod.default
}

function fmt(v: Claim['measured']): string {
  if (typeof v === 'number') return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4)))
  return String(v)
}

/**
 * Run `theoryml repro`: every named example (all when none), one row a claim, figures to `out/`,
 * exit code 1 when a claim fails. Returns the exit code.
 * @example process.exitCode = await repro(['least-squares'])
 */
export async function repro(argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const args = parseReproArgs(argv)
  const all = await listExamples(args.examples)
  const names = args.names.length ? args.names : all
  for (const n of names) if (!all.includes(n)) throw new Error(`unknown example '${n}' (have: ${all.join(', ')})`)
  const report: Array<Record<string, unknown>> = []
  let failed = 0
  for (const name of names) {
    const exp = await loadExample(args.examples, name)
    io.stderr(`▶ ${name}${args.full ? ' (full)' : ''}: ${exp.title}\n`)
    const bar = progressBar({ write: io.stderr, isTTY: io.isTTY ?? false }, name)
    const result = await runExperiment(exp, {
      full: args.full,
      seed: args.seed,
      log: (m) => io.stderr(`  ${m}\n`),
      progress: (f, label) => bar.update(f, label),
    })
    bar.done()
    const dir = path.resolve(args.out, name)
    await mkdir(dir, { recursive: true })
    const figures: string[] = []
    for (const [fname, fig] of Object.entries(result.series)) {
      const file = path.join(dir, `${fname}.svg`)
      await writeFile(file, await renderSvg(fig))
      figures.push(path.relative(process.cwd(), file))
    }
    await writeFile(path.join(dir, 'result.json'), JSON.stringify({ name, paper: exp.paper, config: result.config, metrics: result.metrics, claims: result.claims, seconds: result.seconds }, null, 2))
    for (const c of result.claims) if (!c.holds) failed++
    report.push({ name, paper: exp.paper, title: exp.title, seconds: result.seconds, claims: result.claims, metrics: result.metrics, figures })
    if (!args.json) {
      io.stdout(`\n${name} — ${exp.paper} (${result.seconds.toFixed(1)} s)\n`)
      for (const c of result.claims) {
        io.stdout(`  ${c.holds ? 'holds ✔' : 'FAILS ✘'} | ${c.statement} | measured ${fmt(c.measured)} | expected ${c.expected}\n`)
      }
      if (figures.length) io.stdout(`  figures: ${figures.join(', ')}\n`)
    }
  }
  const claims = report.flatMap((r) => r.claims as Claim[])
  if (args.json) {
    io.stdout(JSON.stringify({ full: args.full, seed: args.seed, examples: report, claims: claims.length, holds: failed === 0 }, null, 2) + '\n')
  } else {
    io.stdout(`\n${claims.length - failed}/${claims.length} claims hold\n`)
  }
  return failed === 0 ? 0 : 1
}

/** Where the CLI writes (replaceable in tests). */
export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  /** Draw progress bars in place (stderr is a terminal). */
  isTTY?: boolean
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
  const file = (await listExamples(examples)).includes(name) ? path.resolve(examples, name, 'run.ts') : undefined
  if (!file) throw new Error(`unknown example '${name}'`)
  const result = await sweep({
    experiment: file, grid, seeds, workers, shard, outDir, full, resume,
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

/**
 * The `theoryml` command line: `list`, `repro`.
 * @example await main(['repro', '--json'])
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv
  try {
    switch (cmd) {
      case 'list': {
        for (const n of await listExamples('examples')) process.stdout.write(`${n}\n`)
        return 0
      }
      case 'repro':
        return await repro(rest)
      case 'sweep':
        return await sweepCommand(rest)
      case 'merge':
        return await mergeCommand(rest)
      case undefined:
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n')
        return cmd === undefined ? 1 : 0
      default:
        process.stderr.write(`unknown command '${cmd}'\n${USAGE}\n`)
        return 2
    }
  } catch (err) {
    process.stderr.write(`theoryml: ${(err as Error).message}\n`)
    return 2
  }
}
