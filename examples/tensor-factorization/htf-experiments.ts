/**
 * Experiments 3 and 4 of Razin, Maman, Cohen 2022 at quick scale: incremental learning of local
 * components and low hierarchical rank in hierarchical tensor factorization, and locality.
 */
import { ndarray, sampleObservations, unobservedEntries, type Rng } from '@theoryml/core'
import type { Figure } from '@theoryml/lab'
import { hierarchicalRank, htf, htfCompletion, htfToTensor, type ModeTree } from '@theoryml/tensor-factorization'
import { column, emergenceSteps, normalized, relErrorOn, staircase } from './shared'

export interface HierarchicalConfig {
  order: number
  size: number
  widths: number
  targetWidths: number
  fraction: number
  initStd: number
  steps: number
  lr: number
  /**
   * A root local component has "grown" once its norm exceeds this fraction of the largest root
   * local norm at the end (scale-free: local norms carry the weights of three layers, not the
   * target's scale; the 2022 paper plots them on their own scale).
   */
  threshold: number
  /** Relative singular-value cut for the hierarchical rank. */
  rankTol: number
  /** Stop once the loss is below this fraction of mean(y²) over the observed entries (fit), as the 2022 code stops on a small training loss. */
  tolerance: number
}

export interface HierarchicalResult {
  emergence: number[]
  grown: number
  ranks: number[]
  targetRanks: number[]
  nodes: number[][]
  testError: number
  /** Relative error (all entries) at the start, just before each later emergence, and at the end. */
  stairs: number[]
  /** Per tread between two emergences: error at its midpoint / error at its end. */
  treadFlatness: number[]
  figure: Figure
  errorFigure: Figure
}

/** Target from a width-`targetWidths` HTF (norm 1), HTF completion with `widths` from a small init. */
export function hierarchical(config: HierarchicalConfig, rng: Rng): HierarchicalResult {
  const shape = Array.from({ length: config.order }, () => config.size)
  const target = normalized(htfToTensor(htf({ shape, widths: config.targetWidths, rng: rng.fork('target') })))
  const m = Math.round(config.fraction * target.data.length)
  const observations = sampleObservations(target, { count: m, rng: rng.fork('obs') })
  const k = Math.min(config.widths, config.targetWidths + 3)
  const meanSquare = Array.from(observations.values).reduce((a, v) => a + v * v, 0) / m
  const res = htfCompletion({ shape, observations, widths: config.widths, initStd: config.initStd, lr: config.lr, steps: config.steps, stopAtLoss: config.tolerance * meanSquare, target, rng: rng.fork('init'), every: Math.max(1, Math.floor(config.steps / 300)), topK: k })
  const norms = res.history.componentNorms as number[][]
  const steps = res.history.step
  const largest = Math.max(...(norms[norms.length - 1] ?? [0]))
  const emergence = emergenceSteps(steps, norms, config.threshold * largest).filter((s) => s >= 0)
  const rel = res.history.relError as number[]
  const { plateauErrors, treadFlatness } = staircase(steps, rel, emergence)
  const learned = htfToTensor(res.htf)
  const hr = hierarchicalRank(learned, undefined, { tol: config.rankTol })
  const tr = hierarchicalRank(target, undefined, { tol: config.rankTol })
  return {
    emergence,
    grown: emergence.length,
    ranks: hr.ranks,
    targetRanks: tr.ranks,
    nodes: hr.nodes,
    testError: relErrorOn(learned, unobservedEntries(target, observations)),
    stairs: [rel[0] as number, ...plateauErrors, rel[rel.length - 1] as number],
    treadFlatness,
    errorFigure: { kind: 'line', title: 'HTF: the reconstruction error falls as a staircase', x: { label: 'step' }, y: { label: 'relative error (all entries)', log: true }, lines: [{ name: 'relative error', x: steps, y: rel }] },
    figure: { kind: 'line', title: `HTF root local component norms (widths ${config.widths}, target widths ${config.targetWidths})`, x: { label: 'step' }, y: { label: 'local component norm', log: true }, lines: Array.from({ length: k }, (_, j) => ({ name: `#${j + 1} largest`, x: steps, y: column(norms, j).map((v) => Math.max(v, 1e-12)) })) },
  }
}

export interface LocalityConfig {
  size: number
  widths: number
  fraction: number
  initStd: number
  steps: number
  lr: number
}

export interface LocalityResult {
  trees: Array<{ name: string; tree: ModeTree; testError: number; trainLoss: number }>
  figure: Figure
}

/**
 * T[i, j, k, l] = A[i, k] · B[j, l] with Gaussian A, B (full rank): the matricization {1,2}|{3,4}
 * has rank size², the one over {1,3}|{2,4} rank 1. HTF completion over both trees.
 */
export function locality(config: LocalityConfig, rng: Rng): LocalityResult {
  const d = config.size
  const A = rng.fork('A').fillNormal(new Float64Array(d * d))
  const B = rng.fork('B').fillNormal(new Float64Array(d * d))
  const data = new Float64Array(d ** 4)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
    data[((i * d + j) * d + k) * d + l] = (A[i * d + k] as number) * (B[j * d + l] as number)
  }
  const shape = [d, d, d, d]
  const target = normalized(ndarray(data, shape))
  const observations = sampleObservations(target, { count: Math.round(config.fraction * target.data.length), rng: rng.fork('obs') })
  const test = unobservedEntries(target, observations)
  const trees: LocalityResult['trees'] = []
  const lines: Array<{ name: string; x: number[]; y: number[] }> = []
  for (const [name, tree] of [['(12)(34): interacting modes apart', [[0, 1], [2, 3]]], ['(13)(24): interacting modes siblings', [[0, 2], [1, 3]]]] as const) {
    const res = htfCompletion({ shape, observations, tree, widths: config.widths, initStd: config.initStd, lr: config.lr, steps: config.steps, stopAtLoss: 1e-14, target, rng: rng.fork(`init ${name}`), every: Math.max(1, Math.floor(config.steps / 200)), topK: 1 })
    trees.push({ name, tree, testError: relErrorOn(htfToTensor(res.htf), test), trainLoss: res.history.loss[res.history.loss.length - 1] as number })
    lines.push({ name, x: res.history.step, y: res.history.relError as number[] })
  }
  return { trees, figure: { kind: 'line', title: 'Locality: HTF completion of A[i,k]·B[j,l] over two mode trees', x: { label: 'step' }, y: { label: 'relative error (all entries)', log: true }, lines } }
}
