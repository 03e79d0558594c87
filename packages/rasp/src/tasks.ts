/**
 * Length-generalization tasks of Zhou et al. 2024: each draws samples `<s> prompt SEP` → `answer </s>`
 * of a given length from a seeded stream, has a tokenizer, and is scored by exact match.
 */
import { assertInteger, assertKnownOptions, type Rng } from '@theoryml/core'
import { ADD_DIGIT0, ADD_HINT0, ADD_PLUS, additionProgram, andProgram, copyUniqueProgram, countProgram, modeProgram, sortProgram, type Program } from './programs'
import { createTokenizer, EOS, SEP, SOS, SYMBOL0, type Tokenizer } from './tokens'

/** One sample: the prompt (from `<s>` to SEP) and the answer (ending with `</s>`). */
export interface TaskSample {
  prompt: number[]
  answer: number[]
}

/** A task: a named sample generator over a vocabulary, with its RASP-L program when one is known. */
export interface Task {
  readonly name: string
  readonly tokenizer: Tokenizer
  readonly vocabSize: number
  /** Smallest and largest supported length. */
  readonly minLength: number
  readonly maxLength: number
  /** The short RASP-L program that solves the task at every length, or null when none is known. */
  readonly program: Program | null
  /** A sample of the given length (what length counts is task-specific, see each factory). */
  sample(rng: Rng, length: number): TaskSample
}

function checkLength(task: { name: string; minLength: number; maxLength: number }, length: number): void {
  assertInteger('length', length, { min: task.minLength, max: task.maxLength })
}

function symbolNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i))
}

function makeTask(def: Omit<Task, 'vocabSize' | 'sample'> & { draw: (rng: Rng, length: number) => TaskSample }): Task {
  const { draw, ...rest } = def
  return {
    ...rest,
    vocabSize: def.tokenizer.vocabSize,
    sample(rng, length) {
      if (!rng || typeof rng.int !== 'function') throw new Error('rng: expected an Rng from createRng')
      checkLength(def, length)
      return draw(rng, length)
    },
  }
}

/** A task over the symbols 0 … k−1 (tokenizer `createTokenizer(['0', …, 'k−1'])`), lengths from 1. */
function symbolTask(k: number, def: Omit<Parameters<typeof makeTask>[0], 'tokenizer' | 'minLength'>): Task {
  return makeTask({ name: def.name, tokenizer: createTokenizer(symbolNames(k)), minLength: 1, maxLength: def.maxLength, program: def.program, draw: def.draw })
}

/** Check a factory's options against `keys` and return the alphabet size `options.symbols ?? fallback`, in 2 … 120. */
function alphabetSize(factory: string, options: SymbolTaskOptions, keys: string[], fallback: number): number {
  assertKnownOptions(factory, options, keys)
  const k = options.symbols ?? fallback
  assertInteger('symbols', k, { min: 2, max: 120 })
  return k
}

/** Options of {@link countTask}. */
export interface CountTaskOptions {
  /** Numbers are 0 … maxNumber − 1 (default 32, at most 120). */
  maxNumber?: number
}

/**
 * Count: `<s> a b >` → `a a+1 … b </s>`; length = b − a + 1 (the number of counted numbers).
 * @example countTask().sample(createRng(0), 3) // { prompt: [1, a, a+2, 2], answer: [a, a+1, a+2, 3] } (as ids)
 */
export function countTask(options: CountTaskOptions = {}): Task {
  assertKnownOptions('countTask', options, ['maxNumber'])
  const maxNumber = options.maxNumber ?? 32
  assertInteger('maxNumber', maxNumber, { min: 1, max: 120 })
  return symbolTask(maxNumber, {
    name: 'count',
    maxLength: maxNumber,
    program: countProgram,
    draw(rng, n) {
      const a = rng.int(maxNumber - n + 1)
      const answer = Array.from({ length: n }, (_, i) => SYMBOL0 + a + i)
      return { prompt: [SOS, SYMBOL0 + a, SYMBOL0 + a + n - 1, SEP], answer: [...answer, EOS] }
    },
  })
}

/** Options of the tasks over an alphabet of symbols. */
export interface SymbolTaskOptions {
  /** Alphabet size (default 24 for copy and sort, 8 for mode). */
  symbols?: number
}

/**
 * Mode: `<s> x₁ … xₙ >` → `m </s>`, m the (unique) most frequent symbol; length = n.
 * Ties are broken by turning one other symbol into the first tied one.
 * @example modeTask().sample(createRng(0), 5)
 */
