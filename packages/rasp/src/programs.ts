/**
 * The paper's RASP-L programs as plain functions: each maps a token sequence (one or more packed
 * samples `<s> prompt SEP answer </s>`) to the next-token prediction at every position, and only
 * looks inside the current sample (keys at or after the most recent `<s>`).
 */
import { assertKnownOptions, assertInteger } from '@theoryml/core'
import { indexSelect, lasts, shiftRight, where } from './library'
import { INT8_MAX, INT8_MIN, aggregate, equals, full, greaterOrEqual, greaterThan, indexAdd, indices, select, selectAnd, selWidth, seqMap, toSequence, tokMap } from './rasp'
import type { Selector, Sequence, SequenceLike } from './rasp'
import { EOS, PAD, SEP, SOS, SYMBOL0 } from './tokens'

/** A RASP-L program: tokens in, the next-token prediction at every position out. */
export type Program = (x: SequenceLike) => Sequence

/** Positions of the current sample: keys j with j ≥ (index of the most recent `<s>` before query i). */
function currentSample(x: Sequence): { start: Sequence; within: Selector } {
  const start = lasts(x, full(x, SOS), -1)
  return { start, within: select(indices(x), start, greaterOrEqual) }
}

/** 1 where the current sample has already shown token `tok` (at or before i). */
function seenInSample(x: Sequence, within: Selector, tok: number): Sequence {
  return aggregate(selectAnd(within, select(x, full(x, tok), equals)), full(x, 1), { default: 0 })
}

/** Keys whose `flag` is non-zero (a selector that ignores the query). */
function keysWhere(flag: Sequence): Selector {
  return select(flag, flag, (k) => k !== 0)
}

function input(x: SequenceLike): Sequence {
  return toSequence('x', x, true)
}

/**
 * The prompt's symbols in a `<s> x₁ … xₙ >` task: `within` (the current sample), `afterSep` (1 once
 * the sample has shown '>') and `isInput` (1 at the symbols xᵢ before it).
 */
function promptInputs(x: Sequence): { within: Selector; afterSep: Sequence; isInput: Sequence } {
  const { within } = currentSample(x)
  const isSym = tokMap(x, (v) => v >= SYMBOL0)
  const afterSep = seenInSample(x, within, SEP)
  const isInput = seqMap(isSym, afterSep, (s, a) => s === 1 && a === 0)
  return { within, afterSep, isInput }
}

/**
 * Count (Zhou et al. 2024, Listing 1): prompt `<s> a b >`, answer `a a+1 … b </s>`.
 * next = a after '>', `</s>` after b, else x + 1; with a = x[start+1], b = x[start+2].
 * @example runAutoregressive(countProgram, [1, 5, 8, 2]) // [5, 6, 7, 8, 3]  (symbols 1…4 as ids 5…8)
 */
export const countProgram: Program = (tokens) => {
  const x = input(tokens)
  const { start } = currentSample(x)
  const a = indexSelect(x, indexAdd(start, 1))
  const b = indexSelect(x, indexAdd(start, 2))
  const isSep = tokMap(x, (v) => v === SEP)
  const isLast = seqMap(x, b, (v, bv) => v === bv)
  const incr = tokMap(x, (v) => Math.min(v + 1, 127))
  return where(isSep, a, where(isLast, full(x, EOS), incr))
}

/**
 * Mode: prompt `<s> x₁ … xₙ >`, answer `m </s>` with m the most frequent symbol (unique).
 * cᵢ = #{ j ≤ i in the sample : xⱼ = xᵢ }; m = x at the input position with the largest c.
 * @example runAutoregressive(modeProgram, [1, 5, 6, 5, 2]) // [5, 3]
 */
export const modeProgram: Program = (tokens) => {
  const x = input(tokens)
  const { within, afterSep, isInput } = promptInputs(x)
  const counts = selWidth(selectAnd(within, select(x, x, equals)))
  const inputKeys = selectAnd(within, keysWhere(isInput))
  const best = aggregate(inputKeys, counts, { reduction: 'max', default: 0 })
  const mode = aggregate(selectAnd(inputKeys, select(counts, best, equals)), x, { reduction: 'max', default: PAD })
  const isSep = tokMap(x, (v) => v === SEP)
  return where(isSep, mode, where(afterSep, full(x, EOS), full(x, PAD)))
}

/**
 * Copy with unique tokens by an induction head: prompt `<s> x₁ … xₙ >`, answer `x₁ … xₙ </s>`.
 * next = the token after the first earlier occurrence of the current token (of `<s>` at '>'),
 * with '>' read as `</s>`. Fails when tokens repeat (the first occurrence is ambiguous).
 * @example runAutoregressive(copyUniqueProgram, [1, 7, 5, 6, 2]) // [7, 5, 6, 3]
 */
