/**
 * RASP-L core (Zhou et al. 2024, §3 and their np_rasp reference): sequences of integers, maps,
 * causal selectors and aggregations. Every selector is causal (lower-triangular): query position i
 * only sees key positions j ≤ i, so a RASP-L program is a next-token predictor like a decoder.
 *
 * Values: token values (program inputs, `full` constants, `tokMap`/`seqMap` outputs, aggregation
 * defaults) must lie in the int8 range [−128, 127]; index-valued sequences (`indices`, `selWidth`
 * and aggregations of them) may be as large as the context, and change only by `indexAdd` (adding
 * a constant, the only index arithmetic RASP-L allows).
 */
import { assertAllocation, assertInteger, assertKnownOptions } from '@theoryml/core'

/** A RASP sequence: one integer per position. Functions return `Int32Array`s. */
export type Sequence = Int32Array

/** A sequence argument: integers as a plain or typed array. */
export type SequenceLike = readonly number[] | Int32Array | Int8Array | Int16Array | Float64Array

/** A causal selector: `matrix[q·size + k]` is 1 when query position q attends to key k ≤ q. */
export interface Selector {
  readonly size: number
  readonly matrix: Uint8Array
}

/** A selector predicate on a key value and a query value (the np_rasp order: pred(key, query)). */
export type Predicate = (key: number, query: number) => boolean

/** @internal The int8 range every token value must lie in. */
export const INT8_MIN = -128
/** @internal The int8 range every token value must lie in. */
export const INT8_MAX = 127

/** Common predicates: `equals(k, q)` is k = q, `lessThan(k, q)` is k < q, and so on. */
export const equals: Predicate = (k, q) => k === q
/** k ≠ q. */
export const notEquals: Predicate = (k, q) => k !== q
/** k < q. */
export const lessThan: Predicate = (k, q) => k < q
/** k ≤ q. */
export const lessOrEqual: Predicate = (k, q) => k <= q
/** k > q. */
export const greaterThan: Predicate = (k, q) => k > q
/** k ≥ q. */
export const greaterOrEqual: Predicate = (k, q) => k >= q
/** Always true (select every earlier position). */
export const always: Predicate = () => true

/**
 * Validate a sequence argument: integers, and with `int8` each in [−128, 127].
 * @example toSequence('x', [1, 2, 3]) // Int32Array [1, 2, 3]
 */
