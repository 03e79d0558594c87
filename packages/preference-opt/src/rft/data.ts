import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type Rng } from '@theoryml/core'

/** Options of {@link relabeledMixture}. */
export interface RelabeledMixtureOptions {
  /** Number of classes (default 10). */
  classes?: number
  /** Input dimension (default 20). */
  dim?: number
  /** Samples per class (default 50). */
  samplesPerClass?: number
  /** Labels the pretrained model spreads its mass over, per class: c, c+1, …, c+k−1 mod C (default 5). */
  labelsPerClass?: number
  /** Fraction of each class relabeled (default 0.1). */
  relabelFraction?: number
  /** Distance scale of the class means and of the relabeled sub-cluster's offset (default 1). */
  separation?: number
  /** Within-cluster noise std (default 0.3). */
  noise?: number
  rng?: Rng | number
}

/** A controlled finetuning task (see {@link relabeledMixture}). */
export interface RelabeledMixture {
  inputs: number[][]
  /** The mixture component (class) of each input. */
  classes: number[]
  /** The finetuning label of each input. */
  labels: number[]
  /** Soft pretraining targets: uniform over the class's `labelsPerClass` labels. */
  pretrainTargets: number[][]
  /** Whether each input was relabeled. */
  relabeled: boolean[]
}

/**
 * The controlled setting of Razin et al. 2024 (Sec. 4.2) at small scale: a Gaussian mixture with
 * one component per class in ℝ^dim; a pretrained model is taught to spread its mass uniformly over
 * labels c … c+k−1 (mod C) of class c; for finetuning, a fraction of each class — a sub-cluster
 * offset from the class mean, so the relabeling is learnable — gets the label c + k (mod C), which
 * the pretrained model gives almost no mass; the rest keep label c.
 * @example const task = relabeledMixture({ rng: 0 })
 */
export function relabeledMixture(options: RelabeledMixtureOptions = {}): RelabeledMixture {
  assertKnownOptions('relabeledMixture', options, ['classes', 'dim', 'samplesPerClass', 'labelsPerClass', 'relabelFraction', 'separation', 'noise', 'rng'])
  const C = options.classes ?? 10
  const D = options.dim ?? 20
  const per = options.samplesPerClass ?? 50
  const k = options.labelsPerClass ?? 5
  const frac = options.relabelFraction ?? 0.1
  const sep = options.separation ?? 1
  const noise = options.noise ?? 0.3
  assertInteger('classes', C, { min: 2 })
  assertInteger('dim', D, { min: 1 })
  assertInteger('samplesPerClass', per, { min: 1 })
  assertInteger('labelsPerClass', k, { min: 1, max: C - 1 })
  assertPositive('relabelFraction', frac, true)
  if (frac >= 1) throw new Error(`relabelFraction: expected a fraction in [0, 1), got ${frac}`)
  assertPositive('separation', sep)
  assertPositive('noise', noise, true)
  const rng = resolveRng(options.rng)
  const gauss = (): number[] => Array.from({ length: D }, () => rng.normal())
  const means = Array.from({ length: C }, () => gauss().map((v) => v * sep))
  const offsets = Array.from({ length: C }, () => gauss().map((v) => (v * sep) / Math.sqrt(2)))
  const out: RelabeledMixture = { inputs: [], classes: [], labels: [], pretrainTargets: [], relabeled: [] }
  const nRelabel = Math.round(frac * per)
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < per; i++) {
      const re = i < nRelabel
      const mean = means[c] as number[]
      const off = offsets[c] as number[]
      out.inputs.push(mean.map((m, j) => m + (re ? (off[j] as number) : 0) + noise * rng.normal()))
      out.classes.push(c)
      out.labels.push(re ? (c + k) % C : c)
      out.relabeled.push(re)
      out.pretrainTargets.push(Array.from({ length: C }, (_, y) => ((y - c + C) % C < k ? 1 / k : 0)))
    }
  }
  return out
}
