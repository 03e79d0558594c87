/**
 * The paper's length-generalization measurement: one transformer per seed trained on short inputs,
 * exact match of greedy decoding at longer test lengths.
 */
import {
  assertInteger,
  assertKnownOptions,
  createRng,
  TRAINER_OPTION_KEYS,
  type History,
  type StopReason,
  type TrainerResult,
} from '@theoryml/core'
import { checkLengths } from './batch'
import { evaluateExactMatch } from './evaluation'
import { runTraining, type TrainTransformerOptions, type TrainTransformerState } from './training'
import { createTransformer, type Transformer, type TransformerConfig } from './transformer'

/** What `record`, `onStep` and `stopWhen` see in {@link lengthGeneralization}: the training state of the seed in progress. */
export interface LengthGeneralizationState extends TrainTransformerState {
  /** Index into `seeds` of the run in progress. */
  seedIndex: number
  /** Its seed. */
  seed: number
}

/**
 * Options of {@link lengthGeneralization}: the common trainer options (applied to every seed's
 * run) plus the task, the lengths and the sizes. `seeds` takes the place of `rng`: one model and
 * data stream per seed.
 */
export interface LengthGeneralizationOptions extends Omit<TrainTransformerOptions<LengthGeneralizationState>, 'rng'> {
  testLengths: readonly number[]
  /** Model sizes (vocabSize defaults to the task's, maxPositions to 128). */
  model?: Partial<Omit<TransformerConfig, 'rng'>>
  /** Seeds: one model (initialized from createRng(seed).fork('init')) and data stream per seed (default [0]). */
  seeds?: readonly number[]
  /** Test samples per length (default 64). */
  evalSamples?: number
  /** Return each seed's trained model in `runs[i].model` (default false: they are disposed). The caller then disposes them. */
  keepModels?: boolean
}

/** One seed's run in {@link LengthGeneralizationResult}: its training result (history, steps, stoppedBy) and its exact match. */
export interface LengthGeneralizationRun extends TrainerResult {
  seed: number
  /** The trained model, with `keepModels: true` only (dispose it when done). */
  model?: Transformer
  /** Exact match at each test length, test samples at position 0. */
  exactMatch: number[]
  /** The same with each test sample at a random offset of the position table. */
  exactMatchShifted: number[]
  /** Mean wall-clock milliseconds per update. */
  msPerStep: number
}

/**
 * What {@link lengthGeneralization} returns. Each seed's run carries the common trainer result in
 * `runs`; the aggregate `history` is their rows one after another with a `seedIndex` column (the
 * history `onStep` receives), `steps` the updates applied over all seeds, `stoppedBy` 'signal' if
 * the signal ended the sweep, else the first early stop ('stopAtLoss' or 'stopWhen') of a run,
 * else 'steps'.
 */