export const copyUniqueProgram: Program = (tokens) => {
  const x = input(tokens)
  const { within } = currentSample(x)
  const prev = shiftRight(x, 1, PAD)
  const query = tokMap(x, (v) => (v === SEP ? SOS : v))
  const first = aggregate(selectAnd(within, select(prev, query, equals)), indices(x), { reduction: 'min', default: -1 })
  const copied = indexSelect(x, first, PAD)
  return tokMap(copied, (v) => (v === SEP ? EOS : v))
}

/**
 * Sort (unique tokens): prompt `<s> x₁ … xₙ >`, answer the xᵢ ascending, then `</s>`.
 * next = min{ xⱼ : j an input position of the sample, xⱼ > xᵢ } (the smallest input after '>'),
 * or `</s>` when none is larger.
 * @example runAutoregressive(sortProgram, [1, 7, 5, 6, 2]) // [5, 6, 7, 3]
 */
export const sortProgram: Program = (tokens) => {
  const x = input(tokens)
  const { within, isInput } = promptInputs(x)
  const larger = selectAnd(selectAnd(within, keysWhere(isInput)), select(x, x, greaterThan))
  return aggregate(larger, x, { reduction: 'min', default: EOS })
}

/**
 * AND of bits: prompt `<s> b₁ … bₙ >` (bits as symbols 0/1), answer `(b₁ ∧ … ∧ bₙ) </s>`:
 * the minimum over the sample's input bits, a one-layer program (unlike parity).
 * @example runAutoregressive(andProgram, [1, 5, 4, 5, 2]) // [4, 3]
 */
export const andProgram: Program = (tokens) => {
  const x = input(tokens)
  const { within, afterSep, isInput } = promptInputs(x)
  const all = aggregate(selectAnd(within, keysWhere(isInput)), x, { reduction: 'min', default: SYMBOL0 + 1 })
  const isSep = tokMap(x, (v) => v === SEP)
  return where(isSep, all, where(afterSep, full(x, EOS), full(x, PAD)))
}

/** Token layout of the addition task: digits 0–9, '+', then index hints a₀, a₁, …. */
export const ADD_DIGIT0 = SYMBOL0
/** The '+' token of the addition task. */
export const ADD_PLUS = SYMBOL0 + 10
/** Id of the first index hint; hint i (the i-th digit from the left) has id ADD_HINT0 + i. */
export const ADD_HINT0 = SYMBOL0 + 11

/** Options of {@link additionProgram}. */
export interface AdditionProgramOptions {
  /** Answer digits least-significant first (default true). */
  reversed?: boolean
  /** Each digit is preceded by its index hint (default true; false has no known RASP-L program). */
  indexHints?: boolean
}

/**
 * Addition with index hints (Zhou et al. 2024, §5.1): both operands padded to n + 1 digits, digit
 * i from the left preceded by hint hᵢ: `<s> h₀ a₀ … hₙ aₙ + h₀ b₀ … hₙ bₙ =`, answer `h₀ s₀ … hₙ sₙ </s>`
 * (forward) or `hₙ sₙ … h₀ s₀ </s>` (reversed). The hints make aᵢ, bᵢ one lookup each:
 * sₖ = (aₖ + bₖ + cₖ) mod 10 with carry cₖ = [p_{j*} ≥ 10], j* = min{ j > k : pⱼ ≠ 9 }, pⱼ = aⱼ + bⱼ.
 * @example additionProgram({ reversed: false }) // a Program; runAutoregressive it on a prompt
 */
