/**
 * The paper's data recipe for the small transformer: online data (fresh samples every step), many
 * samples packed into one context, a random offset into the position table, loss on the answer
 * tokens only. Plain TypeScript (no tfjs); exported from the `./tf` entry beside the trainer that
 * consumes it.
 */
import { assertInteger, assertKnownOptions, type Rng } from '@theoryml/core'
import type { Task } from './tasks'
import { PAD } from './tokens'

/** How training contexts are built. */
export interface Recipe {
  /** Pack consecutive samples into each context (default true); otherwise one sample, then padding. */
  packing?: boolean
  /** Place each batch at a random offset of the position table (default true); otherwise at 0. */
  positionOffsets?: boolean
}

/** One training batch as flat arrays, row-major [batch, context]. */
export interface Batch {
  tokens: Int32Array
  targets: Int32Array
  /** 1 where the target is an answer token (the loss mask). */
  weights: Float32Array
  batchSize: number
  contextLength: number
  /** Position id of the first column. */
  offset: number
}

/** Options of {@link makeBatch}. */
export interface BatchOptions {
  /** Sample lengths are drawn uniformly from these. */
  lengths: readonly number[]
  batchSize: number
  contextLength: number
  /** Size of the model's position table (offsets are drawn from 0 … maxPositions − contextLength). */
  maxPositions: number
  recipe?: Recipe
}

/** @internal Validate a list of sample lengths against the task's range. */
export function checkLengths(name: string, task: Task, lengths: unknown): readonly number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) throw new Error(`${name}: expected a non-empty array of lengths`)
  lengths.forEach((n, i) => assertInteger(`${name}[${i}]`, n, { min: task.minLength, max: task.maxLength }))
  return lengths as number[]
}

/**
 * Build one batch: each row is a stream of samples `<s> prompt answer </s> <s> …` cut to
 * contextLength + 1 tokens (packing) or one sample padded with `<pad>`; targets are the next
 * tokens, weighted 1 on answer tokens only.
 * @example makeBatch(countTask(), createRng(0), { lengths: [1, 2, 3], batchSize: 4, contextLength: 32, maxPositions: 64 })
 */
export function makeBatch(task: Task, rng: Rng, options: BatchOptions): Batch {
  assertKnownOptions('makeBatch', options, ['lengths', 'batchSize', 'contextLength', 'maxPositions', 'recipe'])
  const lengths = checkLengths('lengths', task, options.lengths)
  const { batchSize: B, contextLength: T, maxPositions: P } = options
  assertInteger('batchSize', B, { min: 1 })
  assertInteger('contextLength', T, { min: 2 })
  assertInteger('maxPositions', P, { min: T })
  const packing = options.recipe?.packing ?? true
  const offsets = options.recipe?.positionOffsets ?? true
  const tokens = new Int32Array(B * T)
  const targets = new Int32Array(B * T)
  const weights = new Float32Array(B * T)
  const row = new Int32Array(T + 1)
  const isAnswer = new Uint8Array(T + 1)
  for (let b = 0; b < B; b++) {
    row.fill(PAD)
    isAnswer.fill(0)
    let t = 0
    do {
      const s = task.sample(rng, lengths[rng.int(lengths.length)] as number)
      if (!packing && s.prompt.length + s.answer.length > T + 1) {
        throw new Error(`contextLength: a sample of ${s.prompt.length + s.answer.length} tokens does not fit ${T} + 1 without packing`)
      }
      for (const v of s.prompt) if (t <= T) row[t++] = v
      for (const v of s.answer) if (t <= T) { isAnswer[t] = 1; row[t++] = v }
    } while (packing && t <= T)
    for (let i = 0; i < T; i++) {
      tokens[b * T + i] = row[i] as number
      targets[b * T + i] = row[i + 1] as number
      weights[b * T + i] = isAnswer[i + 1] as number
    }
  }
  const offset = offsets ? rng.int(P - T + 1) : 0
  return { tokens, targets, weights, batchSize: B, contextLength: T, offset }
}
