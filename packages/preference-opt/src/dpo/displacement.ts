import { assertInteger, assertKnownOptions, assertPositive, dmath, type History, Matrix, toVector, type VectorLike } from '@theoryml/core'
import { marginLoss, resolveLossOptions, type PreferenceLossOptions, type PreferenceLossType } from './loss'
import type { PreferenceReference } from './train-preference'
import { checkPair, logSoftmaxRows, type PreferencePair, type UfmPolicy } from './ufm'

/** Options of {@link likelihoodDisplacement}. */
export interface LikelihoodDisplacementOptions {
  /** Which pair's ln π(y⁺) to follow (default: the mean over the pairs). */
  pair?: number
  /** Tokens with the preferred response's meaning: displacement onto one of them is benign. */
  sameMeaning?: readonly number[]
  /** A decrease of ln π(y⁺) above this many nats counts as displacement (default 1e-3). */
  tolerance?: number
}

/** What {@link likelihoodDisplacement} finds in a training history. */
export interface LikelihoodDisplacement {
  /** The largest decrease max_{s<t} [ln π_s(y⁺) − ln π_t(y⁺)] over recorded steps (≥ 0). */
  drop: number
  /** The recorded steps s and t of that decrease (equal when there is none). */
  fromStep: number
  toStep: number
  /** ln π(y⁺) at the first and the last recorded step. */
  initial: number
  final: number
  /** drop > tolerance. */
  displaced: boolean
  /** The token whose probability grew most at the end (the preferred first token left out), or −1. */
  topToken: number
  /** 'none' without displacement; 'benign' when `topToken` is in `sameMeaning`; 'catastrophic' when not; 'unclassified' without `sameMeaning`. */
  kind: 'none' | 'benign' | 'catastrophic' | 'unclassified'
}

/**
 * Likelihood displacement in a training history (Razin et al. 2025, §3): the largest decrease of
 * ln π(y⁺) between any two recorded steps, D = max_{s<t} ln π_s(y⁺) − ln π_t(y⁺), and whether the
 * displaced probability went to a token of the same meaning (benign) or not (catastrophic), judged by
 * the token whose probability grew most by the last step (history column `topTokens`).
 * @example likelihoodDisplacement(history, { sameMeaning: [NO, NEVER] }).kind // 'catastrophic'
 */
export function likelihoodDisplacement(history: History, options: LikelihoodDisplacementOptions = {}): LikelihoodDisplacement {
  assertKnownOptions('likelihoodDisplacement', options, ['pair', 'sameMeaning', 'tolerance'])
  if (!history || typeof history !== 'object' || !Array.isArray(history.step)) throw new Error('history: expected the history of trainPreference')
  const rows = history.logpChosen as Array<number[] | number> | undefined
  if (!Array.isArray(rows) || rows.length === 0) throw new Error("history: expected a non-empty 'logpChosen' column (from trainPreference)")
  const tolerance = options.tolerance ?? 1e-3
  assertPositive('tolerance', tolerance, true)
  const width = Array.isArray(rows[0]) ? rows[0].length : 1
  if (options.pair !== undefined) assertInteger('pair', options.pair, { min: 0, max: width - 1 })
  const series = rows.map((r) => {
    const v = Array.isArray(r) ? r : [r]
    if (options.pair !== undefined) return v[options.pair] as number
    return v.reduce((s, x) => s + x, 0) / v.length
  })
  let drop = 0
  let from = 0
  let to = 0
  let argMax = 0
  for (let t = 1; t < series.length; t++) {
    if ((series[t - 1] as number) > (series[argMax] as number)) argMax = t - 1
    const d = (series[argMax] as number) - (series[t] as number)
    if (d > drop) { drop = d; from = argMax; to = t }
  }
  const topRows = history.topTokens as Array<number[]> | undefined
  const lastTop = topRows && topRows.length > 0 ? topRows[topRows.length - 1] : undefined
  const topToken = Array.isArray(lastTop) && lastTop.length > 0 ? (lastTop[0] as number) : -1
  const displaced = drop > tolerance
  let kind: LikelihoodDisplacement['kind'] = 'none'
  if (displaced) {
    if (options.sameMeaning === undefined) kind = 'unclassified'
    else kind = options.sameMeaning.includes(topToken) ? 'benign' : 'catastrophic'
  }
  return {
    drop,
    fromStep: history.step[from] as number,
    toStep: history.step[to] as number,
    initial: series[0] as number,
    final: series[series.length - 1] as number,
    displaced,
    topToken,
    kind,
  }
}

