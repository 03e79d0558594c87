/**
 * The paper's training recipe for the small transformer, on tfjs: online data (fresh samples every
 * step), many samples packed into one context, a random offset into the position table, loss on
 * the answer tokens only; greedy decoding and exact-match evaluation at longer test lengths.
 */
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, DivergenceError, resolveRng, type Rng } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'
import { createTransformer, type Transformer, type TransformerConfig } from './transformer'
import { exactMatch, type Task, type TaskSample } from './tasks'
import { EOS, PAD } from './tokens'

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

function checkLengths(name: string, task: Task, lengths: unknown): readonly number[] {
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

/**
 * Masked next-token cross-entropy of a batch, as a scalar tensor (call inside `tf.tidy`):
 * L = −Σₜ wₜ log softmax(logitsₜ)[yₜ] / Σₜ wₜ.
 * @example const loss = tf.tidy(() => batchLoss(model, batch).dataSync()[0])
 */
export function batchLoss(model: Transformer, batch: Batch): TF.Scalar {
  const { tf } = model
  const { batchSize: B, contextLength: T } = batch
  const V = model.config.vocabSize
  const x = tf.tensor2d(batch.tokens, [B, T], 'int32')
  const y = tf.oneHot(tf.tensor1d(batch.targets, 'int32'), V)
  const w = tf.tensor1d(batch.weights)
  const logp = tf.logSoftmax(tf.reshape(model.logits(x, batch.offset), [B * T, V]))
  const nll = tf.neg(tf.sum(tf.mul(logp, y), -1))
  return tf.div(tf.sum(tf.mul(nll, w)), tf.maximum(tf.sum(w), 1)) as TF.Scalar
}

/** Options of {@link trainTransformer}. */
export interface TrainTransformerOptions {
  task: Task
  /** Training sample lengths, drawn uniformly each sample. */
  trainLengths: readonly number[]
  steps: number
  /** Rows per batch (default 16). */
  batchSize?: number
  /** Tokens per row (default 48). */
  contextLength?: number
  /** Adam learning rate (default 1e-3), warmed up linearly over the first `warmup` steps (default 20) and decayed linearly to 10%. */
  lr?: number
  warmup?: number
  recipe?: Recipe
  /** Data stream (default seed 0). */
  rng?: Rng | number
  /** Called every `every` steps with the step and loss (default every 50). */
  onStep?: (step: number, loss: number) => void
  every?: number
}

/** What {@link trainTransformer} returns. */
export interface TrainTransformerResult {
  /** Loss recorded every `every` steps. */
  history: { step: number[]; loss: number[] }
  /** Mean wall-clock milliseconds per training step. */
  msPerStep: number
}

/**
 * Train a transformer with Adam on online batches from {@link makeBatch}; every step runs inside
 * `tf.tidy`. Throws `DivergenceError` on a non-finite loss.
 * @example trainTransformer(model, { task: countTask(), trainLengths: [1, 2, 3, 4, 5], steps: 200 })
 */
export function trainTransformer(model: Transformer, options: TrainTransformerOptions): TrainTransformerResult {
  assertKnownOptions('trainTransformer', options, ['task', 'trainLengths', 'steps', 'batchSize', 'contextLength', 'lr', 'warmup', 'recipe', 'rng', 'onStep', 'every'])
  const { tf } = model
  const { task } = options
  if (!task || typeof task.sample !== 'function') throw new Error('task: expected a Task (countTask(), copyTask(), …)')
  if (task.vocabSize > model.config.vocabSize) {
    throw new Error(`task: its vocabulary (${task.vocabSize} tokens) exceeds the model's vocabSize ${model.config.vocabSize}`)
  }
  const lengths = checkLengths('trainLengths', task, options.trainLengths)
  assertInteger('steps', options.steps, { min: 0 })
  const batchSize = options.batchSize ?? 16
  const contextLength = options.contextLength ?? 48
  const lr = options.lr ?? 1e-3
  const warmup = options.warmup ?? 20
  const every = options.every ?? 50
  assertPositive('lr', lr)
  assertInteger('warmup', warmup, { min: 0 })
  assertInteger('every', every, { min: 1 })
  if (contextLength > model.config.maxPositions) {
    throw new Error(`contextLength: ${contextLength} exceeds the model's position table (maxPositions = ${model.config.maxPositions})`)
  }
  const rng = resolveRng(options.rng, 0)
  const optimizer = tfOptimizer({ type: 'adam', lr })
  const schedule = optimizer as unknown as { learningRate: number }
  const history = { step: [] as number[], loss: [] as number[] }
  const t0 = performance.now()
  try {
    for (let step = 0; step < options.steps; step++) {
      const batch = makeBatch(task, rng, { lengths, batchSize, contextLength, maxPositions: model.config.maxPositions, ...(options.recipe ? { recipe: options.recipe } : {}) })
      const decay = 1 - (0.9 * step) / Math.max(1, options.steps)
      schedule.learningRate = lr * Math.min(1, (step + 1) / Math.max(1, warmup)) * decay
      const record = step % every === 0 || step === options.steps - 1
      const loss = tf.tidy(() => {
        const l = optimizer.minimize(() => batchLoss(model, batch), record, model.variables)
        return record && l ? (l.dataSync()[0] as number) : NaN
      })
      if (record) {
        if (!Number.isFinite(loss)) throw new DivergenceError(step, history.loss[history.loss.length - 1], loss)
        history.step.push(step)
        history.loss.push(loss)
        options.onStep?.(step, loss)
      }
    }
  } finally {
    optimizer.dispose()
  }
  return { history, msPerStep: options.steps > 0 ? (performance.now() - t0) / options.steps : 0 }
}

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
  const { tf } = model
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
  const { tf } = model
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

/** Options of {@link lengthGeneralization}. */
export interface LengthGeneralizationOptions {
  task: Task
  trainLengths: readonly number[]
  testLengths: readonly number[]
  /** Model sizes (vocabSize defaults to the task's, maxPositions to 128). */
  model?: Partial<Omit<TransformerConfig, 'rng'>>
  steps: number
  /** Seeds: one model and data stream per seed (default [0]). */
  seeds?: readonly number[]
  recipe?: Recipe
  batchSize?: number
  contextLength?: number
  lr?: number
  /** Test samples per length (default 64). */
  evalSamples?: number
  /** The tfjs namespace (from `initTf()`). */
  tf: typeof TF
  onProgress?: (seedIndex: number, step: number, loss: number) => void
}

/** What {@link lengthGeneralization} returns. */
export interface LengthGeneralizationResult {
  testLengths: number[]
  /** exactMatch[s][l]: seed s at testLengths[l], test samples at position 0. */
  exactMatch: number[][]
  /** Median over seeds per test length (position 0). */
  median: number[]
  /** The same with each test sample at a random offset of the position table. */
  exactMatchShifted: number[][]
  medianShifted: number[]
  /** Final training loss per seed. */
  finalLoss: number[]
  msPerStep: number
}

/**
 * Train one transformer per seed on `trainLengths` and report exact match of greedy decoding at
 * each test length, with test samples at position 0 and at random offsets of the position table:
 * the paper's length-generalization measurement.
 * @example lengthGeneralization({ tf, task: countTask(), trainLengths: [1, 2, 3, 4, 5], testLengths: [5, 8], steps: 300 }).median
 */
export function lengthGeneralization(options: LengthGeneralizationOptions): LengthGeneralizationResult {
  assertKnownOptions('lengthGeneralization', options, ['task', 'trainLengths', 'testLengths', 'model', 'steps', 'seeds', 'recipe', 'batchSize', 'contextLength', 'lr', 'evalSamples', 'tf', 'onProgress'])
  const { task, tf } = options
  const testLengths = [...checkLengths('testLengths', task, options.testLengths)]
  const seeds = options.seeds ?? [0]
  if (!Array.isArray(seeds) || seeds.length === 0) throw new Error('seeds: expected a non-empty array of integer seeds')
  const exact: number[][] = []
  const shifted: number[][] = []
  const finalLoss: number[] = []
  let ms = 0
  seeds.forEach((seed, si) => {
    assertInteger(`seeds[${si}]`, seed)
    const rng = resolveRng(seed)
    const model = createTransformer(tf, { vocabSize: task.vocabSize, maxPositions: 128, ...options.model, rng: rng.fork('init') })
    try {
      const res = trainTransformer(model, {
        task,
        trainLengths: options.trainLengths,
        steps: options.steps,
        rng: rng.fork('data'),
        ...(options.recipe ? { recipe: options.recipe } : {}),
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        ...(options.contextLength !== undefined ? { contextLength: options.contextLength } : {}),
        ...(options.lr !== undefined ? { lr: options.lr } : {}),
        ...(options.onProgress ? { onStep: (s: number, l: number) => options.onProgress?.(si, s, l) } : {}),
      })
      ms += res.msPerStep
      finalLoss.push(res.history.loss[res.history.loss.length - 1] ?? NaN)
      const samples = options.evalSamples ?? 64
      exact.push(testLengths.map((n) => evaluateExactMatch(model, task, n, { samples, rng: rng.fork(`eval-${n}`) })))
      shifted.push(testLengths.map((n) => evaluateExactMatch(model, task, n, { samples, offset: 'random', rng: rng.fork(`eval-shifted-${n}`) })))
    } finally {
      model.dispose()
    }
  })
  const median = testLengths.map((_, l) => medianOf(exact.map((row) => row[l] as number)))
  const medianShifted = testLengths.map((_, l) => medianOf(shifted.map((row) => row[l] as number)))
  return { testLengths, exactMatch: exact, median, exactMatchShifted: shifted, medianShifted, finalLoss, msPerStep: ms / seeds.length }
}

/**
 * Median of numbers (mean of the two middle ones for an even count).
 * @example medianOf([0.2, 0.9, 0.5]) // 0.5
 */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) throw new Error('values: expected at least one number')
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
