import { assertInteger, createRng, type Rng } from '@theoryml/core'

/** One claim of a paper checked by an experiment: what it says, what was measured, and whether it holds. */
export interface Claim {
  statement: string
  measured: number | string | boolean | null
  expected: string
  holds: boolean
  /** The paper's own number or statement for this claim (e.g. 'refusal 74.4% → 33.4%'), printed beside ours. */
  paper?: string
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
  /**
   * Run the experiment's task `task` (one of `tasks` in its definition) on every input and return the
   * outputs in input order: on worker threads when `theoryml repro` has threads to spare, otherwise
   * (browsers, tests, `--workers 1`) one after the other in this thread. Inputs and outputs must be
   * structured-cloneable (numbers, strings, plain objects, arrays, typed arrays); a task sees only its
   * input and {@link TaskContext}, never the run's `rng`, so it derives its randomness from its input
   * (e.g. `createRng(input.seed)`), which keeps the outputs the same however many threads run them.
   * @example const finals = await ctx.map('trainSeed', [0, 1, 2].map((s) => ({ seed: 1000 * ctx.seed + s })))
   */
  map: <I, O>(task: string, inputs: readonly I[]) => Promise<O[]>
}

/** What a task of an experiment (see {@link ExperimentContext.map}) receives besides its input. */
export interface TaskContext<C extends object = Record<string, unknown>> {
  /** The run's resolved config. */
  config: C
  /** The run's seed. */
  seed: number
  /** True under `--full`. */
  full: boolean
}

/** A task of an experiment: a function of its input (and the run's config and seed) alone. */
export type ExperimentTask<C extends object = Record<string, unknown>> = (input: any, ctx: TaskContext<C>) => unknown // eslint-disable-line @typescript-eslint/no-explicit-any

/** Runs `inputs.map(task)` somewhere (this thread, or worker threads); what {@link RunOptions.map} takes. */
export type TaskMapper = (task: string, inputs: readonly unknown[], ctx: TaskContext<any>) => Promise<unknown[]> // eslint-disable-line @typescript-eslint/no-explicit-any

/** An experiment: a named, seeded computation over a config that checks a paper's claims. */
export interface Experiment<C extends object = Record<string, unknown>> {
  name: string
  title: string
  paper: string
  /** Version of the experiment's code; part of every sweep record's key ('1' when absent). */
  version?: string
  /** Config shared by every mode. */
  defaults: C
  /** Overrides for the quick reproduction (the default mode), deep-merged into `defaults`. */
  quick: DeepPartial<C>
  /** Overrides for the paper-scale reproduction (`--full`), deep-merged into `defaults`. */
  full: DeepPartial<C>
  /** Named functions that `ctx.map` may run on worker threads. */
  tasks?: Record<string, ExperimentTask<C>>
  run: (config: C, ctx: ExperimentContext) => ExperimentResult | Promise<ExperimentResult>
}

/** An experiment of any config type (what sweeps and the CLI accept). */
export type AnyExperiment = Experiment<any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** What {@link defineExperiment} takes; `defaults`, `quick` and `full` may be omitted. */
export interface ExperimentDefinition<C extends object> {
  name: string
  title?: string
  paper: string
  /**
   * Version of the experiment's code (default '1'). Sweep records are keyed by experiment, version,
   * mode, config and seed: bump it when a change to `run` changes its results, and a resumed sweep
   * recomputes its points instead of keeping the old version's records (merge refuses to mix them).
   */
  version?: string
  defaults?: C
  quick?: DeepPartial<C>
  full?: DeepPartial<C>
  /**
   * Named tasks for {@link ExperimentContext.map}: independent pieces of `run` (typically one seed of
   * an inner loop over seeds) that `theoryml repro` may run on worker threads. Each is a function of
   * its input and {@link TaskContext} only; a worker imports the experiment's module to find it.
   */
  tasks?: Record<string, ExperimentTask<C>>
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
  if (def.version !== undefined && (typeof def.version !== 'string' || def.version.length === 0)) throw new Error(`version: expected a non-empty string, got ${JSON.stringify(def.version)}`)
  for (const [k, t] of Object.entries(def.tasks ?? {})) if (typeof t !== 'function') throw new Error(`tasks.${k}: expected a function (input, ctx) => output`)
  return {
    name: def.name,
    title: def.title ?? def.name,
    paper: def.paper,
    version: def.version ?? '1',
    defaults: def.defaults ?? ({} as C),
    quick: def.quick ?? {},
    full: def.full ?? {},
    tasks: { ...def.tasks },
    run: def.run,
  }
}