interface SeqInfo {
  keys: string[]
  states: Float64Array[]
  tokens: readonly number[]
  /** e_{y_k} − π(·|x, y<k), one per position. */
  residuals: Float64Array[]
  /** ln π(y|x). */
  logp: number
}

function seqInfo(model: UfmPolicy, prompt: PreferencePair['prompt'], y: readonly number[]): SeqInfo {
  const V = model.vocab
  const states = y.map((_, k) => model.hidden(prompt, y.slice(0, k)))
  let logp = 0
  const residuals = states.map((h, k) => {
    const l = logSoftmaxRows(model.W, V, model.dim, h, new Float64Array(V))
    logp += l[y[k] as number] as number
    const r = l.map((v) => -dmath.exp(v))
    r[y[k] as number] = (r[y[k] as number] as number) + 1
    return r
  })
  return { keys: y.map((_, k) => model.hiddenKey(prompt, y.slice(0, k))), states, tokens: y, residuals, logp }
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number)
  return s
}

/** The α-coefficients of the multi-token theorem (Razin et al. 2025, Thm. 5). */
export interface AlphaCoefficients {
  /** α⁺[k][k'] = ⟨e_{y⁺_k} − π(·|x,y⁺<k), e_{y⁺_k'} − π(·|x,y⁺<k')⟩, |y⁺| × |y⁺|. */
  preferred: Matrix
  /** α⁻[k][k'] = ⟨e_{y⁺_k} − π(·|x,y⁺<k), e_{y⁻_k'} − π(·|x,y⁻<k')⟩, |y⁺| × |y⁻|. */
  dispreferred: Matrix
  /** Fraction of positive entries over both matrices (the paper's diagnostic of the CHES derivation). */
  fractionPositive: number
}

/**
 * The α-coefficients that weigh the hidden-embedding inner products in the multi-token theorem:
 * α⁺_{k,k'} = ⟨e_{y⁺_k} − π⁺_k, e_{y⁺_k'} − π⁺_k'⟩, α⁻_{k,k'} = ⟨e_{y⁺_k} − π⁺_k, e_{y⁻_k'} − π⁻_k'⟩,
 * where π±_k = π(·|x, y±<k). When they are all equal to some α > 0 the hidden-embedding term of
 * d/dt ln π(y⁺) is −α·CHES, which motivates the CHES score.
 * @example alphaCoefficients(model, { prompt: 'q', chosen: [1, 2], rejected: [1, 3] }).fractionPositive
 */
export function alphaCoefficients(model: UfmPolicy, pair: PreferencePair): AlphaCoefficients {
  if (!model || typeof model !== 'object' || !(model.W instanceof Float64Array)) throw new Error('model: expected a UfmPolicy (from ufmPolicy)')
  checkPair('pair', pair, model.vocab)
  const a = seqInfo(model, pair.prompt, pair.chosen)
  const b = seqInfo(model, pair.prompt, pair.rejected)
  const preferred = new Matrix(a.tokens.length, a.tokens.length)
  const dispreferred = new Matrix(a.tokens.length, b.tokens.length)
  let pos = 0
  a.residuals.forEach((r, k) => {
    a.residuals.forEach((s, l) => { const v = dot(r, s); preferred.set(k, l, v); if (v > 0) pos++ })
    b.residuals.forEach((s, l) => { const v = dot(r, s); dispreferred.set(k, l, v); if (v > 0) pos++ })
  })
  const total = a.tokens.length * (a.tokens.length + b.tokens.length)
  return { preferred, dispreferred, fractionPositive: pos / total }
}

/** Options of {@link displacementRate}. */
export interface DisplacementRateOptions {
  /** The loss being minimized (default DPO, β = 0.1). */
  loss?: PreferenceLossOptions | PreferenceLossType
  /** π_ref (default: the model itself, i.e. the rate at the start of training, z = 0). */
  reference?: PreferenceReference
}

/** The terms of {@link displacementRate}. */
export interface DisplacementRate {
  /** d/dt ln π(y⁺|x) under gradient flow on this pair's loss: `unembeddingTerm + hiddenTerm`. */
  rate: number
  /** Through the hidden embeddings' motion (tokens' unembeddings): w⟨W_{y⁺} − W_{y⁻}, W_{y⁺} − Σ_z π(z) W_z⟩ for one token. */
  unembeddingTerm: number
  /** Through W's motion (hidden embeddings): w‖h_x‖²(1 − π(y⁺) + π(y⁻)) for one token. */
  hiddenTerm: number
  /** w = −∂ℓ/∂z, e.g. β σ(−βz) for DPO. */
  weight: number
  /** The implicit-reward margin z at which the rate is taken. */
  margin: number
}

