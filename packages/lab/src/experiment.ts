import { assertInteger, createRng, type Rng } from '@theoryml/core'

/** One claim of a paper checked by an experiment: what it says, what was measured, and whether it holds. */
export interface Claim {
  statement: string
  measured: number | string | boolean | null
  expected: string
  holds: boolean
}

/** An axis of a figure. */
export interface Axis {
  label: string
  /** Logarithmic scale (values must be positive). */
  log?: boolean
}

/** One line of a line chart; `lower`/`upper` draw a band (e.g. across seeds). */
export interface Line {
  name: string
  x: readonly number[]
  y: readonly number[]
  lower?: readonly number[]
  upper?: readonly number[]
}

/** A line chart: one line per series, optional log axes and bands. */
export interface LineFigure {
  kind: 'line'
  title: string
  x: Axis
  y: Axis
  lines: Line[]
}

/** A heatmap of `values[row][column]` with optional tick labels. */
export interface HeatmapFigure {
  kind: 'heatmap'
  title: string
  x: Axis
  y: Axis
  values: number[][]
  xTicks?: ReadonlyArray<string | number>
  yTicks?: ReadonlyArray<string | number>
}

/** A figure an experiment returns; the CLI renders each one to SVG. */
export type Figure = LineFigure | HeatmapFigure

/** What an experiment's `run` returns: scalar metrics, figures by file name, and its claims. */
export interface ExperimentResult {
  metrics: Record<string, unknown>
  figures: Record<string, Figure>
  claims: Claim[]
}

/** What `run` receives besides its config. */
export interface ExperimentContext {
  /** The run's seed (from `--seed`, default 0). */
  seed: number
  /** A stream seeded by `seed`; fork it per sub-run. */
  rng: Rng
  /** True under `--full` (the paper's scale). */
  full: boolean
  /** Progress in [0, 1] with an optional label (drawn as a bar on a terminal). */
  progress: (fraction: number, label?: string) => void
  /** A line of commentary (printed on stderr, never mixed into --json output). */
  log: (message: string) => void
  /** Aborts a long run. */
  signal?: AbortSignal
}

/** An experiment: a named, seeded computation over a config that checks a paper's claims. */
export interface Experiment<C extends object = Record<string, unknown>> {
  name: string
  title: string
  paper: string
  /** Config shared by every mode. */
  defaults: C
  /** Overrides for the quick reproduction (the default mode), deep-merged into `defaults`. */
  quick: DeepPartial<C>
  /** Overrides for the paper-scale reproduction (`--full`), deep-merged into `defaults`. */
  full: DeepPartial<C>
  run: (config: C, ctx: ExperimentContext) => ExperimentResult | Promise<ExperimentResult>
}

/** An experiment of any config type (what sweeps and the CLI accept). */
export type AnyExperiment = Experiment<any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** What {@link defineExperiment} takes; `defaults`, `quick` and `full` may be omitted. */
export interface ExperimentDefinition<C extends object> {
  name: string
  title?: string
  paper: string
  defaults?: C
  quick?: DeepPartial<C>
  full?: DeepPartial<C>
  run: (config: C, ctx: ExperimentContext) => ExperimentResult | Promise<ExperimentResult>
}

/**
 * Declare an experiment. The CLI runs `run({ ...defaults, ...quick })`, or with `full` under --full.
 * @example export default defineExperiment({ name: 'least-squares', paper: '—', defaults: { n: 50 }, run: (c) => ({ metrics: {}, figures: {}, claims: [] }) })
 */
export function defineExperiment<C extends object>(def: ExperimentDefinition<C>): Experiment<C> {
  if (!def || typeof def !== 'object') throw new Error('defineExperiment: expected a definition object')
  if (typeof def.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(def.name)) {
    throw new Error(`name: expected a kebab-case name, got '${String(def.name)}'`)
  }
  if (typeof def.paper !== 'string') throw new Error('paper: expected a string naming the paper')
  if (typeof def.run !== 'function') throw new Error('run: expected a function (config, ctx) => result')
  return {
    name: def.name,
    title: def.title ?? def.name,
    paper: def.paper,
    defaults: def.defaults ?? ({} as C),
    quick: def.quick ?? {},
    full: def.full ?? {},
    run: def.run,
  }
}

/**
 * Make a claim row. `measured` is the number (or value) the run computed; `expected` says the
 * criterion in words or symbols ('> 0.04', '≈ 0.63 ± 0.05').
 * @example claim('depth 3 beats depth 2', { measured: 0.01, expected: '< 0.1', holds: 0.01 < 0.1 })
 */
export function claim(statement: string, fields: { measured: Claim['measured']; expected: string; holds: boolean }): Claim {
  if (typeof statement !== 'string' || statement.length === 0) throw new Error('statement: expected a non-empty string')
  if (typeof fields.holds !== 'boolean') throw new Error(`holds: expected a boolean for claim '${statement}'`)
  const measured = typeof fields.measured === 'number' && !Number.isFinite(fields.measured) ? String(fields.measured) : fields.measured
  return { statement, measured, expected: fields.expected, holds: fields.holds }
}

/** Options of {@link runExperiment}. */
export interface RunOptions<C extends object> {
  full?: boolean
  seed?: number
  /** Config overrides applied last (deep-merged). */
  config?: DeepPartial<C>
  progress?: ExperimentContext['progress']
  log?: ExperimentContext['log']
  signal?: AbortSignal
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/** Deep-merge `over` into `base`: plain objects merge key by key, anything else (arrays included) replaces. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v)
  return out
}

/** A config override: any part of the config, nested objects partial too. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] }

/**
 * Resolve an experiment's config for a mode: defaults, then quick or full, then overrides, merged
 * deeply (a nested object in `quick` overrides only the keys it names; arrays replace).
 * @example resolveConfig(exp, { full: true })
 */
export function resolveConfig<C extends object>(experiment: Experiment<C>, options: { full?: boolean; config?: DeepPartial<C> } = {}): C {
  return [options.full ? experiment.full : experiment.quick, options.config ?? {}].reduce<unknown>((acc, o) => deepMerge(acc, o), experiment.defaults) as C
}

/**
 * Run an experiment programmatically (what `theoryml repro` does for each example) and validate
 * what it returns.
 * @example const { claims } = await runExperiment(exp, { seed: 0 })
 */
export async function runExperiment<C extends object>(experiment: Experiment<C>, options: RunOptions<C> = {}): Promise<ExperimentResult & { config: C; seconds: number }> {
  const seed = options.seed ?? 0
  assertInteger('seed', seed)
  const config = resolveConfig(experiment, options)
  const ctx: ExperimentContext = {
    seed,
    rng: createRng(seed),
    full: options.full ?? false,
    progress: options.progress ?? (() => {}),
    log: options.log ?? (() => {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }
  const t0 = performance.now()
  const result = await experiment.run(config, ctx)
  const seconds = (performance.now() - t0) / 1000
  if (!result || !Array.isArray(result.claims)) throw new Error(`${experiment.name}: run must return { metrics, figures, claims }`)
  if ('series' in result && !('figures' in result)) throw new Error(`${experiment.name}: the result field for figures is named 'figures' (it was 'series' before 0.2)`)
  return { metrics: result.metrics ?? {}, figures: result.figures ?? {}, claims: result.claims, config, seconds }
}