/**
 * Make a claim row. `measured` is the number (or value) the run computed; `expected` says the
 * criterion in words or symbols ('> 0.04', '≈ 0.63 ± 0.05'); `paper`, optional, is the paper's own
 * number or statement for the same quantity, printed beside ours by `theoryml repro` and in the
 * generated docs tables.
 * @example claim('depth 3 beats depth 2', { measured: 0.01, expected: '< 0.1', holds: 0.01 < 0.1, paper: 'error 1e-3 vs 0.1 (Fig. 2)' })
 */
export function claim(statement: string, fields: { measured: Claim['measured']; expected: string; holds: boolean; paper?: string }): Claim {
  if (typeof statement !== 'string' || statement.length === 0) throw new Error('statement: expected a non-empty string')
  if (typeof fields.holds !== 'boolean') throw new Error(`holds: expected a boolean for claim '${statement}'`)
  if (fields.paper !== undefined && typeof fields.paper !== 'string') throw new Error(`paper: expected a string (the paper's number) for claim '${statement}'`)
  const measured = typeof fields.measured === 'number' && !Number.isFinite(fields.measured) ? String(fields.measured) : fields.measured
  return { statement, measured, expected: fields.expected, holds: fields.holds, ...(fields.paper !== undefined ? { paper: fields.paper } : {}) }
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
  /** Where `ctx.map` runs its tasks (default: one after the other in this thread). */
  map?: TaskMapper
}

/**
 * Run task `name` of `experiment` on one input (what a worker thread does for `ctx.map`).
 * @example await runTask(exp, 'trainSeed', { seed: 3 }, { config: resolveConfig(exp), seed: 0, full: false })
 */
export async function runTask<C extends object>(experiment: Experiment<C>, name: string, input: unknown, ctx: TaskContext<C>): Promise<unknown> {
  const task = experiment.tasks?.[name]
  if (typeof task !== 'function') throw new Error(`task: '${name}' is not a task of '${experiment.name}' (its tasks: ${Object.keys(experiment.tasks ?? {}).join(', ') || 'none'})`)
  return task(input, ctx)
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
  const full = options.full ?? false
  const taskCtx: TaskContext<C> = { config, seed, full }
  const mapper = options.map
  const ctx: ExperimentContext = {
    seed,
    rng: createRng(seed),
    full,
    progress: options.progress ?? (() => {}),
    log: options.log ?? (() => {}),
    ...(options.signal ? { signal: options.signal } : {}),
    map: async <I, O>(task: string, inputs: readonly I[]): Promise<O[]> => {
      if (!Array.isArray(inputs)) throw new Error(`inputs: expected an array of inputs for task '${task}'`)
      if (typeof experiment.tasks?.[task] !== 'function') await runTask(experiment, task, undefined, taskCtx) // throws naming the task
      if (mapper && inputs.length > 1) return (await mapper(task, inputs, taskCtx)) as O[]
      const out: O[] = []
      for (const input of inputs) out.push((await runTask(experiment, task, input, taskCtx)) as O)
      return out
    },
  }
  const t0 = performance.now()
  const result = await experiment.run(config, ctx)
  const seconds = (performance.now() - t0) / 1000
  if (!result || !Array.isArray(result.claims)) throw new Error(`${experiment.name}: run must return { metrics, figures, claims }`)
  if ('series' in result && !('figures' in result)) throw new Error(`${experiment.name}: the result field for figures is named 'figures' (it was 'series' before 0.2)`)
  return { metrics: result.metrics ?? {}, figures: result.figures ?? {}, claims: result.claims, config, seconds }
}
