// The docs' "what reproduces" tables, generated from `theoryml repro --seeds … --json` (issue 19.4).
//
//   pnpm docs:tables                      rewrite the tables in docs/*.md from docs/data/claims.json
//   pnpm docs:tables --run [--seeds 0-4]  run every example at those seeds first (slow), save the JSON
//   pnpm docs:tables --from a.json …      save saved `repro --json` outputs (one or several, their
//                                         seeds combined; single-seed documents too) as the JSON
//   pnpm docs:tables --check              exit 1 if a table differs from the JSON (nothing written)
//
// A table sits between `<!-- claims:begin -->` and `<!-- claims:end -->`. In docs/<example>.md the
// markers mean that example's claims; elsewhere (docs/thesis.md) the begin marker names them:
// `<!-- claims:begin linear-nets tensor-factorization~HTF|locality -->`, where `name~regex` keeps the
// claims whose statement matches the regex (case-insensitive).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { claimsOverSeeds, type SeedRow } from '@theoryml/lab'

export const root = path.resolve(import.meta.dirname, '..')
export const docsDir = path.join(root, 'docs')
export const dataFile = path.join(docsDir, 'data', 'claims.json')

type Measured = number | string | boolean | null

/** One claim of one example over seeds, as saved in docs/data/claims.json (lab's SeedRow without the example). */
export type ClaimRow = Omit<SeedRow, 'example' | 'crashed'>

/** docs/data/claims.json. */
export interface ClaimsData {
  command: string
  date: string
  full: boolean
  /** Every seed some example ran at. */
  seeds: number[]
  /** Per example: its paper, the seeds it ran at, those it crashed at, its claims. */
  examples: Record<string, { paper: string; seeds: number[]; crashedSeeds: number[]; claims: ClaimRow[] }>
}

interface Run {
  name: string
  seed: number
  paper?: string
  status: string
  error?: string
  claims: Array<{ statement: string; measured: Measured; expected: string; holds: boolean; paper?: string }>
}

/** The runs (example × seed) of a `repro --json` document, with or without --seeds. */
function runsOf(doc: Record<string, unknown>): Run[] {
  if (Array.isArray(doc.runs)) return doc.runs as Run[]
  if (Array.isArray(doc.examples) && typeof doc.seed === 'number') return (doc.examples as Run[]).map((e) => ({ ...e, seed: doc.seed as number }))
  throw new Error('expected the output of `theoryml repro --json` (with or without --seeds)')
}

/**
 * Reduce one or more `repro --json` documents (their runs combined; a run given twice is an error) to
 * the claims table per example. Claims are matched by position when the example states the same
 * number of claims at every seed (statements may quote measured numbers; a row shows the statement
 * of the lowest seed), otherwise by statement.
 */
export function reduceRepro(docs: ReadonlyArray<Record<string, unknown>>, command: string, date: string): ClaimsData {
  const runs = docs.flatMap(runsOf)
  const full = docs.map((d) => d.full === true)
  if (new Set(full).size > 1) throw new Error('the documents mix quick and --full runs')
  const seen = new Set<string>()
  for (const r of runs) {
    const k = `${r.name} seed ${r.seed}`
    if (seen.has(k)) throw new Error(`${k} appears in more than one document`)
    seen.add(k)
  }
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b)
  const sorted = [...runs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.seed - b.seed))
  const table = claimsOverSeeds(sorted.map((r) => ({ name: r.name, seed: r.seed, ...(r.status !== 'CRASHED' ? { claims: r.claims } : {}) })))
  const examples: ClaimsData['examples'] = {}
  for (const name of [...new Set(sorted.map((r) => r.name))]) {
    const mine = sorted.filter((r) => r.name === name)
    const claims = table.filter((row) => row.example === name && !row.crashed).map(({ example, crashed, ...row }) => { void example; void crashed; return row })
    examples[name] = { paper: mine.find((r) => r.paper)?.paper ?? '', seeds: mine.map((r) => r.seed), crashedSeeds: mine.filter((r) => r.status === 'CRASHED').map((r) => r.seed), claims }
  }
  return { command, date, full: full[0] ?? false, seeds, examples }
}

