import { assertFiniteArray, assertInteger, assertKnownOptions, assertPositive, dmath, Matrix, type MatrixLike, type Params, resolveRng, type Rng, toMatrix, toVector, type VectorLike } from '@theoryml/core'

/** A prompt's identifier (prompts are told apart by `String(prompt)`). */
export type PromptId = string | number

/** A preference pair: y⁺ (`chosen`) is preferred over y⁻ (`rejected`) for the prompt x. */
export interface PreferencePair {
  prompt: PromptId
  /** Token ids of the preferred response y⁺ (non-empty). */
  chosen: readonly number[]
  /** Token ids of the dispreferred response y⁻ (non-empty). */
  rejected: readonly number[]
}

/** Options of {@link ufmPolicy}. */
export interface UfmPolicyOptions {
  /** Vocabulary size |V| (≥ 2). */
  vocab: number
  /** Hidden dimension d (≥ 1). */
  dim: number
  /** Seed or stream for W and for the hidden states created on first use (default seed 0). */
  rng?: Rng | number
  /** W entries are N(0, s²/d), so each row has norm ≈ s (default 1). */
  unembeddingScale?: number
  /** New hidden states are N(0, s²/d)·I, norm ≈ s (default 1). */
  hiddenScale?: number
  /** An explicit unembedding matrix W (vocab × dim) instead of a random one. */
  unembedding?: MatrixLike
}

/**
 * The unconstrained features model of a language model (Razin et al. 2025, §4–5): a free hidden
 * embedding h_{x,y<k} ∈ ℝᵈ for every prefix (prompt x followed by the response tokens y<k) and a free
 * unembedding W ∈ ℝ^{|V|×d}; π(y_k | x, y<k) = softmax(W h_{x,y<k})[y_k] and
 * ln π(y|x) = Σ_k ln π(y_k | x, y<k). All parameters are float64 and updated in place by training.
 */
export interface UfmPolicy {
  readonly vocab: number
  readonly dim: number
  /** W, row-major vocab × dim (the live parameter: row z is the unembedding W_z of token z). */
  readonly W: Float64Array
  /** Every parameter by name: 'W' and one 'h:<prompt>|<prefix>' per hidden state created so far. */
  readonly params: Params
  /** The parameter name of the hidden state h_{x,prefix}. */
  hiddenKey(prompt: PromptId, prefix?: readonly number[]): string
  /** The live hidden state h_{x,prefix} (created from the model's RNG on first use). */
  hidden(prompt: PromptId, prefix?: readonly number[]): Float64Array
  /** Overwrite (or create) the hidden state h_{x,prefix}. */
  setHidden(prompt: PromptId, prefix: readonly number[], h: VectorLike): void
  /** ln π(· | x, prefix) over the vocabulary. */
  nextTokenLogProbs(prompt: PromptId, prefix?: readonly number[]): Float64Array
  /** ln π(y|x) = Σ_k ln π(y_k | x, y<k). */
  logProb(prompt: PromptId, response: readonly number[]): number
  /** The hidden states that produce the response's tokens: h_{x,y<k} for k = 1…|y| (live arrays). */
  responseHidden(prompt: PromptId, response: readonly number[]): Float64Array[]
  /** A copy of W as a Matrix. */
  unembedding(): Matrix
  /** An independent deep copy (same parameters, same RNG state for new hidden states). */
  clone(): UfmPolicy
}

const UFM_OPTIONS = ['vocab', 'dim', 'rng', 'unembeddingScale', 'hiddenScale', 'unembedding'] as const

/**
 * ln softmax(W h) into `out` (length |V|): out_z = W_z·h − logsumexp(W h). Internal: not exported from the package entries.
 * @example logSoftmaxRows(W, 3, 2, h, new Float64Array(3))
 */
export function logSoftmaxRows(W: Float64Array, vocab: number, dim: number, h: Float64Array, out: Float64Array): Float64Array {
  let max = -Infinity
  for (let z = 0; z < vocab; z++) {
    let s = 0
    const o = z * dim
    for (let j = 0; j < dim; j++) s += (W[o + j] as number) * (h[j] as number)
    out[z] = s
    if (s > max) max = s
  }
  let sum = 0
  for (let z = 0; z < vocab; z++) sum += dmath.exp((out[z] as number) - max)
  const lse = max + dmath.log(sum)
  for (let z = 0; z < vocab; z++) out[z] = (out[z] as number) - lse
  return out
}

/**
 * Check a response: a non-empty array of token ids in [0, vocab). Internal: not exported from the package entries.
 * @example checkTokens('chosen', [1, 2], 8)
 */
export function checkTokens(name: string, tokens: unknown, vocab: number, allowEmpty = false): readonly number[] {
  if (!Array.isArray(tokens)) throw new Error(`${name}: expected an array of token ids`)
  if (tokens.length === 0 && !allowEmpty) throw new Error(`${name}: expected a non-empty response (at least one token)`)
  tokens.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= vocab) throw new Error(`${name}: expected token ids in [0, ${vocab - 1}], got ${String(t)} at index ${i}`)
  })
  return tokens as readonly number[]
}