export function additionProgram(options: AdditionProgramOptions = {}): Program {
  assertKnownOptions('additionProgram', options, ['reversed', 'indexHints'])
  const reversed = options.reversed ?? true
  const indexHints = options.indexHints ?? true
  if (!indexHints) {
    throw new Error('indexHints: addition without index hints has no known short RASP-L program (Zhou et al. 2024, §5.1); use indexHints: true')
  }
  return (tokens) => {
    const x = input(tokens)
    const { within } = currentSample(x)
    const seenPlus = seenInSample(x, within, ADD_PLUS)
    const seenEq = seenInSample(x, within, SEP)
    const region = seqMap(seenPlus, seenEq, (p, e) => (e ? 3 : p ? 2 : 1))
    const isHint = tokMap(x, (v) => v >= ADD_HINT0)
    const isDigit = tokMap(x, (v) => v >= ADD_DIGIT0 && v < ADD_DIGIT0 + 10)
    const hintIdx = tokMap(x, (v) => (v >= ADD_HINT0 ? v - ADD_HINT0 : -1))
    const digit = tokMap(x, (v) => (v >= ADD_DIGIT0 && v < ADD_DIGIT0 + 10 ? v - ADD_DIGIT0 : 0))
    // The place of a digit is the index of the hint just before it.
    const place = where(isHint, hintIdx, shiftRight(hintIdx, 1, -1))
    const op1Digit = seqMap(region, isDigit, (r, d) => r === 1 && d === 1)
    const op2Digit = seqMap(region, isDigit, (r, d) => r === 2 && d === 1)
    const key1 = where(op1Digit, place, full(x, -2))
    const key2 = where(op2Digit, place, full(x, -2))
    // Pair sums pⱼ = aⱼ + bⱼ, computed at the second operand's digits.
    const aSame = aggregate(selectAnd(within, select(key1, place, equals)), digit, { default: 0 })
    const pairSum = where(op2Digit, seqMap(digit, aSame, (d, a) => d + a), full(x, -1))
    // Carry into place k (the query's place): the nearest lower-order place j > k with pⱼ ≠ 9 decides.
    const decisive = where(seqMap(op2Digit, pairSum, (o, p) => o === 1 && p !== 9), key2, full(x, -2))
    const jStar = aggregate(selectAnd(within, select(decisive, place, (k, q) => k > q)), decisive, { reduction: 'min', default: -1 })
    const generates = tokMap(pairSum, (p) => p >= 10)
    const carry = aggregate(selectAnd(within, select(key2, jStar, equals)), generates, { default: 0 })
    const pHere = aggregate(selectAnd(within, select(key2, place, equals)), pairSum, { default: 0 })
    const sumDigit = seqMap(pHere, carry, (p, c) => ADD_DIGIT0 + ((p + c) % 10))
    // The last place n: the largest hint of the first operand.
    const lastPlace = aggregate(selectAnd(within, keysWhere(seqMap(region, isHint, (r, h) => r === 1 && h === 1))), hintIdx, { reduction: 'max', default: 0 })
    const firstHint = reversed ? tokMap(lastPlace, (n) => ADD_HINT0 + n) : full(x, ADD_HINT0)
    const nextHint = reversed
      ? tokMap(place, (k) => (k > 0 ? ADD_HINT0 + k - 1 : EOS))
      : seqMap(place, lastPlace, (k, n) => (k < n ? ADD_HINT0 + k + 1 : EOS))
    const inAnswer = tokMap(region, (r) => r === 3)
    const isEq = tokMap(x, (v) => v === SEP)
    const answerHint = seqMap(inAnswer, isHint, (a, h) => a === 1 && h === 1)
    const answerDigit = seqMap(inAnswer, isDigit, (a, d) => a === 1 && d === 1)
    return where(isEq, firstHint, where(answerHint, sumDigit, where(answerDigit, nextHint, full(x, PAD))))
  }
}

/** Options of {@link runAutoregressive}. */
export interface RunAutoregressiveOptions {
  /** Stop after this many new tokens (default 512). */
  maxNew?: number
  /** Stop after emitting this token (default `</s>`). */
  eos?: number
}

/**
 * Greedy autoregressive generation with a program: repeatedly append program(seq)ₗₐₛₜ until `</s>`.
 * Returns the generated tokens (the answer, `</s>` included).
 * @example runAutoregressive(countProgram, [1, 5, 8, 2]) // [5, 6, 7, 8, 3]
 */
export function runAutoregressive(program: Program, prompt: SequenceLike, options: RunAutoregressiveOptions = {}): number[] {
  assertKnownOptions('runAutoregressive', options, ['maxNew', 'eos'])
  if (typeof program !== 'function') throw new Error('program: expected a function (tokens) => next tokens')
  const seq = Array.from(toSequence('prompt', prompt, true))
  if (seq.length === 0) throw new Error('prompt: expected at least one token')
  const maxNew = options.maxNew ?? 512
  assertInteger('maxNew', maxNew, { min: 1 })
  const eos = options.eos ?? EOS
  const out: number[] = []
  for (let t = 0; t < maxNew; t++) {
    const next: unknown = program(seq)
    // A program maps a sequence to one of the same length; the next token is its last entry.
    if (!Array.isArray(next) && !(ArrayBuffer.isView(next) && !(next instanceof DataView))) {
      throw new Error(`program: expected it to return a sequence (number[] or Int32Array), got ${next === null ? 'null' : typeof next} at step ${t}`)
    }
    const arr = next as ArrayLike<number>
    if (arr.length !== seq.length) throw new Error(`program: returned ${arr.length} tokens for an input of ${seq.length} at step ${t} (a RASP program keeps the length)`)
    const tok = arr[arr.length - 1] as number
    if (typeof tok !== 'number' || !Number.isInteger(tok) || tok < INT8_MIN || tok > INT8_MAX) {
      throw new Error(`program: returned ${String(tok)} as the next token at step ${t}, expected an integer in the int8 range [${INT8_MIN}, ${INT8_MAX}] of RASP-L`)
    }
    out.push(tok)
    seq.push(tok)
    if (tok === eos) break
  }
  return out
}