function fmt(v: Measured | undefined): string {
  if (typeof v === 'number') return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(3)))
  return String(v)
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')

/** "ours": the value at the first seed, and the range over seeds when it varies. */
function ours(row: ClaimRow, seeds: readonly number[]): string {
  const values = seeds.map((s) => row.measured[String(s)]).filter((v) => v !== undefined)
  const first = values[0]
  if (values.length > 1 && values.every((v) => typeof v === 'number')) {
    const nums = values as number[]
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)]
    return lo === hi ? fmt(first) : `${fmt(first)} (${fmt(lo)} … ${fmt(hi)})`
  }
  return values.length > 1 && values.some((v) => v !== first) ? `${fmt(first)} (seed ${seeds.find((s) => row.measured[String(s)] !== undefined)})` : fmt(first)
}

function held(row: ClaimRow, seeds: readonly number[]): string {
  const base = `${row.held}/${seeds.length}`
  if (row.held === seeds.length) return base
  const notChecked = seeds.filter((s) => row.measured[String(s)] === undefined)
  return `${base} ✘${row.failedSeeds.length ? ` fails at ${row.failedSeeds.join(', ')}` : ''}${notChecked.length ? `${row.failedSeeds.length ? ';' : ''} not checked at ${notChecked.join(', ')}` : ''}`
}

/** A selection of claims: `name` (all its claims) or `name~regex`. */
function select(data: ClaimsData, spec: string): Array<{ example: string; row: ClaimRow; seeds: number[] }> {
  const [name, pattern] = spec.split('~') as [string, string | undefined]
  const ex = data.examples[name]
  if (!ex) return []
  const re = pattern ? new RegExp(pattern, 'i') : undefined
  return ex.claims.filter((c) => !re || re.test(c.claim)).map((row) => ({ example: name, row, seeds: ex.seeds }))
}

/** Seeds as a range when they are consecutive: 0–4; otherwise a list. */
function seedList(seeds: readonly number[]): string {
  return seeds.length > 1 && seeds.every((s, i) => i === 0 || s === (seeds[i - 1] as number) + 1) ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(', ')
}

/**
 * The generated region for `specs` (example names, each optionally `~regex`): a note saying where
 * it comes from, then claim | paper | ours | seeds held (with an example column for several examples).
 */
export function claimsTable(data: ClaimsData, specs: readonly string[]): string {
  const rows = specs.flatMap((s) => select(data, s))
  const names = specs.map((s) => s.split('~')[0] as string)
  const missing = names.filter((n) => !data.examples[n])
  const exSeeds = [...new Set(names.filter((n) => data.examples[n]).map((n) => seedList(data.examples[n]!.seeds)))]
  const lines = [`_Generated by \`pnpm docs:tables\` from \`docs/data/claims.json\` (${data.full ? '`--full`' : 'quick mode'}, ${data.seeds.length === 1 ? 'seed' : 'seeds'} ${exSeeds.join(' or ') || seedList(data.seeds)}, ${data.date}); do not edit by hand. "ours" is the value at the first seed (in brackets: the range over seeds)._`, '']
  for (const n of missing) lines.push(`_No data for \`${n}\` in docs/data/claims.json: run \`pnpm docs:tables --run\`._`, '')
  for (const sp of specs) if (sp.includes('~') && !missing.includes(sp.split('~')[0] as string) && select(data, sp).length === 0) lines.push(`_No claim of \`${sp.split('~')[0]}\` matches /${sp.slice(sp.indexOf('~') + 1)}/ (a statement changed? update the marker)._`, '')
  const crashed = names.filter((n) => data.examples[n]?.crashedSeeds.length).map((n) => `\`${n}\` crashed at seed ${data.examples[n]!.crashedSeeds.join(', ')}`)
  if (crashed.length) lines.push(`_${crashed.join('; ')}._`, '')
  if (rows.length) {
    const several = new Set(rows.map((r) => r.example)).size > 1
    lines.push(`| ${several ? 'example | ' : ''}claim | paper | ours | seeds held |`, `|${several ? '---|' : ''}---|---|---|---|`)
    for (const { example, row, seeds } of rows) lines.push(`| ${several ? `${example} | ` : ''}${cell(row.claim)} (expected ${cell(row.expected)}) | ${cell(row.paper ?? '—')} | ${cell(ours(row, seeds))} | ${held(row, seeds)} |`)
  }
  return lines.join('\n')
}