/**
 * Check a preference pair against a vocabulary size (prompt id, non-empty token arrays). Internal: not exported from the package entries.
 * @example checkPair('pairs[0]', { prompt: 'q', chosen: [1], rejected: [2] }, 8)
 */
export function checkPair(name: string, pair: unknown, vocab: number): PreferencePair {
  if (!pair || typeof pair !== 'object') throw new Error(`${name}: expected { prompt, chosen, rejected }`)
  const p = pair as PreferencePair
  if (typeof p.prompt !== 'string' && typeof p.prompt !== 'number') throw new Error(`${name}.prompt: expected a string or number id`)
  checkTokens(`${name}.chosen`, p.chosen, vocab)
  checkTokens(`${name}.rejected`, p.rejected, vocab)
  return p
}

interface UfmState {
  vocab: number
  dim: number
  W: Float64Array
  params: Params
  rng: Rng
  hiddenScale: number
}

function makePolicy(s: UfmState): UfmPolicy {
  const { vocab, dim, W, params } = s
  const keyOf = (prompt: PromptId, prefix: readonly number[] = []): string => {
    if (typeof prompt !== 'string' && typeof prompt !== 'number') throw new Error('prompt: expected a string or number id')
    checkTokens('prefix', prefix, vocab, true)
    return `h:${String(prompt)}|${prefix.join(',')}`
  }
  const hidden = (prompt: PromptId, prefix: readonly number[] = []): Float64Array => {
    const key = keyOf(prompt, prefix)
    let h = params[key]
    if (!h) {
      h = s.rng.fork(key).fillNormal(new Float64Array(dim), s.hiddenScale / Math.sqrt(dim))
      params[key] = h
    }
    return h
  }
  const scratch = new Float64Array(vocab)
  const policy: UfmPolicy = {
    vocab,
    dim,
    W,
    params,
    hiddenKey: keyOf,
    hidden,
    setHidden(prompt, prefix, h) {
      const v = toVector('h', h, dim)
      const key = keyOf(prompt, prefix)
      const cur = params[key]
      if (cur) cur.set(v)
      else params[key] = v
    },
    nextTokenLogProbs(prompt, prefix = []) {
      return logSoftmaxRows(W, vocab, dim, hidden(prompt, prefix), new Float64Array(vocab))
    },
    logProb(prompt, response) {
      checkTokens('response', response, vocab)
      let lp = 0
      for (let k = 0; k < response.length; k++) {
        logSoftmaxRows(W, vocab, dim, hidden(prompt, response.slice(0, k)), scratch)
        lp += scratch[response[k] as number] as number
      }
      return lp
    },
    responseHidden(prompt, response) {
      checkTokens('response', response, vocab)
      return response.map((_, k) => hidden(prompt, response.slice(0, k)))
    },
    unembedding() {
      return new Matrix(Array.from({ length: vocab }, (_, z) => Array.from(W.subarray(z * dim, (z + 1) * dim))))
    },
    clone() {
      const p2: Params = {}
      for (const [k, v] of Object.entries(params)) p2[k] = Float64Array.from(v)
      return makePolicy({ ...s, W: p2.W as Float64Array, params: p2, rng: s.rng.fork(`clone:${Object.keys(params).length}`) })
    },
  }
  return policy
}

/**
 * Build an unconstrained features model (free hidden embeddings per prefix and a free unembedding W).
 * Logits are W h_{x,y<k}; W ~ N(0, s_W²/d) entrywise (rows of norm ≈ s_W) unless given; hidden states
 * are created on first use as N(0, s_h²/d)·I from `rng.fork(key)`, so they do not depend on the order
 * in which they are requested.
 * @example
 * const model = ufmPolicy({ vocab: 8, dim: 4, rng: 0 })
 * model.logProb('q', [2]) // ln softmax(W h_q)[2]
 */
export function ufmPolicy(options: UfmPolicyOptions): UfmPolicy {
  assertKnownOptions('ufmPolicy', options, UFM_OPTIONS)
  if (!options || typeof options !== 'object') throw new Error('ufmPolicy: expected { vocab, dim, rng }')
  const { vocab, dim } = options
  assertInteger('vocab', vocab, { min: 2 })
  assertInteger('dim', dim, { min: 1 })
  const uScale = options.unembeddingScale ?? 1
  const hScale = options.hiddenScale ?? 1
  assertPositive('unembeddingScale', uScale)
  assertPositive('hiddenScale', hScale)
  const rng = resolveRng(options.rng)
  let W: Float64Array
  if (options.unembedding !== undefined) {
    const m = toMatrix('unembedding', options.unembedding, { rows: vocab, columns: dim })
    W = Float64Array.from(m.to1DArray())
  } else {
    W = rng.fork('W').fillNormal(new Float64Array(vocab * dim), uScale / Math.sqrt(dim))
  }
  assertFiniteArray('unembedding', W)
  return makePolicy({ vocab, dim, W, params: { W }, rng: rng.fork('hidden'), hiddenScale: hScale })
}