export function modeTask(options: SymbolTaskOptions = {}): Task {
  const k = alphabetSize('modeTask', options, ['symbols'], 8)
  return symbolTask(k, {
    name: 'mode',
    maxLength: 120,
    program: modeProgram,
    draw(rng, n) {
      const xs = Array.from({ length: n }, () => rng.int(k))
      const counts = new Array<number>(k).fill(0)
      for (const v of xs) counts[v] = (counts[v] as number) + 1
      const top = Math.max(...counts)
      const tied = counts.flatMap((c, s) => (c === top ? [s] : []))
      const mode = tied[0] as number
      if (tied.length > 1) {
        const others = xs.flatMap((v, i) => (v !== mode ? [i] : []))
        xs[others[rng.int(others.length)] as number] = mode
      }
      return { prompt: [SOS, ...xs.map((v) => SYMBOL0 + v), SEP], answer: [SYMBOL0 + mode, EOS] }
    },
  })
}

/** Options of {@link copyTask}. */
export interface CopyTaskOptions extends SymbolTaskOptions {
  /** Draw symbols with replacement (default false: distinct symbols, length ≤ symbols). */
  repeated?: boolean
}

/**
 * Copy: `<s> x₁ … xₙ >` → `x₁ … xₙ </s>`; length = n. With `repeated`, symbols are drawn with
 * replacement (no short RASP-L program), otherwise distinct (the induction-head program).
 * @example copyTask({ repeated: true, symbols: 4 }).sample(createRng(0), 6)
 */
export function copyTask(options: CopyTaskOptions = {}): Task {
  const k = alphabetSize('copyTask', options, ['symbols', 'repeated'], 24)
  const repeated = options.repeated ?? false
  return symbolTask(k, {
    name: repeated ? 'copy-repeated' : 'copy-unique',
    maxLength: repeated ? 120 : k,
    program: repeated ? null : copyUniqueProgram,
    draw(rng, n) {
      const xs = repeated ? Array.from({ length: n }, () => rng.int(k)) : rng.permutation(k).slice(0, n)
      const ids = xs.map((v) => SYMBOL0 + v)
      return { prompt: [SOS, ...ids, SEP], answer: [...ids, EOS] }
    },
  })
}

/**
 * Sort: `<s> x₁ … xₙ >` → the xᵢ ascending, `</s>`; distinct symbols; length = n.
 * @example sortTask().sample(createRng(0), 5)
 */
export function sortTask(options: SymbolTaskOptions = {}): Task {
  const k = alphabetSize('sortTask', options, ['symbols'], 24)
  return symbolTask(k, {
    name: 'sort',
    maxLength: k,
    program: sortProgram,
    draw(rng, n) {
      const xs = rng.permutation(k).slice(0, n)
      const sorted = [...xs].sort((a, b) => a - b)
      return { prompt: [SOS, ...xs.map((v) => SYMBOL0 + v), SEP], answer: [...sorted.map((v) => SYMBOL0 + v), EOS] }
    },
  })
}

/** Options of {@link additionTask}. */
export interface AdditionTaskOptions {
  /** Answer least-significant digit first (default true). */
  reversed?: boolean
  /** Precede every digit by its index hint (default true). */
  indexHints?: boolean
  /** Largest number of digits (default 20; at most 100 with hints). */
  maxDigits?: number
}

/**
 * Addition of two n-digit numbers (length = n), both padded with zeros to n + 1 digits:
 * `<s> h₀ a₀ … hₙ aₙ + h₀ b₀ … hₙ bₙ =` → `h₀ s₀ … hₙ sₙ </s>` (forward) or reversed order;
 * without hints the same digits without the hᵢ. Digits most significant first in the prompt.
 * @example additionTask({ reversed: false }).sample(createRng(0), 3)
 */
