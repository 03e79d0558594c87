// One job of `theoryml repro`: one example at one seed. Runs in the main thread or on a worker
// thread (sweep-worker.ts) alike, so a run on N workers writes and returns what a run on one does.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { runExperiment, type Claim, type TaskMapper } from './experiment'
import { importExperiment } from './load'
import { renderSvg } from './plot'
import { ensureWritableDir } from './pool'

/** One example at one seed: the experiment module, its mode, and the folder for its figures and result.json. */
export interface ReproJob {
  /** Absolute path of the experiment module. */
  spec: string
  name: string
  seed: number
  full: boolean
  /** Folder of the job's files (created if missing). */
  dir: string
}

/** What a job returns (structured-cloneable, so it crosses from a worker thread unchanged). */
export interface ReproJobResult {
  name: string
  seed: number
  paper: string
  title: string
  config: unknown
  metrics: Record<string, unknown>
  claims: Claim[]
  /** Paths of the SVG figures written, relative to the working folder. */
  figures: string[]
  seconds: number
  /** The run's log lines, when no live `log` hook printed them. */
  logs: string[]
}

/** Hooks of a job run in the main thread (a worker thread runs without them and returns its logs). */
export interface ReproHooks {
  log?: (message: string) => void
  progress?: (fraction: number, label?: string) => void
  /** Where `ctx.map` runs the experiment's tasks (a pool of worker threads); default this thread. */
  map?: TaskMapper
  /** Called once the experiment is loaded, before it runs. */
  onStart?: (title: string) => void
}

/** Run one job: the experiment at its seed, its figures as SVG and its result.json into `job.dir`. */
export async function runReproJob(job: ReproJob, hooks: ReproHooks = {}): Promise<ReproJobResult> {
  const exp = await importExperiment(job.spec)
  hooks.onStart?.(exp.title ?? exp.name)
  const logs: string[] = []
  const result = await runExperiment(exp, {
    full: job.full,
    seed: job.seed,
    log: hooks.log ?? ((m) => void logs.push(m)),
    ...(hooks.progress ? { progress: hooks.progress } : {}),
    ...(hooks.map ? { map: hooks.map } : {}),
  })
  ensureWritableDir(job.dir, '--out')
  const figures: string[] = []
  for (const [fname, fig] of Object.entries(result.figures)) {
    const file = path.join(job.dir, `${fname}.svg`)
    writeFileSync(file, await renderSvg(fig))
    figures.push(path.relative(process.cwd(), file))
  }
  writeFileSync(path.join(job.dir, 'result.json'), JSON.stringify({ name: job.name, paper: exp.paper, seed: job.seed, config: result.config, metrics: result.metrics, claims: result.claims, seconds: result.seconds }, null, 2))
  return { name: job.name, seed: job.seed, paper: exp.paper, title: exp.title ?? exp.name, config: result.config, metrics: result.metrics, claims: result.claims, figures, seconds: result.seconds, logs }
}
