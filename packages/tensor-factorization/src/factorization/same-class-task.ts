/**
 * A 1D "is same class" task (after the 2022 paper's Sec. 5 experiments): two informative segments
 * P and Q at a chosen distance carry noisy class prototypes; the label says whether the two classes
 * agree. Each segment alone carries no information about the label, so a model must capture the
 * P–Q interaction, which a locally connected network's locality makes hard at a large distance.
 */
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type Rng } from '@theoryml/core'

/** Options of {@link isSameClassSequences}. */
export interface IsSameClassOptions {
  /** Sequence length (default 16). */
  length?: number
  /** Channels per position (default 4). */
  channels?: number
  /** Positions per informative segment (default 2). */
  segment?: number
  /** Positions between the end of P = [0, segment) and the start of Q (default length − 2·segment: the ends). */
  gap?: number
  /** Number of classes (default 2). */
  classes?: number
  /** Std of the noise added to the prototypes (default 0.3). */
  noise?: number
  /** Std of the background positions (default 1). */
  background?: number
  /** Training samples (default 512). */
  train?: number
  /** Test samples (default 1024). */
  test?: number
  /** Seed or stream (default 0). */
  rng?: Rng | number
}

/** A labelled set: x row-major [samples, length, channels], y in {0, 1}. */
export interface SequenceSet {
  x: Float32Array
  y: Uint8Array
}

/** What {@link isSameClassSequences} returns. */
export interface IsSameClassTask {
  train: SequenceSet
  test: SequenceSet
  length: number
  channels: number
  /** Patch P = [start, end). */
  patch: [number, number]
  /** Patch Q = [start, end). */
  swap: [number, number]
}

/**
 * Generate the task: prototypes μ_1 … μ_K ∈ R^{segment × channels}, Gaussian directions of norm
 * sqrt(segment · channels); a sample
 * draws class a, then b = a with probability 1/2 (else another class), sets x_P = μ_a + noise,
 * x_Q = μ_b + noise, background N(0, background²) elsewhere, and y = [a = b].
 * @example const task = isSameClassSequences({ length: 16, gap: 12, rng: 0 })
 */
export function isSameClassSequences(options: IsSameClassOptions = {}): IsSameClassTask {
  assertKnownOptions('isSameClassSequences', options, ['length', 'channels', 'segment', 'gap', 'classes', 'noise', 'background', 'train', 'test', 'rng'])
  const L = options.length ?? 16
  const C = options.channels ?? 4
  const s = options.segment ?? 2
  assertInteger('length', L, { min: 2 })
  assertInteger('channels', C, { min: 1 })
  assertInteger('segment', s, { min: 1, max: Math.floor(L / 2) })
  const gap = options.gap ?? L - 2 * s
  assertInteger('gap', gap, { min: 0, max: L - 2 * s })
  const K = options.classes ?? 2
  assertInteger('classes', K, { min: 2 })
  const noise = options.noise ?? 0.3
  const background = options.background ?? 1
  assertPositive('noise', noise, true)
  assertPositive('background', background, true)
  const nTrain = options.train ?? 512
  const nTest = options.test ?? 1024
  assertInteger('train', nTrain, { min: 1 })
  assertInteger('test', nTest, { min: 1 })
  const rng = resolveRng(options.rng ?? 0)
  const protoRng = rng.fork('prototypes')
  // Gaussian directions, all scaled to norm sqrt(segment·channels) (the expected norm), so that the
  // task's difficulty does not hinge on how far apart a particular draw happens to put them
  const protos = Array.from({ length: K }, () => {
    const p = protoRng.fillNormal(new Float64Array(s * C))
    const norm = Math.hypot(...p)
    return p.map((v) => (v / norm) * Math.sqrt(s * C))
  })
  const P: [number, number] = [0, s]
  const Q: [number, number] = [s + gap, 2 * s + gap]
  const make = (n: number, r: Rng): SequenceSet => {
    const x = new Float32Array(n * L * C)
    const y = new Uint8Array(n)
    for (let i = 0; i < n; i++) {
      const a = r.int(K)
      const same = r.uniform() < 0.5
      const b = same ? a : (a + 1 + r.int(K - 1)) % K
      y[i] = same ? 1 : 0
      const base = i * L * C
      for (let q = 0; q < L * C; q++) x[base + q] = background * r.normal()
      for (let q = 0; q < s * C; q++) {
        x[base + P[0] * C + q] = (protos[a] as Float64Array)[q] as number + noise * r.normal()
        x[base + Q[0] * C + q] = (protos[b] as Float64Array)[q] as number + noise * r.normal()
      }
    }
    return { x, y }
  }
  return { train: make(nTrain, rng.fork('train')), test: make(nTest, rng.fork('test')), length: L, channels: C, patch: P, swap: Q }
}
