import { Matrix, assertFiniteArray, assertInteger, assertKnownOptions, assertPositive, isNdArray, type NdArray } from '@theoryml/core'

/**
 * Hidden states, one row per token: nested arrays (`number[][]`), an array of typed-array rows
 * (e.g. `Float32Array[]` read from a model), an ml-matrix `Matrix`, or a 2-d `NdArray`.
 */
export type HiddenStates = Matrix | NdArray | readonly (readonly number[] | Float32Array | Float64Array)[]

interface Rows {
  rows: number
  cols: number
  row: (i: number) => ArrayLike<number>
}

function asRows(name: string, x: unknown, allowEmpty = false): Rows {
  if (Matrix.isMatrix(x)) {
    const m = x as Matrix
    return { rows: m.rows, cols: m.columns, row: (i) => m.getRow(i) }
  }
  if (isNdArray(x)) {
    if (x.shape.length !== 2) throw new Error(`${name}: expected a 2-d array [tokens, dim], got shape [${x.shape.join(', ')}]`)
    const [r, c] = x.shape as [number, number]
    return { rows: r, cols: c, row: (i) => x.data.subarray(i * c, (i + 1) * c) }
  }
  if (!Array.isArray(x)) throw new Error(`${name}: expected hidden states (number[][], Float32Array[], Matrix or a 2-d NdArray)`)
  if (x.length === 0) {
    if (allowEmpty) return { rows: 0, cols: 0, row: () => [] }
    throw new Error(`${name}: expected at least one hidden state (an empty response has none)`)
  }
  const first = x[0] as unknown
  if (!Array.isArray(first) && !ArrayBuffer.isView(first)) throw new Error(`${name}: expected rows (arrays of numbers), got ${typeof first} at row 0`)
  const cols = (first as ArrayLike<number>).length
  if (cols === 0) throw new Error(`${name}: expected non-empty rows`)
  x.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new Error(`${name}: row ${i} is not an array`)
    if ((row as ArrayLike<number>).length !== cols) throw new Error(`${name}: row ${i} has ${(row as ArrayLike<number>).length} entries, expected ${cols}`)
  })
  return { rows: x.length, cols, row: (i) => x[i] as ArrayLike<number> }
}

/** Σ_k h_k in float64 (validated: finite entries, at least one row). */
function sumRows(name: string, x: unknown): { sum: Float64Array; count: number } {
  const r = asRows(name, x)
  if (r.rows === 0) throw new Error(`${name}: expected at least one hidden state (an empty response has none)`)
  const sum = new Float64Array(r.cols)
  for (let i = 0; i < r.rows; i++) {
    const row = r.row(i)
    for (let j = 0; j < r.cols; j++) {
      const v = row[j] as number
      if (!Number.isFinite(v)) throw new Error(`${name}: expected finite entries, got ${v} at (${i}, ${j})`)
      sum[j] = (sum[j] as number) + v
    }
  }
  return { sum, count: r.rows }
}

/** ⟨a, b⟩ − c‖a‖², computed on scaled copies so that huge entries cannot overflow the intermediate sums. */
function centeredSimilarity(a: Float64Array, b: Float64Array, wa: number, wb: number): number {
  let scale = 0
  for (let j = 0; j < a.length; j++) scale = Math.max(scale, Math.abs((a[j] as number) * wa), Math.abs((b[j] as number) * wb))
  if (scale === 0) return 0
  let ab = 0
  let aa = 0
  for (let j = 0; j < a.length; j++) {
    const x = ((a[j] as number) * wa) / scale
    const y = ((b[j] as number) * wb) / scale
    ab += x * y
    aa += x * x
  }
  return (ab - aa) * scale * scale
}

function pairSums(hPreferred: HiddenStates, hDispreferred: HiddenStates): { p: ReturnType<typeof sumRows>; m: ReturnType<typeof sumRows> } {
  const p = sumRows('hPreferred', hPreferred)
  const m = sumRows('hDispreferred', hDispreferred)
  if (p.sum.length !== m.sum.length) throw new Error(`hDispreferred: expected rows of dimension ${p.sum.length} (as hPreferred), got ${m.sum.length}`)
  return { p, m }
}

/**
 * Centered hidden embedding similarity (Razin et al. 2025, Def. 2) of a preference pair:
 * CHES(x, y⁺, y⁻) = ⟨Σ_k h⁺_k, Σ_k h⁻_k⟩ − ‖Σ_k h⁺_k‖², where h±_k are the hidden states that produce
 * the tokens of y± (see {@link responseStates}); every row given is summed. Sums are accumulated in
 * float64 and the inner products taken on rescaled vectors, so long responses cannot overflow.
 * High CHES predicts that DPO on the pair lowers ln π(y⁺|x).
 * @example ches([[1, 0], [0, 1]], [[1, 1]]) // ⟨(1,1),(1,1)⟩ − ‖(1,1)‖² = 0
 */
export function ches(hPreferred: HiddenStates, hDispreferred: HiddenStates): number {
  const { p, m } = pairSums(hPreferred, hDispreferred)
  return centeredSimilarity(p.sum, m.sum, 1, 1)
}

/**
 * Length-normalized CHES (Razin et al. 2025, §5):
 * ⟨Σ_k h⁺_k / |y⁺|, Σ_k h⁻_k / |y⁻|⟩ − ‖Σ_k h⁺_k / |y⁺|‖², with |y±| the number of rows given.
 * @example lengthNormalizedChes([[1, 0], [0, 1]], [[1, 1]]) // ⟨(½,½),(1,1)⟩ − ½ = ½
 */
