import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { assertInteger, assertKnownOptions } from '@theoryml/core'
import { resolveConfig, runExperiment, type AnyExperiment, type Claim } from './experiment'
import { importExperiment } from './load'
import { createPool, ensureWritableDir } from './pool'

/** One finished point of a sweep, as stored (one JSON line each). */
export interface SweepRecord {
  key: string
  experiment: string
  /** The experiment's `version` ('1' when it declares none). */
  version?: string
  params: Record<string, unknown>
  seed: number
  metrics: Record<string, unknown>
  claims: Claim[]
  seconds: number
}

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Path to an experiment module (run.ts, .mts, .js or .mjs; default export from defineExperiment); required with workers > 0. */
  experiment: string | AnyExperiment
  /** Config values to sweep: every combination is a point. */
  grid?: Record<string, readonly unknown[]>
  /** Seeds per point: a list, or a count n meaning 0 … n−1 (default 1). */
  seeds?: readonly number[] | number
  /** Worker threads (piscina); 0 runs in this thread (default: 0). */
  workers?: number
  /** Run only the points with index ≡ shard.index (mod shard.count), for job arrays. */
  shard?: { index: number; count: number }
  /** Folder of the JSON-lines file (default '.sweep'). */
  outDir?: string
  /** Skip points already in the file (default true). */
  resume?: boolean
  /** Run the full config instead of the quick one. */
  full?: boolean
  /** Called after each finished point. */
  onPoint?: (record: SweepRecord, done: number, total: number) => void
}

/** What {@link sweep} returns. */
export interface SweepResult {
  file: string
  records: SweepRecord[]
  ran: number
  skipped: number
}

/**
 * All combinations of a grid, in a fixed order (keys sorted, values in the given order).
 * @example gridPoints({ a: [1, 2], b: ['x'] }) // [{ a: 1, b: 'x' }, { a: 2, b: 'x' }]
 */
export function gridPoints(grid: Record<string, readonly unknown[]>): Array<Record<string, unknown>> {
  const keys = Object.keys(grid).sort()
  let points: Array<Record<string, unknown>> = [{}]
  for (const k of keys) {
    const values = grid[k]
    if (!Array.isArray(values) || values.length === 0) throw new Error(`grid.${k}: expected a non-empty array of values`)
    points = points.flatMap((p) => values.map((v) => ({ ...p, [k]: v })))
  }
  return points
}

/**
 * The identity of a point: the experiment and its version, its parameters (sorted keys), seed and
 * mode (quick or `full`), so a `--full` sweep never takes a quick run's record for its own, and a
 * sweep of a new version of the experiment recomputes the points an old version recorded.
 * @example pointKey({ samples: 100 }, 3, false, { name: 'least-squares', version: '2' }) // '{"experiment":"least-squares","version":"2","params":{"samples":100},"seed":3,"full":false}'
 */
export function pointKey(params: Record<string, unknown>, seed: number, full = false, experiment?: { name: string; version?: string | undefined }): string {
  const sorted = Object.fromEntries(Object.keys(params).sort().map((k) => [k, params[k]]))
  return JSON.stringify({ ...(experiment ? { experiment: experiment.name, version: experiment.version ?? '1' } : {}), params: sorted, seed, full })
}

/** Grid keys must be config keys of the experiment, and their values of the default's type (number, boolean, string). */
function checkGrid(exp: AnyExperiment, grid: Record<string, readonly unknown[]>, full: boolean): void {
  const config = resolveConfig(exp, { full }) as Record<string, unknown>
  for (const [key, values] of Object.entries(grid)) {
    if (!(key in config)) throw new Error(`grid.${key}: not a config key of '${exp.name}' (its keys: ${Object.keys(config).join(', ') || 'none'})`)
    const kind = typeof config[key]
    if (kind !== 'number' && kind !== 'boolean' && kind !== 'string') continue
    for (const v of values) {
      if (typeof v !== kind || (kind === 'number' && !Number.isFinite(v))) {
        throw new Error(`grid.${key}: expected ${kind === 'number' ? 'finite numbers' : `${kind}s`} like the default ${JSON.stringify(config[key])}, got ${JSON.stringify(v)}`)
      }
    }
  }
}

