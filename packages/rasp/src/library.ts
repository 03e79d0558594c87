/**
 * The RASP-L standard library of Zhou et al. 2024 (their np_rasp `lib`), written with the core
 * operations only, so each function is itself a short RASP-L program.
 */
import { assertInteger } from '@theoryml/core'
import {
  always,
  equals,
  full,
  indexAdd,
  indices,
  kqv,
  select,
  selWidth,
  toSequence,
  type Sequence,
  type SequenceLike,
} from './rasp'

/**
 * Shift right by n positions: shiftRight(x, n)ᵢ = x_{i−n}, or `default` for i < n.
 * kqv(indices + n, indices, x, equals).
 * @example shiftRight([1, 2, 3], 1) // [0, 1, 2]
 */
export function shiftRight(x: SequenceLike, n: number, defaultValue = 0): Sequence {
  assertInteger('n', n, { min: 0 })
  const idx = indices(x)
  return kqv(indexAdd(idx, n), idx, x, equals, { default: defaultValue })
}

/**
 * Running count of true (non-zero) entries, inclusive: cumsum(b)ᵢ = #{ j ≤ i : bⱼ ≠ 0 }.
 * selWidth(select(b, b, (k, q) => k ≠ 0)).
 * @example cumsum([1, 0, 1]) // [1, 1, 2]
 */
export function cumsum(bools: SequenceLike): Sequence {
  return selWidth(select(bools, bools, (k) => k !== 0))
}

/**
 * Elementwise choice (an MLP): where(c, a, b)ᵢ = aᵢ if cᵢ ≠ 0 else bᵢ; outputs in the int8 range.
 * @example where([1, 0], [5, 5], [7, 7]) // [5, 7]
 */
export function where(condition: SequenceLike, ifTrue: SequenceLike, ifFalse: SequenceLike): Sequence {
  const c = toSequence('condition', condition)
  const a = toSequence('ifTrue', ifTrue, true)
  const b = toSequence('ifFalse', ifFalse, true)
  if (a.length !== c.length || b.length !== c.length) {
    throw new Error(`where: expected sequences of equal length, got ${c.length}, ${a.length}, ${b.length}`)
  }
  const out = new Int32Array(c.length)
  for (let i = 0; i < c.length; i++) out[i] = (c[i] as number) !== 0 ? (a[i] as number) : (b[i] as number)
  return out
}

/**
 * Keep x where the mask is true, else `value`: mask(x, m, v)ᵢ = xᵢ if mᵢ else v.
 * @example mask([4, 5, 6], [1, 0, 1]) // [4, 0, 6]
 */
export function mask(x: SequenceLike, boolMask: SequenceLike, value = 0): Sequence {
  return where(boolMask, x, full(x, value))
}

/**
 * Running maximum: maximum(x)ᵢ = max_{j ≤ i} xⱼ. kqv(x, x, x, always, max).
 * @example maximum([1, 3, 2]) // [1, 3, 3]
 */
export function maximum(x: SequenceLike): Sequence {
  return kqv(x, x, x, always, { reduction: 'max' })
}

/**
 * Running minimum: minimum(x)ᵢ = min_{j ≤ i} xⱼ.
 * @example minimum([3, 1, 2]) // [3, 1, 1]
 */
export function minimum(x: SequenceLike): Sequence {
  return kqv(x, x, x, always, { reduction: 'min' })
}

/**
 * Running argmax (first index of the running maximum): argmax(x)ᵢ = min{ j ≤ i : xⱼ = max_{l ≤ i} x_l }.
 * @example argmax([1, 3, 2, 3]) // [0, 1, 1, 1]
 */
export function argmax(x: SequenceLike): Sequence {
  return kqv(x, maximum(x), indices(x), equals, { reduction: 'min' })
}

/**
 * Running argmin (first index of the running minimum).
 * @example argmin([3, 1, 2, 1]) // [0, 1, 1, 1]
 */
export function argmin(x: SequenceLike): Sequence {
  return kqv(x, minimum(x), indices(x), equals, { reduction: 'min' })
}

/**
 * How many earlier positions (inclusive) hold the query: numPrev(x, q)ᵢ = #{ j ≤ i : xⱼ = qᵢ }.
 * @example numPrev([1, 2, 1], [1, 1, 1]) // [1, 1, 2]
 */
export function numPrev(x: SequenceLike, queries: SequenceLike): Sequence {
  return selWidth(select(x, queries, equals))
}

/**
 * Whether the query was seen so far: hasSeen(x, q)ᵢ = 1 if ∃ j ≤ i with xⱼ = qᵢ, else 0.
 * @example hasSeen([1, 2, 3], [2, 2, 2]) // [0, 1, 1]
 */
export function hasSeen(x: SequenceLike, queries: SequenceLike): Sequence {
  return kqv(x, queries, full(x, 1), equals, { default: 0 })
}

/**
 * Index of the first occurrence of the query: firsts(x, q)ᵢ = min{ j ≤ i : xⱼ = qᵢ } (or `default`).
 * @example firsts([5, 6, 5], [5, 5, 5]) // [0, 0, 0]
 */
export function firsts(x: SequenceLike, queries: SequenceLike, defaultValue = -1): Sequence {
  return kqv(x, queries, indices(x), equals, { default: defaultValue, reduction: 'min' })
}

/**
 * Index of the last occurrence of the query: lasts(x, q)ᵢ = max{ j ≤ i : xⱼ = qᵢ } (or `default`).
 * @example lasts([5, 6, 5], [5, 5, 5]) // [0, 0, 2]
 */
export function lasts(x: SequenceLike, queries: SequenceLike, defaultValue = -1): Sequence {
  return kqv(x, queries, indices(x), equals, { default: defaultValue, reduction: 'max' })
}

/**
 * Index into x: indexSelect(x, idx)ᵢ = x_{idxᵢ} when idxᵢ ≤ i (causal), else `default`.
 * @example indexSelect([7, 8, 9], [0, 0, 1]) // [7, 7, 8]
 */
export function indexSelect(x: SequenceLike, idx: SequenceLike, defaultValue = 0): Sequence {
  return kqv(indices(x), idx, x, equals, { default: defaultValue })
}

/**
 * Induction head: the value that followed the first earlier occurrence of the query, `offset`
 * positions later: induct(k, q, o)ᵢ = k_{j+o} with j = min{ j : kⱼ = qᵢ, j + o ≤ i }.
 * indexSelect(k, firsts(shiftRight(k, o, null), q, null)).
 * @example induct([1, 2, 3, 1], [1, 2, 3, 1], 1) // [0, 0, 0, 2]
 */
export function induct(keys: SequenceLike, queries: SequenceLike, offset: number, defaultValue = 0, nullValue = -128): Sequence {
  assertInteger('offset', offset, { min: 0 })
  const target = firsts(shiftRight(keys, offset, nullValue), queries, nullValue)
  return indexSelect(keys, target, defaultValue)
}

/**
 * Induction with a negative offset: the value `offset` (≤ 0) positions before the first occurrence
 * of the query: inductPrev(k, q, o)ᵢ = k_{j+o}, j = min{ j ≤ i : kⱼ = qᵢ }.
 * @example inductPrev([1, 2, 3, 3], [0, 0, 0, 3], -1) // [0, 0, 0, 2]
 */
export function inductPrev(keys: SequenceLike, queries: SequenceLike, offset: number, defaultValue = 0, nullValue = -128): Sequence {
  assertInteger('offset', offset, { max: 0 })
  const first = firsts(keys, queries, nullValue)
  return indexSelect(keys, indexAdd(first, offset), defaultValue)
}