export function toSequence(name: string, x: unknown, int8 = false): Sequence {
  if (!Array.isArray(x) && !(ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    throw new Error(`${name}: expected a sequence of integers (number[] or Int32Array), got ${x === null ? 'null' : typeof x}`)
  }
  const a = x as ArrayLike<number>
  const out = new Int32Array(a.length)
  for (let i = 0; i < a.length; i++) {
    const v = a[i]
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${name}: expected integers, got ${String(v)} at index ${i}`)
    if (int8 && (v < INT8_MIN || v > INT8_MAX)) {
      throw new Error(`${name}: value ${v} at index ${i} is outside the int8 range [${INT8_MIN}, ${INT8_MAX}] of RASP-L`)
    }
    out[i] = v
  }
  return out
}

function checkInt8(name: string, v: number, i: number): number {
  if (!Number.isInteger(v)) throw new Error(`${name}: produced a non-integer value ${v} at index ${i}`)
  if (v < INT8_MIN || v > INT8_MAX) {
    throw new Error(`${name}: produced ${v} at index ${i}, outside the int8 range [${INT8_MIN}, ${INT8_MAX}] of RASP-L`)
  }
  return v
}

function sameLength(a: { length: number }, b: { length: number }, names: string): void {
  if (a.length !== b.length) throw new Error(`${names}: expected sequences of equal length, got ${a.length} and ${b.length}`)
}

/**
 * The constant sequence: full(x, c)ᵢ = c, with c in the int8 range.
 * @example full([5, 6, 7], 1) // [1, 1, 1]
 */
export function full(x: SequenceLike, value: number): Sequence {
  assertInteger('value', value, { min: INT8_MIN, max: INT8_MAX })
  return new Int32Array(x.length).fill(value)
}

/**
 * The position indices: indices(x)ᵢ = i (index-valued, exempt from the int8 range).
 * @example indices([5, 6, 7]) // [0, 1, 2]
 */
export function indices(x: SequenceLike): Sequence {
  const out = new Int32Array(x.length)
  for (let i = 0; i < out.length; i++) out[i] = i
  return out
}

/**
 * Index arithmetic by a constant: indexAdd(idx, c)ᵢ = idxᵢ + c (the only arithmetic RASP-L allows
 * on index-valued sequences, as `indices(x) + 1` in the paper).
 * @example indexAdd(indices([5, 6, 7]), 1) // [1, 2, 3]
 */
export function indexAdd(idx: SequenceLike, c: number): Sequence {
  assertInteger('c', c)
  const s = toSequence('idx', idx)
  for (let i = 0; i < s.length; i++) s[i] = (s[i] as number) + c
  return s
}

/**
 * Elementwise map (an MLP in the transformer): tokMap(x, f)ᵢ = f(xᵢ), outputs in the int8 range
 * (booleans count as 0/1).
 * @example tokMap([1, 2, 3], (v) => v + 1) // [2, 3, 4]
 */
export function tokMap(x: SequenceLike, fn: (v: number) => number | boolean): Sequence {
  if (typeof fn !== 'function') throw new Error('fn: expected a function (value) => number')
  const s = toSequence('x', x)
  const out = new Int32Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = checkInt8('tokMap', Number(fn(s[i] as number)), i)
  return out
}

/**
 * Elementwise map of two sequences: seqMap(x, y, f)ᵢ = f(xᵢ, yᵢ), outputs in the int8 range.
 * @example seqMap([1, 2], [3, 4], (a, b) => a + b) // [4, 6]
 */
export function seqMap(x: SequenceLike, y: SequenceLike, fn: (a: number, b: number) => number | boolean): Sequence {
  if (typeof fn !== 'function') throw new Error('fn: expected a function (a, b) => number')
  const a = toSequence('x', x)
  const b = toSequence('y', y)
  sameLength(a, b, 'seqMap')
  const out = new Int32Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = checkInt8('seqMap', Number(fn(a[i] as number, b[i] as number)), i)
  return out
}

/**
 * Causal selector: select(k, q, p)[i][j] = p(kⱼ, qᵢ) for j ≤ i and 0 for j > i (lower-triangular).
 * @example select([1, 2, 1], [1, 1, 1], equals) // rows [1,0,0], [1,0,0], [1,0,1]
 */
export function select(keys: SequenceLike, queries: SequenceLike, predicate: Predicate): Selector {
  if (typeof predicate !== 'function') throw new Error('predicate: expected a function (key, query) => boolean')
  const k = toSequence('keys', keys)
  const q = toSequence('queries', queries)
  sameLength(k, q, 'select')
  const n = k.length
  assertAllocation('keys', n * n, 1)
  const matrix = new Uint8Array(n * n)
  for (let i = 0; i < n; i++) {
    const qi = q[i] as number
    const row = i * n
    for (let j = 0; j <= i; j++) if (predicate(k[j] as number, qi)) matrix[row + j] = 1
  }
  return { size: n, matrix }
}

function checkSelector(name: string, s: unknown): Selector {
  const sel = s as Selector
  if (!sel || typeof sel !== 'object' || !(sel.matrix instanceof Uint8Array) || sel.matrix.length !== sel.size * sel.size) {
    throw new Error(`${name}: expected a selector from select()`)
  }
  return sel
}

/**
 * Both selectors: (a ∧ b)[i][j] = a[i][j]·b[i][j] (RASP's selector `and`).
 * @example selectAnd(select(x, x, equals), select(x, x, lessThan))
 */
export function selectAnd(a: Selector, b: Selector): Selector {
  checkSelector('a', a)
  checkSelector('b', b)
  sameLength({ length: a.size }, { length: b.size }, 'selectAnd')
  const matrix = new Uint8Array(a.matrix.length)
  for (let i = 0; i < matrix.length; i++) matrix[i] = (a.matrix[i] as number) & (b.matrix[i] as number)
  return { size: a.size, matrix }
}

/**
 * Selector width: selWidth(A)ᵢ = Σⱼ A[i][j], the number of selected positions (index-valued).
 * @example selWidth(select([1, 2, 1], [1, 1, 1], equals)) // [1, 1, 2]
 */
export function selWidth(selector: Selector): Sequence {
  const { size: n, matrix } = checkSelector('selector', selector)
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let c = 0
    for (let j = 0; j <= i; j++) c += matrix[i * n + j] as number
    out[i] = c
  }
  return out
}

/** Options of {@link aggregate}. */
export interface AggregateOptions {
  /** How the selected values combine (default 'mean', truncated to an integer as np_rasp does). */
  reduction?: 'mean' | 'max' | 'min'
  /** The output where nothing is selected (default 0; int8 range). */
  default?: number
}

/**
 * Aggregate (attention): outᵢ = reduce{ vⱼ : A[i][j] = 1 }, or `default` when row i selects nothing.
 * mean: trunc(Σⱼ A[i][j] vⱼ / Σⱼ A[i][j]); max / min over the selected values.
 * @example aggregate(select(indices(x), indexAdd(indices(x), -1), equals), x, { default: 0 }) // shift right
 */
export function aggregate(selector: Selector, values: SequenceLike, options: AggregateOptions = {}): Sequence {
  assertKnownOptions('aggregate', options, ['reduction', 'default'])
  const { size: n, matrix } = checkSelector('selector', selector)
  const v = toSequence('values', values)
  if (v.length !== n) throw new Error(`values: expected length ${n} (the selector's size), got ${v.length}`)
  const reduction = options.reduction ?? 'mean'
  if (reduction !== 'mean' && reduction !== 'max' && reduction !== 'min') {
    throw new Error(`reduction: expected 'mean', 'max' or 'min', got '${String(reduction)}'`)
  }
  const dflt = options.default ?? 0
  assertInteger('default', dflt, { min: INT8_MIN, max: INT8_MAX })
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const row = i * n
    let count = 0
    let acc = reduction === 'max' ? -Infinity : reduction === 'min' ? Infinity : 0
    for (let j = 0; j <= i; j++) {
      if (matrix[row + j] === 0) continue
      const vj = v[j] as number
      count++
      if (reduction === 'mean') acc += vj
      else if (reduction === 'max') { if (vj > acc) acc = vj }
      else if (vj < acc) acc = vj
    }
    out[i] = checkInt8('aggregate', count === 0 ? dflt : reduction === 'mean' ? Math.trunc(acc / count) : acc, i)
  }
  return out
}

/**
 * select + aggregate in one: kqv(k, q, v, p) = aggregate(select(k, q, p), v).
 * @example kqv(x, full(x, 2), indices(x), equals, { reduction: 'max', default: -1 }) // last index of token 2
 */
export function kqv(keys: SequenceLike, queries: SequenceLike, values: SequenceLike, predicate: Predicate, options: AggregateOptions = {}): Sequence {
  return aggregate(select(keys, queries, predicate), values, options)
}