/**
 * The right-hand side of the paper's theorem for d/dt ln π(y⁺|x) under gradient flow θ̇ = −∇ℓ on one
 * pair, in the unconstrained features model (Razin et al. 2025, Thm. 4; Thm. 5 for several tokens).
 * For single-token responses, with w = −ℓ'(z) (β σ(−βz) for DPO) and π = π(·|x):
 *   d/dt ln π(y⁺|x) = w·⟨W_{y⁺} − W_{y⁻}, W_{y⁺} − Σ_z π(z) W_z⟩ + w·‖h_x‖²·(1 − π(y⁺) + π(y⁻)).
 * For several tokens the first term sums, over the distinct prefix states, the products of the
 * gradients W_{y_k} − Σ_z π(z|x,y<k) W_z, and the second is
 *   w·[Σ_{k,k'} α⁺_{k,k'} ⟨h⁺_k, h⁺_k'⟩ − Σ_{k,k'} α⁻_{k,k'} ⟨h⁺_k, h⁻_k'⟩] (see {@link alphaCoefficients});
 * an SFT term λ adds its own weight to the preferred side. Likelihood displacement is predicted when
 * the rate is negative.
 * @example displacementRate(model, { prompt: 'q', chosen: [NO], rejected: [NEVER] }).rate // < 0: π(No) falls
 */
export function displacementRate(model: UfmPolicy, pair: PreferencePair, options: DisplacementRateOptions = {}): DisplacementRate {
  assertKnownOptions('displacementRate', options, ['loss', 'reference'])
  if (!model || typeof model !== 'object' || !(model.W instanceof Float64Array)) throw new Error('model: expected a UfmPolicy (from ufmPolicy)')
  checkPair('pair', pair, model.vocab)
  const o = resolveLossOptions(options.loss ?? {}, 1)
  const a = seqInfo(model, pair.prompt, pair.chosen)
  const b = seqInfo(model, pair.prompt, pair.rejected)
  const lpc = a.logp
  const lpr = b.logp
  let refc = lpc
  let refr = lpr
  const ref = options.reference
  if (ref !== undefined) {
    if (typeof (ref as UfmPolicy).logProb === 'function') {
      refc = (ref as UfmPolicy).logProb(pair.prompt, pair.chosen)
      refr = (ref as UfmPolicy).logProb(pair.prompt, pair.rejected)
    } else {
      const r = ref as { chosen: VectorLike; rejected: VectorLike }
      refc = toVector('reference.chosen', r.chosen, 1)[0] as number
      refr = toVector('reference.rejected', r.rejected, 1)[0] as number
    }
  }
  const z = lpc - lpr - (refc - refr)
  const buf = marginLoss(z, o, new Float64Array(2))
  const len = o.chosenLengths ? (o.chosenLengths[0] as number) : 1
  // θ̇ = −(cPlus ∇ln π(y⁺) + cMinus ∇ln π(y⁻)).
  const cPlus = (buf[1] as number) - o.sftWeight / len
  const cMinus = -(buf[1] as number)
  const { W, vocab: V, dim: d } = model
  // Hidden-state gradients g_k = Wᵀ(e_{y_k} − π_k), summed per distinct state.
  const grad = (s: SeqInfo, into: Map<string, Float64Array>): void => {
    s.residuals.forEach((r, k) => {
      const key = s.keys[k] as string
      let g = into.get(key)
      if (!g) { g = new Float64Array(d); into.set(key, g) }
      for (let zz = 0; zz < V; zz++) {
        const w = r[zz] as number
        for (let j = 0; j < d; j++) g[j] = (g[j] as number) + w * (W[zz * d + j] as number)
      }
    })
  }
  const gp = new Map<string, Float64Array>()
  const gm = new Map<string, Float64Array>()
  grad(a, gp)
  grad(b, gm)
  let unembeddingTerm = 0
  for (const [key, g] of gp) {
    unembeddingTerm -= cPlus * dot(g, g)
    const h = gm.get(key)
    if (h) unembeddingTerm -= cMinus * dot(g, h)
  }
  let hiddenTerm = 0
  a.residuals.forEach((r, k) => {
    const hk = a.states[k] as Float64Array
    a.residuals.forEach((s, l) => { hiddenTerm -= cPlus * dot(r, s) * dot(hk, a.states[l] as Float64Array) })
    b.residuals.forEach((s, l) => { hiddenTerm -= cMinus * dot(r, s) * dot(hk, b.states[l] as Float64Array) })
  })
  return { rate: unembeddingTerm + hiddenTerm, unembeddingTerm, hiddenTerm, weight: -(buf[1] as number), margin: z }
}
