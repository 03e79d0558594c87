/**
 * Greedy decoding and exact-match evaluation of a trained {@link Transformer}.
 */
import * as tf from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, resolveRng, type Rng } from '@theoryml/core'
import { exactMatch, type Task, type TaskSample } from './tasks'
import { EOS } from './tokens'
import type { Transformer } from './transformer'

function checkTokens(model: Transformer, name: string, tokens: ArrayLike<number>): void {
  const V = model.config.vocabSize
  for (let i = 0; i < tokens.length; i++) {
    const v = tokens[i] as number
    if (!Number.isInteger(v) || v < 0 || v >= V) throw new Error(`${name}: token ${v} at index ${i} is outside the vocabulary [0, ${V})`)
  }
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Stop after this many tokens (default: until `</s>` or the position table is full). */
  maxNew?: number
  /** Position id of the prompt's first token (default 0). */
  offset?: number
}

/**
 * Greedy decoding: append argmax logits of the last position until `</s>` (or maxNew tokens).
 * Returns the generated tokens. Throws when the prompt has tokens outside the vocabulary or does
 * not fit the position table.
 * @example generate(model, task.sample(rng, 5).prompt)
 */
export function generate(model: Transformer, prompt: readonly number[], options: GenerateOptions = {}): number[] {
  assertKnownOptions('generate', options, ['maxNew', 'offset'])
  if (!Array.isArray(prompt) || prompt.length === 0) throw new Error('prompt: expected a non-empty array of token ids')
  checkTokens(model, 'prompt', prompt)
  const offset = options.offset ?? 0
  assertInteger('offset', offset, { min: 0 })
  const P = model.config.maxPositions
  if (offset + prompt.length > P) {
    throw new Error(`prompt: ${prompt.length} tokens at offset ${offset} exceed the position table (maxPositions = ${P})`)
  }
  const maxNew = options.maxNew ?? P - offset - prompt.length
  assertInteger('maxNew', maxNew, { min: 0 })
  const seq = [...prompt]
  const out: number[] = []
  while (out.length < maxNew && offset + seq.length < P) {
    const next = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(Int32Array.from(seq), [1, seq.length], 'int32'), offset)
      return tf.argMax(tf.slice(logits, [0, seq.length - 1, 0], [1, 1, -1]), -1).dataSync()[0] as number
    })
    out.push(next)
    seq.push(next)
    if (next === EOS) break
  }
  return out
}

/** Options of {@link evaluateExactMatch}. */
export interface EvaluateOptions {
  /** Number of test samples (default 64). */
  samples?: number
  /** Rows per forward pass (default 64). */
  batchSize?: number
  /**
   * Position id of each sample's first token (default 0), or 'random': a uniform offset in
   * [0, maxPositions − tokens] per group of 8 samples (where packed samples land in training).
   */
  offset?: number | 'random'
  rng?: Rng | number
}

/**
 * Exact match of greedy decoding at one length, computed in one teacher-forced pass per batch:
 * greedy decoding reproduces the answer iff argmax logitsₜ = answerₜ at every answer position
 * (by induction over the answer), so EM = mean over samples of Πₜ [argmax = answerₜ].
 * @example evaluateExactMatch(model, countTask(), 15, { samples: 64 })
 */
export function evaluateExactMatch(model: Transformer, task: Task, length: number, options: EvaluateOptions = {}): number {
  assertKnownOptions('evaluateExactMatch', options, ['samples', 'batchSize', 'offset', 'rng'])
  const samples = options.samples ?? 64
  const randomOffset = options.offset === 'random'
  const batchSize = randomOffset ? Math.min(8, options.batchSize ?? 8) : options.batchSize ?? 64
  const fixedOffset = randomOffset ? 0 : options.offset ?? 0
  assertInteger('samples', samples, { min: 1 })
  assertInteger('batchSize', batchSize, { min: 1 })
  assertInteger('offset', fixedOffset, { min: 0 })
  const rng = resolveRng(options.rng, 1)
  let correct = 0
  for (let done = 0; done < samples; ) {
    const n = Math.min(batchSize, samples - done)
    const batch: TaskSample[] = Array.from({ length: n }, () => task.sample(rng, length))
    const L = (batch[0] as TaskSample).prompt.length + (batch[0] as TaskSample).answer.length - 1
    const tokens = new Int32Array(n * L)
    batch.forEach((s, b) => {
      const seq = [...s.prompt, ...s.answer]
      if (seq.length - 1 !== L) throw new Error(`task: samples of length ${length} must have equal token counts`)
      tokens.set(seq.slice(0, L), b * L)
    })
    checkTokens(model, 'tokens', tokens)
    const offset = randomOffset ? rng.int(Math.max(1, model.config.maxPositions - L + 1)) : fixedOffset
    if (offset + L > model.config.maxPositions) {
      throw new Error(`length: a sample of ${L + 1} tokens at offset ${offset} exceeds the position table (maxPositions = ${model.config.maxPositions})`)
    }
    const pred = tf.tidy(() => tf.argMax(model.logits(tf.tensor2d(tokens, [n, L], 'int32'), offset), -1).dataSync() as Int32Array)
    batch.forEach((s, b) => {
      const start = s.prompt.length - 1
      correct += exactMatch(pred.subarray(b * L + start, b * L + L), s.answer)
    })
    done += n
  }
  return correct / samples
}