const BEGIN = /<!-- claims:begin([^>]*?)-->/g
const END = '<!-- claims:end -->'

/** Rewrite every marked region of a page (`page`: its example name when the markers name none). */
export function updatePage(text: string, data: ClaimsData, page: string): string {
  let out = ''
  let at = 0
  for (const m of text.matchAll(BEGIN)) {
    if (m.index < at) continue
    const start = m.index + m[0].length
    const end = text.indexOf(END, start)
    if (end < 0) throw new Error(`${page}: '${m[0]}' has no '${END}'`)
    const specs = (m[1] as string).trim().split(/\s+/).filter(Boolean)
    out += text.slice(at, start) + '\n' + claimsTable(data, specs.length ? specs : [page]) + '\n'
    at = end
  }
  return out + text.slice(at)
}

/** The docs pages with markers: docs/*.md. */
export function markedPages(): string[] {
  return readdirSync(docsDir).filter((f) => f.endsWith('.md') && readFileSync(path.join(docsDir, f), 'utf8').includes('<!-- claims:begin')).sort()
}

async function cli(argv: string[]): Promise<number> {
  const from: string[] = []
  let run = false
  let check = false
  let seeds = '0-4'
  const names: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--from') from.push(argv[++i] as string)
    else if (a === '--run') run = true
    else if (a === '--check') check = true
    else if (a === '--seeds') seeds = argv[++i] as string
    else if (a.startsWith('--')) throw new Error(`unknown option '${a}'`)
    else names.push(a)
  }
  const date = new Date().toISOString().slice(0, 10)
  if (run) {
    const { main } = await import('@theoryml/lab/node')
    const out: string[] = []
    const code = await main(['repro', ...names, '--seeds', seeds, '--json', '--out', path.join(root, 'out', 'docs-tables')], { stdout: (s) => void out.push(s), stderr: (s) => process.stderr.write(s) })
    if (code === 2) return 2
    const doc = JSON.parse(out.join('')) as Record<string, unknown>
    mkdirSync(path.dirname(dataFile), { recursive: true })
    writeFileSync(dataFile, JSON.stringify(reduceRepro([doc], `theoryml repro ${names.length ? names.join(' ') + ' ' : ''}--seeds ${seeds} --json`, date), null, 2) + '\n')
  } else if (from.length) {
    const docs = from.map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>)
    mkdirSync(path.dirname(dataFile), { recursive: true })
    const data = reduceRepro(docs, '', date)
    const perExample = new Set(Object.values(data.examples).map((e) => e.seeds.join(',')))
    data.command = perExample.size === 1 ? `theoryml repro --seeds ${data.seeds.join(',')} --json` : `${from.length} runs of theoryml repro … --json, combined (each example's seeds are listed with it)`
    writeFileSync(dataFile, JSON.stringify(data, null, 2) + '\n')
  }
  if (!existsSync(dataFile)) throw new Error(`${dataFile} is missing: run with --run or --from`)
  const data = JSON.parse(readFileSync(dataFile, 'utf8')) as ClaimsData
  let stale = 0
  for (const f of markedPages()) {
    const file = path.join(docsDir, f)
    const text = readFileSync(file, 'utf8')
    const next = updatePage(text, data, f.replace(/\.md$/, ''))
    if (next === text) continue
    stale++
    if (check) console.error(`docs/${f}: its claims table differs from docs/data/claims.json (run pnpm docs:tables)`)
    else writeFileSync(file, next)
  }
  if (!check) console.log(`docs tables: ${stale} page(s) rewritten from ${path.relative(root, dataFile)} (seeds ${data.seeds.join(', ')})`)
  return check && stale ? 1 : 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => { console.error(`docs:tables: ${(err as Error).message}`); process.exitCode = 2 })
}