function isRecord(v: unknown): v is SweepRecord {
  const r = v as Partial<SweepRecord> | null
  return (
    typeof r === 'object' && r !== null && typeof r.key === 'string' && typeof r.experiment === 'string' &&
    typeof r.params === 'object' && r.params !== null && Number.isInteger(r.seed) && Array.isArray(r.claims)
  )
}

/**
 * Read a JSON-lines results file. Only a torn last line (a sweep killed mid-write: no newline at the
 * end of the file) is skipped, and that point is redone; any other line that is not a sweep record
 * (`key`, `experiment`, `params`, `seed`, `metrics`, `claims`) is an error naming the file and line,
 * never dropped in silence.
 * @example readRecords('.sweep/ssm-poisoning.jsonl').length
 */
export function readRecords(file: string): SweepRecord[] {
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  const last = lines.length - 1 // the text after the final newline: '' unless the last write was torn
  const out: SweepRecord[] = []
  lines.forEach((line, i) => {
    if (!line.trim()) return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      if (i === last) return // torn last line of an interrupted run
      throw new Error(`${file} line ${i + 1}: not valid JSON (a corrupt record; remove the line, or rerun the sweep with --fresh)`)
    }
    if (!isRecord(value)) throw new Error(`${file} line ${i + 1}: not a sweep record (expected an object with key, experiment, params, seed, metrics, claims)`)
    out.push(value)
  })
  return out
}

/**
 * Run one point: the experiment (or the path of its module) with config overrides `params` and a seed
 * (also the body of a worker task).
 * @example const rec = await runPoint('examples/least-squares/run.ts', { samples: 100 }, 0, false)
 */
export async function runPoint(spec: string | AnyExperiment, params: Record<string, unknown>, seed: number, full: boolean): Promise<SweepRecord> {
  const exp = typeof spec === 'string' ? await importExperiment(spec) : spec
  const r = await runExperiment(exp, { seed, full, config: params })
  return { key: pointKey(params, seed, full, exp), experiment: exp.name, version: exp.version ?? '1', params, seed, metrics: r.metrics, claims: r.claims, seconds: r.seconds }
}

/**
 * Run an experiment over a grid × seeds, in parallel on worker threads (piscina), appending each
 * finished point to `<outDir>/<name>[.shard-i-of-n].jsonl` as one JSON line (a single append, so
 * a killed sweep leaves whole lines). Run again, it redoes only the missing points; `shard` splits
 * the points into disjoint parts for job arrays, joined later by {@link mergeRecords}.
 * @example await sweep({ experiment: 'examples/ssm-poisoning/run.ts', grid: { initScale: [1e-2, 1e-3] }, seeds: 5, workers: 2 })
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  assertKnownOptions('sweep', options, ['experiment', 'grid', 'seeds', 'workers', 'shard', 'outDir', 'resume', 'full', 'onPoint'])
  const exp = typeof options.experiment === 'string' ? await importExperiment(options.experiment) : options.experiment
  const seeds = typeof options.seeds === 'number' || options.seeds === undefined
    ? Array.from({ length: options.seeds ?? 1 }, (_, i) => i)
    : [...options.seeds]
  seeds.forEach((s, i) => assertInteger(`seeds[${i}]`, s))
  if (seeds.length === 0) throw new Error('seeds: expected at least one seed (a count ≥ 1 or a non-empty list)')
  const dup = seeds.find((s, i) => seeds.indexOf(s) !== i)
  if (dup !== undefined) throw new Error(`seeds: seed ${dup} appears more than once`)
  const full = options.full ?? false
  checkGrid(exp, options.grid ?? {}, full)
  const workers = options.workers ?? 0
  assertInteger('workers', workers, { min: 0 })
  if (workers > 0 && typeof options.experiment !== 'string') throw new Error('experiment: worker threads need the path of the experiment module')
  const shard = options.shard ?? { index: 0, count: 1 }
  assertInteger('shard.count', shard.count, { min: 1 })
  assertInteger('shard.index', shard.index, { min: 0, max: shard.count - 1 })
  const points = gridPoints(options.grid ?? {}).flatMap((params) => seeds.map((seed) => ({ params, seed })))
  const mine = points.filter((_, i) => i % shard.count === shard.index)
  const outDir = options.outDir ?? '.sweep'
  ensureWritableDir(outDir, 'outDir')
  const file = path.join(outDir, `${exp.name}${shard.count > 1 ? `.shard-${shard.index}-of-${shard.count}` : ''}.jsonl`)
  const existing = options.resume === false ? [] : readRecords(file)
  // Rewrite the valid records: drops a torn last line so the next append starts on a fresh line.
  writeFileSync(file, existing.map((r) => JSON.stringify(r) + '\n').join(''))
  const done = new Set(existing.map((r) => r.key))
  const todo = mine.filter((p) => !done.has(pointKey(p.params, p.seed, full, exp)))
  const records = [...existing]
  let finished = 0
  const save = (rec: SweepRecord): void => {
    appendFileSync(file, JSON.stringify(rec) + '\n')
    records.push(rec)
    options.onPoint?.(rec, ++finished, todo.length)
  }
  if (workers === 0) {
    for (const p of todo) save(await runPoint(exp, p.params, p.seed, full))
  } else {
    const pool = await createPool(workers, todo.length || 1)
    try {
      const spec = path.resolve(options.experiment as string)
      await Promise.all(todo.map(async (p) => save(await pool.run<SweepRecord>({ spec, params: p.params, seed: p.seed, full }))))
    } finally {
      await pool.destroy()
    }
  }
  return { file, records, ran: todo.length, skipped: mine.length - todo.length }
}

const SHARD = /\.shard-(\d+)-of-(\d+)\.jsonl$/

/**
 * Join sweep files (the shards of a job array, or runs of the same sweep) into one, keeping one
 * record per point. Refuses to produce a partial or mixed result: every file must hold records of
 * one and the same experiment; shard files (`<name>.shard-i-of-n.jsonl`) must be one complete set
 * 0 … n−1 of the same n (the error names the missing ones); a point recorded twice must agree
 * (same metrics and claims).
 * @example mergeRecords(['a.shard-0-of-2.jsonl', 'a.shard-1-of-2.jsonl'], 'a.jsonl')
 */
