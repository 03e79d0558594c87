/**
 * Settings of the likelihood-displacement example, built with the public API of
 * @theoryml/preference-opt: the 8-token polarity vocabulary of experiment 1 and the LM-like hidden
 * states of the multi-token pairs of experiments 3–4.
 */
import { dmath, Matrix, type Rng } from '@theoryml/core'
import { pseudoInverse } from 'ml-matrix'
import { ufmPolicy, type PreferencePair, type UfmPolicy } from '@theoryml/preference-opt'

/** The vocabulary of experiment 1. */
export const TOKENS = ['Yes', 'Sure', 'No', 'Never', 'Maybe', 'The', 'It', 'I'] as const
export const YES = 0
export const SURE = 1
export const NO = 2
export const NEVER = 3
/** Coefficient of each token's unembedding on the shared polarity direction p ("Never" is the strongest negation). */
export const POLARITY = [1, 0.8, -0.6, -1, 0, 0, 0, 0] as const
/** The starting distribution π₀(·|x): "No" is the most likely answer, "Yes" the runner-up. */
export const INITIAL = [0.3, 0.05, 0.45, 0.05, 0.05, 0.1 / 3, 0.1 / 3, 0.1 / 3] as const

/** Options of {@link polarityModel}. */
export interface PolarityOptions {
  /** γ: weight of the shared polarity direction in the unembeddings. */
  strength: number
  /** r: norm of each token's own (private, orthogonal) direction. */
  privateNorm: number
  /** Hidden dimension (≥ 9). */
  dim: number
  /** Std of an isotropic perturbation of W (entries N(0, noise²/d)). */
  noise: number
  rng: Rng
}

/**
 * W_z = γ·s_z·p + r·e_z (+ small noise): p = e₀ the polarity direction, e_z = e_{1+z} a direction of
 * the token's own. The prompt's hidden state h_x is the minimum-norm h with softmax(W h) = π₀.
 */
export function polarityModel(o: PolarityOptions): UfmPolicy {
  const V = TOKENS.length
  const W = new Matrix(V, o.dim)
  for (let z = 0; z < V; z++) {
    W.set(z, 0, o.strength * (POLARITY[z] as number))
    W.set(z, 1 + z, o.privateNorm)
    for (let j = 0; j < o.dim; j++) W.set(z, j, W.get(z, j) + (o.noise / Math.sqrt(o.dim)) * o.rng.normal())
  }
  const model = ufmPolicy({ vocab: V, dim: o.dim, unembedding: W, rng: o.rng.fork('model') })
  // Centered logits of π₀; the centering P = I − 11ᵀ/V removes the softmax's shift invariance.
  const logits = INITIAL.map(dmath.log)
  const mean = logits.reduce((s, v) => s + v, 0) / V
  const P = Matrix.eye(V).sub(Matrix.ones(V, V).div(V))
  const h = pseudoInverse(P.mmul(W)).mmul(Matrix.columnVector(logits.map((v) => v - mean)))
  model.setHidden('x', [], h.to1DArray())
  return model
}

/** Options of {@link lmLikePairs}. */
export interface LmLikeOptions {
  count: number
  vocab: number
  dim: number
  /** ‖μ‖: the mean direction shared by all hidden states (LM hidden states are anisotropic). */
  anisotropy: number
  /** a in h_{x,y≤k} = μ + a(h_{x,y<k} − μ) + E[y_k]. */
  decay: number
  /** Response lengths are drawn from [minLength, maxLength]. */
  minLength: number
  maxLength: number
  rng: Rng
}

/** Pairs with LM-like initial hidden states, and how to build a UFM holding any subset of them. */
export interface LmLikeData {
  pairs: PreferencePair[]
  /** A fresh UFM with the shared initial W and the hidden states of `pairs[indices]`. */
  model: (indices: readonly number[]) => UfmPolicy
}

/**
 * Multi-token preference pairs whose initial hidden states come from a fixed random linear recurrence
 * (so that responses with similar tokens get similar states, as in a language model):
 * h_x = μ + u_x, h_{x,y≤k} = μ + a(h_{x,y<k} − μ) + E[y_k], with u_x, E[z] ~ N(0, I/d) and ‖μ‖ = `anisotropy`.
 * y⁺ is uniform; y⁻ keeps each token of y⁺ with a pair-specific probability q ~ U(0, 1) (else resamples
 * it) and its length moves by up to 2 tokens, so the pairs range from near-duplicates to unrelated.
 */
export function lmLikePairs(o: LmLikeOptions): LmLikeData {
  const { vocab: V, dim: d, rng } = o
  const s = 1 / Math.sqrt(d)
  const mu = rng.fork('mu').fillNormal(new Float64Array(d), o.anisotropy * s)
  const E = Array.from({ length: V }, (_, z) => rng.fork(`E${z}`).fillNormal(new Float64Array(d), s))
  const W = rng.fork('W').fillNormal(new Float64Array(V * d), s)
  const prompts: Float64Array[] = []
  const pairs: PreferencePair[] = []
  for (let i = 0; i < o.count; i++) {
    prompts.push(rng.fillNormal(new Float64Array(d), s))
    const span = o.maxLength - o.minLength + 1
    const chosen = Array.from({ length: o.minLength + rng.int(span) }, () => rng.int(V))
    const q = rng.uniform()
    let rejected = chosen.map((t) => (rng.uniform() < q ? t : rng.int(V)))
    const len = Math.max(o.minLength, Math.min(o.maxLength + 2, chosen.length - 2 + rng.int(5)))
    while (rejected.length < len) rejected.push(rng.int(V))
    rejected = rejected.slice(0, len)
    if (rejected.length === chosen.length && rejected.every((t, k) => t === chosen[k])) {
      rejected[rejected.length - 1] = ((rejected[rejected.length - 1] as number) + 1) % V
    }
    pairs.push({ prompt: i, chosen, rejected })
  }
  const stateOf = (i: number, prefix: readonly number[]): Float64Array => {
    const h = new Float64Array(d)
    const u = prompts[i] as Float64Array
    for (let j = 0; j < d; j++) h[j] = u[j] as number
    for (const t of prefix) {
      const e = E[t] as Float64Array
      for (let j = 0; j < d; j++) h[j] = o.decay * (h[j] as number) + (e[j] as number)
    }
    for (let j = 0; j < d; j++) h[j] = (h[j] as number) + (mu[j] as number)
    return h
  }
  const rows = Array.from({ length: V }, (_, z) => Array.from(W.subarray(z * d, (z + 1) * d)))
  return {
    pairs,
    model(indices) {
      const m = ufmPolicy({ vocab: V, dim: d, unembedding: rows })
      for (const i of indices) {
        const p = pairs[i] as PreferencePair
        for (const y of [p.chosen, p.rejected]) for (let k = 0; k < y.length; k++) m.setHidden(p.prompt, y.slice(0, k), stateOf(i, y.slice(0, k)))
      }
      return m
    },
  }
}