export function lengthNormalizedChes(hPreferred: HiddenStates, hDispreferred: HiddenStates): number {
  const { p, m } = pairSums(hPreferred, hDispreferred)
  return centeredSimilarity(p.sum, m.sum, 1 / p.count, 1 / m.count)
}

/** Options of {@link responseStates}. */
export interface ResponseStatesOptions {
  /** Also include the final response token's own hidden state (default false; see {@link responseStates}). */
  includeFinal?: boolean
}

/**
 * The hidden states that produce a response's tokens, out of a whole sequence's states (row t = the
 * state at token t, which predicts token t+1): rows promptLength−1 … T−2, i.e. from the last prompt
 * token to the second-to-last response token (the paper's definition, one row per response token).
 * `includeFinal` adds row T−1, the final response token's state (which predicts nothing in the
 * response, usually the EOS position): the authors' released script drops only the last position of
 * a right-padded batch, so for every sequence shorter than the batch it sums this extra state too.
 * @example responseStates(hidden, 6).rows // hidden: 10 × d → 4 rows (rows 5…8)
 */
export function responseStates(hidden: HiddenStates, promptLength: number, options: ResponseStatesOptions = {}): Matrix {
  assertKnownOptions('responseStates', options, ['includeFinal'])
  const r = asRows('hidden', hidden)
  assertInteger('promptLength', promptLength, { min: 1, max: r.rows - 1 })
  const end = options.includeFinal ? r.rows : r.rows - 1
  const out = new Matrix(end - (promptLength - 1), r.cols)
  for (let i = promptLength - 1; i < end; i++) {
    const row = r.row(i)
    assertFiniteArray(`hidden row ${i}`, row)
    for (let j = 0; j < r.cols; j++) out.set(i - promptLength + 1, j, row[j] as number)
  }
  return out
}

/** A pair's hidden states for scoring. */
export interface ChesPair {
  hPreferred: HiddenStates
  hDispreferred: HiddenStates
}

/** Options of {@link rankByChes} and {@link filterByChes}. */
export interface ChesRankOptions {
  /** Score with {@link lengthNormalizedChes} instead of {@link ches} (default false). */
  lengthNormalized?: boolean
}

/**
 * Score every pair by CHES and sort them from the highest score (most likely to displace) down.
 * @example rankByChes(pairs)[0].index // the pair most likely to cause likelihood displacement
 */
export function rankByChes(pairs: readonly ChesPair[], options: ChesRankOptions = {}): { index: number; score: number }[] {
  assertKnownOptions('rankByChes', options, ['lengthNormalized'])
  if (!Array.isArray(pairs)) throw new Error('pairs: expected an array of { hPreferred, hDispreferred }')
  const score = options.lengthNormalized ? lengthNormalizedChes : ches
  return pairs
    .map((p, index) => {
      if (!p || typeof p !== 'object') throw new Error(`pairs[${index}]: expected { hPreferred, hDispreferred }`)
      try {
        return { index, score: score(p.hPreferred, p.hDispreferred) }
      } catch (err) {
        throw new Error(`pairs[${index}].${(err as Error).message}`)
      }
    })
    .sort((a, b) => b.score - a.score || a.index - b.index)
}

/** Options of {@link filterByChes}. */
export interface FilterByChesOptions extends ChesRankOptions {
  /** Fraction of the pairs to keep, in (0, 1]: the lowest-CHES ones. */
  keepFraction: number
}

/** What {@link filterByChes} returns. */
export interface ChesFilterResult<T> {
  /** The kept pairs, in their original order. */
  kept: T[]
  /** The removed (highest-CHES) pairs, highest first. */
  removed: T[]
  keptIndices: number[]
  removedIndices: number[]
  /** The scores of all pairs, by original index. */
  scores: Float64Array
}

/**
 * Keep the round(keepFraction·n) pairs with the lowest CHES and drop the rest (the paper's mitigation:
 * filtering out the pairs that would displace the preferred response's likelihood the most).
 * @example filterByChes(pairs, { keepFraction: 0.9 }).removedIndices // the top 10% by CHES
 */
export function filterByChes<T extends ChesPair>(pairs: readonly T[], options: FilterByChesOptions): ChesFilterResult<T> {
  assertKnownOptions('filterByChes', options, ['keepFraction', 'lengthNormalized'])
  if (!options || typeof options !== 'object') throw new Error('filterByChes: expected { keepFraction }')
  assertPositive('keepFraction', options.keepFraction)
  if (options.keepFraction > 1) throw new Error(`keepFraction: expected a number in (0, 1], got ${options.keepFraction}`)
  const ranked = rankByChes(pairs, options.lengthNormalized === undefined ? {} : { lengthNormalized: options.lengthNormalized })
  const keep = Math.round(options.keepFraction * pairs.length)
  const removedIndices = ranked.slice(0, pairs.length - keep).map((r) => r.index)
  const removedSet = new Set(removedIndices)
  const keptIndices = pairs.map((_, i) => i).filter((i) => !removedSet.has(i))
  const scores = new Float64Array(pairs.length)
  for (const r of ranked) scores[r.index] = r.score
  return {
    kept: keptIndices.map((i) => pairs[i] as T),
    removed: removedIndices.map((i) => pairs[i] as T),
    keptIndices,
    removedIndices,
    scores,
  }
}