export function mergeRecords(files: readonly string[], outFile: string): SweepRecord[] {
  if (files.length === 0) throw new Error('files: expected at least one JSON-lines file')
  ensureWritableDir(path.dirname(path.resolve(outFile)), 'outFile')
  const shards = files.map((f) => SHARD.exec(path.basename(f)))
  if (shards.some((m) => m !== null)) {
    const plain = files.filter((_, i) => shards[i] === null)
    if (plain.length) throw new Error(`files: ${plain.join(', ')} is not a shard file, but ${files[shards.findIndex((m) => m !== null)]} is (merge one sweep's shards at a time)`)
    const counts = [...new Set(shards.map((m) => Number(m![2])))]
    if (counts.length > 1) throw new Error(`files: shards of different splits (of ${counts.join(' and of ')}) cannot be merged`)
    const n = counts[0] as number
    const seen = new Set<number>()
    for (const m of shards) {
      const i = Number(m![1])
      if (seen.has(i)) throw new Error(`files: shard ${i} of ${n} is given twice`)
      seen.add(i)
    }
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i))
    if (missing.length) throw new Error(`files: incomplete set of ${n} shards: missing shard ${missing.join(', ')} (shards are numbered 0 … ${n - 1})`)
  }
  const byKey = new Map<string, { rec: SweepRecord; file: string }>()
  let experiment: string | undefined
  let version: string | undefined
  for (const f of files) {
    if (!existsSync(f)) throw new Error(`files: ${f} does not exist`)
    const records = readRecords(f)
    if (records.length === 0) throw new Error(`files: ${f} holds no sweep records`)
    for (const r of records) {
      experiment ??= r.experiment
      if (r.experiment !== experiment) throw new Error(`files: records of different experiments ('${experiment}' and '${r.experiment}' in ${f})`)
      version ??= r.version ?? '1'
      if ((r.version ?? '1') !== version) throw new Error(`files: records of different versions of '${experiment}' ('${version}' and '${r.version ?? '1'}' in ${f}); rerun the old shards`)
      const prev = byKey.get(r.key)
      if (prev && JSON.stringify([prev.rec.metrics, prev.rec.claims]) !== JSON.stringify([r.metrics, r.claims])) {
        throw new Error(`files: the records of point ${r.key} in ${prev.file} and ${f} disagree`)
      }
      if (!prev) byKey.set(r.key, { rec: r, file: f })
    }
  }
  const merged = [...byKey.values()].map((v) => v.rec)
  writeFileSync(outFile, merged.map((r) => JSON.stringify(r)).join('\n') + (merged.length ? '\n' : ''))
  return merged
}