export interface LengthGeneralizationResult extends TrainerResult {
  testLengths: number[]
  /** One entry per seed that ran (all of them unless `signal` stopped the sweep). */
  runs: LengthGeneralizationRun[]
  /** exactMatch[s][l]: seed s at testLengths[l], test samples at position 0. */
  exactMatch: number[][]
  /** Median over seeds per test length (position 0). */
  median: number[]
  /** The same with each test sample at a random offset of the position table. */
  exactMatchShifted: number[][]
  medianShifted: number[]
  /** Final training loss per seed (the last history row of its run). */
  finalLoss: number[]
  /** Mean over seeds of the milliseconds per update. */
  msPerStep: number
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

const KEYS = ['task', 'trainLengths', 'testLengths', 'model', 'seeds', 'recipe', 'batchSize', 'contextLength', 'warmup', 'evalSamples', 'keepModels', ...TRAINER_OPTION_KEYS.filter((k) => k !== 'rng')]

/**
 * Train one transformer per seed on `trainLengths` with {@link trainTransformer}'s recipe and
 * report exact match of greedy decoding at each test length, with test samples at position 0 and
 * at random offsets of the position table: the paper's length-generalization measurement. The
 * common trainer options apply to each seed's run; `onStep(state, history)` reports progress across
 * seeds (`state.seedIndex`, `state.seed`; `history` the aggregate so far). An aborted `signal`
 * stops the run in progress (which is still evaluated) and skips the remaining seeds.
 * @example
 * await initTf()
 * const res = lengthGeneralization({ task: countTask(), trainLengths: [1, 2, 3, 4, 5], testLengths: [5, 8], steps: 300, seeds: [0, 1, 2] })
 * res.median // exact match per test length, median over seeds
 */
export function lengthGeneralization(options: LengthGeneralizationOptions): LengthGeneralizationResult {
  if ((options as { rng?: unknown })?.rng !== undefined) throw new Error('rng: lengthGeneralization trains one model per seed; pass seeds: [0, 1, …] instead')
  assertKnownOptions('lengthGeneralization', options, KEYS)
  const { task } = options
  if (!task || typeof task.sample !== 'function') throw new Error('task: expected a Task (countTask(), copyTask(), …)')
  const testLengths = [...checkLengths('testLengths', task, options.testLengths)]
  const seeds = options.seeds ?? [0]
  if (!Array.isArray(seeds) || seeds.length === 0) throw new Error('seeds: expected a non-empty array of integer seeds')
  seeds.forEach((seed, si) => assertInteger(`seeds[${si}]`, seed))
  const samples = options.evalSamples ?? 64
  assertInteger('evalSamples', samples, { min: 1 })
  const userRecord = options.record ?? {}
  if (typeof userRecord === 'object' && userRecord !== null && 'seedIndex' in userRecord) {
    throw new Error("record.seedIndex: 'seedIndex' is always recorded; choose another column name")
  }
  const { testLengths: _t, model: sizes, seeds: _s, evalSamples: _e, keepModels, onStep, ...training } = options
  // The aggregate history: every run's rows in order, with the seed index.
  const history = { step: [], loss: [], seedIndex: [] } as unknown as History
  const runs: LengthGeneralizationRun[] = []
  const runSeed = (si: number): LengthGeneralizationRun => {
    const seed = seeds[si] as number
    const rng = createRng(seed)
    const model = createTransformer({ vocabSize: task.vocabSize, maxPositions: 128, ...sizes, rng: rng.fork('init') })
    try {
      const { history: runHistory, steps, stoppedBy, msPerStep } = runTraining('lengthGeneralization', model, {
        ...training,
        rng: rng.fork('data'),
        onStep: (state, rows) => {
          for (const [name, column] of Object.entries(rows)) (history[name] ??= []).push(column[column.length - 1] as number | number[])
          ;(history.seedIndex as number[]).push(si)
          onStep?.(state, history)
        },
      }, { seedIndex: si, seed })
      const exactMatch = testLengths.map((n) => evaluateExactMatch(model, task, n, { samples, rng: rng.fork(`eval-${n}`) }))
      const exactMatchShifted = testLengths.map((n) => evaluateExactMatch(model, task, n, { samples, offset: 'random', rng: rng.fork(`eval-shifted-${n}`) }))
      if (!keepModels) model.dispose()
      return { seed, ...(keepModels ? { model } : {}), history: runHistory, steps, stoppedBy, exactMatch, exactMatchShifted, msPerStep }
    } catch (err) {
      model.dispose()
      throw err
    }
  }
  try {
    for (let si = 0; si < seeds.length; si++) {
      if (si > 0 && options.signal?.aborted) break
      runs.push(runSeed(si))
    }
  } catch (err) {
    for (const r of runs) r.model?.dispose()
    throw err
  }
  const exact = runs.map((r) => r.exactMatch)
  const shifted = runs.map((r) => r.exactMatchShifted)
  const reasons = runs.map((r) => r.stoppedBy)
  const stoppedBy: StopReason = reasons.includes('signal') ? 'signal' : reasons.find((r) => r !== 'steps') ?? 'steps'
  return {
    testLengths,
    runs,
    exactMatch: exact,
    median: testLengths.map((_, l) => median(exact.map((row) => row[l] as number))),
    exactMatchShifted: shifted,
    medianShifted: testLengths.map((_, l) => median(shifted.map((row) => row[l] as number))),
    finalLoss: runs.map((r) => r.history.loss[r.history.loss.length - 1] ?? NaN),
    msPerStep: runs.reduce((s, r) => s + r.msPerStep, 0) / runs.length,
    history,
    steps: runs.reduce((s, r) => s + r.steps, 0),
    stoppedBy,
  }
}
