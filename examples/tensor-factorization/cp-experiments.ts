/**
 * Experiments 1 and 2 of Razin, Maman, Cohen 2021 at quick scale: recovery of a low-rank tensor by
 * CP completion from a small initialization, and incremental rank learning.
 */
import { sampleObservations, type Rng } from '@theoryml/core'
import { median, type Figure } from '@theoryml/lab'
import { cpCompletion, cpToTensor, randomCp } from '@theoryml/tensor-factorization'
import { column, emergenceSteps, memorizerError, normalized, staircase, strictlyIncreasing } from './shared'

export interface RecoveryConfig {
  order: number
  size: number
  rank: number
  initStd: number
  observed: number[]
  steps: number
  lr: number
  /** Independent targets, observation sets and initializations per |Ω|. */
  seeds: number
}

export interface RecoveryResult {
  /** Per |Ω|: the errors over seeds, their median, and the memorizer's errors. */
  rows: Array<{ observed: number; relErrors: number[]; median: number; memorizer: number[] }>
  figure: Figure
}

/** Rank-1 targets of norm 1; CP completion with R components from N(0, initStd²) for each |Ω| and seed. */
export function recovery(config: RecoveryConfig, rng: Rng): RecoveryResult {
  const shape = Array.from({ length: config.order }, () => config.size)
  const rows: RecoveryResult['rows'] = []
  const lines: Array<{ name: string; x: number[]; y: number[] }> = []
  for (const m of config.observed) {
    const row = { observed: m, relErrors: [] as number[], median: 0, memorizer: [] as number[] }
    for (let s = 0; s < config.seeds; s++) {
      const seedRng = rng.fork(`seed${s}`)
      const target = normalized(cpToTensor(randomCp(shape, 1, seedRng.fork('target'))))
      const observations = sampleObservations(target, { count: m, rng: seedRng.fork(`obs${m}`) })
      const { history } = cpCompletion({ shape, observations, rank: config.rank, initStd: config.initStd, lr: config.lr, steps: config.steps, stopAtLoss: 1e-14, target, rng: seedRng.fork(`init${m}`), every: Math.max(1, Math.floor(config.steps / 200)), topK: 3 })
      const rel = history.relError as number[]
      row.relErrors.push(rel[rel.length - 1] as number)
      row.memorizer.push(memorizerError(target, observations))
      if (s === 0) lines.push({ name: `${m} observed (seed 0)`, x: history.step, y: rel })
    }
    row.median = median(row.relErrors)
    rows.push(row)
  }
  return {
    rows,
    figure: { kind: 'line', title: `CP completion of a rank-1 ${shape.join('×')} tensor (R = ${config.rank}, init ${config.initStd})`, x: { label: 'step' }, y: { label: 'relative error', log: true }, lines },
  }
}

export interface IncrementalConfig {
  order: number
  size: number
  targetRank: number
  observed: number
  rank: number
  initStd: number
  steps: number
  /** GroupRMSprop learning rate and ε (the 2021 code: lr 1e-2, ε 1e-6, for targets of Frobenius norm 1 as here). */
  lr: number
  eps: number
  /** A component has "emerged" once its norm exceeds this fraction of the target's norm (1): the start of its rise. */
  threshold: number
  /**
   * A component counts as grown (for "never more than r grow") above this fraction of the target's
   * norm. Above `threshold`: an exact fit may keep a (r+1)-th component of norm ≈ 0.02 that cancels
   * against the others (e.g. 0.023 at quick seed 2), while the target's components are ≥ 0.16.
   */
  grownThreshold: number
  /** Stop once the loss is below this fraction of mean(y²) over the observed entries (converged). */
  tolerance: number
}

export interface IncrementalResult {
  emergence: number[]
  maxGrown: number
  /** Error on each tread of the staircase: just before the next component emerges. */
  plateauErrors: number[]
  /** Per tread: error at its midpoint / error at its end (≈ 1 when the tread is flat). */
  treadFlatness: number[]
  initialError: number
  finalError: number
  figures: Record<string, Figure>
}

/** Rank-r target of norm 1: record the top component norms and the error over the steps. */
export function incremental(config: IncrementalConfig, rng: Rng): IncrementalResult {
  const shape = Array.from({ length: config.order }, () => config.size)
  const target = normalized(cpToTensor(randomCp(shape, config.targetRank, rng.fork('target'))))
  const observations = sampleObservations(target, { count: config.observed, rng: rng.fork('obs') })
  const k = config.targetRank + 2
  const meanSquare = Array.from(observations.values).reduce((a, v) => a + v * v, 0) / config.observed
  const { history } = cpCompletion({ shape, observations, rank: config.rank, initStd: config.initStd, optimizer: { type: 'groupRmsprop', lr: config.lr, eps: config.eps }, steps: config.steps, stopAtLoss: config.tolerance * meanSquare, target, rng: rng.fork('init'), every: Math.max(1, Math.floor(config.steps / 400)), topK: k })
  const norms = history.componentNorms as number[][]
  const rel = history.relError as number[]
  const steps = history.step
  const emergence = emergenceSteps(steps, norms, config.threshold).slice(0, config.targetRank)
  const maxGrown = Math.max(...norms.map((row) => row.filter((v) => v > config.grownThreshold).length))
  const { plateauErrors, treadFlatness } = staircase(steps, rel, emergence)
  const finalError = rel[rel.length - 1] as number
  return {
    emergence,
    maxGrown,
    plateauErrors,
    treadFlatness,
    initialError: rel[0] as number,
    finalError,
    figures: {
      'incremental-norms': { kind: 'line', title: `CP component norms, rank-${config.targetRank} target (R = ${config.rank}, init ${config.initStd})`, x: { label: 'step' }, y: { label: 'component norm', log: true }, lines: Array.from({ length: k }, (_, j) => ({ name: `#${j + 1} largest`, x: steps, y: column(norms, j).map((v) => Math.max(v, 1e-12)) })) },
      'incremental-error': { kind: 'line', title: 'Reconstruction error falls as a staircase', x: { label: 'step' }, y: { label: 'relative error', log: true }, lines: [{ name: 'relative error', x: steps, y: rel }] },
    },
  }
}

export { strictlyIncreasing }