export function additionTask(options: AdditionTaskOptions = {}): Task {
  assertKnownOptions('additionTask', options, ['reversed', 'indexHints', 'maxDigits'])
  const reversed = options.reversed ?? true
  const hints = options.indexHints ?? true
  const maxDigits = options.maxDigits ?? 20
  assertInteger('maxDigits', maxDigits, { min: 1, max: 100 })
  const names = [...symbolNames(10), '+', ...(hints ? Array.from({ length: maxDigits + 1 }, (_, i) => `h${i}`) : [])]
  return makeTask({
    name: `addition-${reversed ? 'reversed' : 'forward'}${hints ? '-hints' : ''}`,
    tokenizer: createTokenizer(names, '='),
    minLength: 1,
    maxLength: maxDigits,
    program: hints ? additionProgram({ reversed }) : null,
    draw(rng, n) {
      const a = Array.from({ length: n }, () => rng.int(10))
      const b = Array.from({ length: n }, () => rng.int(10))
      return additionSample(a, b, { reversed, indexHints: hints })
    },
  })
}

/**
 * The tokens of a + b in the addition format (digits most significant first, any lengths; both
 * padded to max(len) + 1 digits).
 * @example additionSample([8, 8], [8, 4, 2], { reversed: false }) // 88 + 842 = 0930 with hints
 */
export function additionSample(a: readonly number[], b: readonly number[], options: { reversed?: boolean; indexHints?: boolean } = {}): TaskSample {
  assertKnownOptions('additionSample', options, ['reversed', 'indexHints'])
  for (const [name, ds] of [['a', a], ['b', b]] as const) {
    if (!Array.isArray(ds) || ds.length === 0) throw new Error(`${name}: expected a non-empty array of digits`)
    ds.forEach((d, i) => assertInteger(`${name}[${i}]`, d, { min: 0, max: 9 }))
  }
  const reversed = options.reversed ?? true
  const hints = options.indexHints ?? true
  const width = Math.max(a.length, b.length) + 1
  const pad = (ds: readonly number[]): number[] => [...new Array<number>(width - ds.length).fill(0), ...ds]
  const pa = pad(a)
  const pb = pad(b)
  const s = new Array<number>(width).fill(0)
  let carry = 0
  for (let i = width - 1; i >= 0; i--) {
    const t = (pa[i] as number) + (pb[i] as number) + carry
    s[i] = t % 10
    carry = t >= 10 ? 1 : 0
  }
  const withHints = (ds: number[], order: number[]): number[] => order.flatMap((i) => (hints ? [ADD_HINT0 + i, ADD_DIGIT0 + (ds[i] as number)] : [ADD_DIGIT0 + (ds[i] as number)]))
  const fwd = Array.from({ length: width }, (_, i) => i)
  const prompt = [SOS, ...withHints(pa, fwd), ADD_PLUS, ...withHints(pb, fwd), SEP]
  const answer = [...withHints(s, reversed ? [...fwd].reverse() : fwd), EOS]
  return { prompt, answer }
}

/**
 * Parity: `<s> b₁ … bₙ >` → `(Σ bᵢ mod 2) </s>`; bits are symbols 0/1; length = n. No short
 * RASP-L program is known (the paper's hard case).
 * @example parityTask().sample(createRng(0), 8)
 */
export function parityTask(): Task {
  return bitsTask('parity', (bits) => bits.reduce((s, v) => s + v, 0) % 2, null)
}

/**
 * AND of bits: `<s> b₁ … bₙ >` → `(b₁ ∧ … ∧ bₙ) </s>`; bits are 1 with probability 1 − 1/(2n) so
 * that both answers occur; length = n.
 * @example andTask().sample(createRng(0), 8)
 */
export function andTask(): Task {
  return bitsTask('and', (bits) => (bits.every((v) => v === 1) ? 1 : 0), andProgram, true)
}

function bitsTask(name: string, answerOf: (bits: number[]) => number, program: Program | null, skewed = false): Task {
  return symbolTask(2, {
    name,
    maxLength: 120,
    program,
    draw(rng, n) {
      const p1 = skewed ? 1 - 1 / (2 * n) : 0.5
      const bits = Array.from({ length: n }, () => (rng.uniform() < p1 ? 1 : 0))
      return { prompt: [SOS, ...bits.map((v) => SYMBOL0 + v), SEP], answer: [SYMBOL0 + answerOf(bits), EOS] }
    },
  })
}

/**
 * Exact match: 1 when the prediction equals the answer token for token (up to and including
 * `</s>`; anything after the answer's end is ignored), else 0.
 * @example exactMatch([5, 6, 3], [5, 6, 3]) // 1
 */
export function exactMatch(predicted: ArrayLike<number>, answer: ArrayLike<number>): 0 | 1 {
  if (predicted.length < answer.length) return 0
  for (let i = 0; i < answer.length; i++) if (predicted[i] !== answer[i]) return 0
  return 1
}
