import { assertFinite, assertKnownOptions, assertPositive, dmath, toVector, type VectorLike } from '@theoryml/core'

/** The DPO-family losses: `'dpo'` (sigmoid, with cDPO label smoothing), `'ipo'`, `'hinge'` (SLiC), `'robust'` (rDPO). */
export type PreferenceLossType = 'dpo' | 'ipo' | 'hinge' | 'robust'

/** Sequence log-probabilities of a batch of preference pairs under the policy and the reference model. */
export interface PreferenceLogps<V = VectorLike> {
  /** ln π_θ(y⁺|x), one entry per pair. */
  policyChosenLogps: V
  /** ln π_θ(y⁻|x). */
  policyRejectedLogps: V
  /** ln π_ref(y⁺|x). */
  refChosenLogps: V
  /** ln π_ref(y⁻|x). */
  refRejectedLogps: V
}

/** Options of {@link preferenceLoss} (defaults in {@link PREFERENCE_LOSS_DEFAULTS}). */
export interface PreferenceLossOptions {
  /** Which loss (default 'dpo'). */
  type?: PreferenceLossType
  /** β of DPO/hinge/robust, τ of IPO (default 0.1); must be > 0. */
  beta?: number
  /** ε: probability that a label is flipped ('dpo': conservative DPO; 'robust': rDPO). Default 0. */
  labelSmoothing?: number
  /** Weight λ of the SFT term λ·(−ln π_θ(y⁺|x)/|y⁺|) added to each pair's loss (TRL's rpo_alpha). Default 0. */
  sftWeight?: number
  /** |y⁺| per pair, to normalize the SFT term per token (default 1: sequence NLL). */
  chosenLengths?: VectorLike
}

/**
 * Default options of the preference losses, in one place: DPO, β = 0.1, no label smoothing, no SFT term.
 * @example PREFERENCE_LOSS_DEFAULTS.beta // 0.1
 */
export const PREFERENCE_LOSS_DEFAULTS = { type: 'dpo', beta: 0.1, labelSmoothing: 0, sftWeight: 0 } as const

const LOSS_OPTIONS = ['type', 'beta', 'labelSmoothing', 'sftWeight', 'chosenLengths'] as const
const TYPES: readonly PreferenceLossType[] = ['dpo', 'ipo', 'hinge', 'robust']

/** The TRL metrics of a batch (means over the pairs). */
export interface PreferenceMetrics {
  'loss': number
  'rewards/chosen': number
  'rewards/rejected': number
  'rewards/accuracies': number
  'rewards/margins': number
  'logps/chosen': number
  'logps/rejected': number
}

/** What {@link preferenceLoss} returns: elementwise losses, rewards, derivatives, and the TRL metrics. */
export interface PreferenceLossResult {
  /** ℓ_i, one per pair. */
  losses: Float64Array
  /** Mean of `losses`. */
  loss: number
  /** r⁺_i = β(ln π_θ(y⁺) − ln π_ref(y⁺)). */
  chosenRewards: Float64Array
  /** r⁻_i = β(ln π_θ(y⁻) − ln π_ref(y⁻)). */
  rejectedRewards: Float64Array
  /** ∂ℓ_i/∂ln π_θ(y⁺_i) (exact, float64). */
  gradChosen: Float64Array
  /** ∂ℓ_i/∂ln π_θ(y⁻_i). */
  gradRejected: Float64Array
  metrics: PreferenceMetrics
}

/** Validated loss options with defaults filled in. Internal: not exported from the package entries. */
export interface ResolvedLossOptions {
  type: PreferenceLossType
  beta: number
  labelSmoothing: number
  sftWeight: number
  chosenLengths: Float64Array | undefined
}

/**
 * Validate preference-loss options and fill in the defaults. Internal: not exported from the package entries.
 * @example resolveLossOptions({ type: 'ipo', beta: 0.5 }).labelSmoothing // 0
 */
export function resolveLossOptions(options: PreferenceLossOptions | PreferenceLossType = {}, batch?: number): ResolvedLossOptions {
  const o: PreferenceLossOptions = typeof options === 'string' ? { type: options } : options
  assertKnownOptions('preferenceLoss', o, LOSS_OPTIONS)
  const type = o.type ?? PREFERENCE_LOSS_DEFAULTS.type
  if (!TYPES.includes(type)) throw new Error(`type: expected one of ${TYPES.join(', ')}, got '${String(type)}'`)
  const beta = o.beta ?? PREFERENCE_LOSS_DEFAULTS.beta
  assertPositive('beta', beta)
  const labelSmoothing = o.labelSmoothing ?? PREFERENCE_LOSS_DEFAULTS.labelSmoothing
  assertFinite('labelSmoothing', labelSmoothing)
  if (labelSmoothing < 0 || labelSmoothing > 1) throw new Error(`labelSmoothing: expected a number in [0, 1], got ${labelSmoothing}`)
  if (type === 'robust' && labelSmoothing >= 0.5) throw new Error(`labelSmoothing: the robust loss needs ε < 0.5, got ${labelSmoothing}`)
  if ((type === 'ipo' || type === 'hinge') && labelSmoothing !== 0) {
    throw new Error(`labelSmoothing: only the 'dpo' and 'robust' losses use it, got ${labelSmoothing} with type '${type}'`)
  }
  const sftWeight = o.sftWeight ?? PREFERENCE_LOSS_DEFAULTS.sftWeight
  assertPositive('sftWeight', sftWeight, true)
  let chosenLengths: Float64Array | undefined
  if (o.chosenLengths !== undefined) {
    chosenLengths = toVector('chosenLengths', o.chosenLengths, batch)
    chosenLengths.forEach((l, i) => {
      if (l <= 0) throw new Error(`chosenLengths: expected positive lengths, got ${l} at index ${i}`)
    })
  }
  return { type, beta, labelSmoothing, sftWeight, chosenLengths }
}

/**
 * ln σ(x) = −softplus(−x), stable for large |x|.
 * @example logSigmoid(0) // −ln 2
 */
export function logSigmoid(x: number): number {
  return x >= 0 ? -dmath.log1p(dmath.exp(-x)) : x - dmath.log1p(dmath.exp(x))
}

/**
 * σ(x) = 1/(1 + e^(−x)), stable for large |x|.
 * @example sigmoid(0) // 0.5
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + dmath.exp(-x))
  const e = dmath.exp(x)
  return e / (1 + e)
}

/**
 * One pair's loss ℓ(z) and its derivative dℓ/dz at the implicit-reward margin
 * z = (ln π_θ(y⁺) − ln π_θ(y⁻)) − (ln π_ref(y⁺) − ln π_ref(y⁻)); writes [ℓ, dℓ/dz] into `out`.
 * Internal: not exported from the package entries.
 * @example marginLoss(0, resolveLossOptions({ beta: 0.1 }), new Float64Array(2)) // [ln 2, −0.05]
 */
export function marginLoss(z: number, o: ResolvedLossOptions, out: Float64Array): Float64Array {
  const { beta: b, labelSmoothing: e } = o
  switch (o.type) {
    case 'dpo':
      out[0] = -(1 - e) * logSigmoid(b * z) - e * logSigmoid(-b * z)
      out[1] = -(1 - e) * b * sigmoid(-b * z) + e * b * sigmoid(b * z)
      break
    case 'robust':
      out[0] = (-(1 - e) * logSigmoid(b * z) + e * logSigmoid(-b * z)) / (1 - 2 * e)
      out[1] = (-(1 - e) * b * sigmoid(-b * z) - e * b * sigmoid(b * z)) / (1 - 2 * e)
      break
    case 'hinge':
      out[0] = Math.max(0, 1 - b * z)
      out[1] = b * z < 1 ? -b : 0
      break
    case 'ipo': {
      const r = z - 1 / (2 * b)
      out[0] = r * r
      out[1] = 2 * r
      break
    }
  }
  return out
}

/**
 * The DPO-family losses on sequence log-probabilities, elementwise over a batch, with the TRL metrics.
 * With z = (ln π_θ(y⁺) − ln π_θ(y⁻)) − (ln π_ref(y⁺) − ln π_ref(y⁻)), β > 0 and label smoothing ε:
 * - 'dpo' (Rafailov et al. 2023; cDPO for ε > 0): ℓ = −(1−ε) ln σ(βz) − ε ln σ(−βz)
 * - 'ipo' (Azar et al. 2024, τ = β): ℓ = (z − 1/(2τ))²
 * - 'hinge' (SLiC, Zhao et al. 2023): ℓ = max(0, 1 − βz)
 * - 'robust' (rDPO, Chowdhury et al. 2024): ℓ = [−(1−ε) ln σ(βz) + ε ln σ(−βz)] / (1 − 2ε)
 * plus, when `sftWeight` λ > 0, the SFT term λ·(−ln π_θ(y⁺)/|y⁺|). Rewards are r = β(ln π_θ − ln π_ref);
 * `rewards/accuracies` is the fraction of pairs with r⁺ > r⁻.
 * @example
 * preferenceLoss({ policyChosenLogps: [-1], policyRejectedLogps: [-1], refChosenLogps: [-1], refRejectedLogps: [-1] }, { beta: 0.1 }).loss // ln 2
 */
export function preferenceLoss(inputs: PreferenceLogps, options: PreferenceLossOptions | PreferenceLossType = {}): PreferenceLossResult {
  if (!inputs || typeof inputs !== 'object') throw new Error('inputs: expected { policyChosenLogps, policyRejectedLogps, refChosenLogps, refRejectedLogps }')
  assertKnownOptions('inputs', inputs, ['policyChosenLogps', 'policyRejectedLogps', 'refChosenLogps', 'refRejectedLogps'])
  const pc = toVector('policyChosenLogps', inputs.policyChosenLogps)
  const n = pc.length
  if (n === 0) throw new Error('policyChosenLogps: expected a non-empty batch')
  const batchError = (name: string, v: unknown): Float64Array => {
    const arr = toVector(name, v)
    if (arr.length !== n) throw new Error(`${name}: expected length ${n} (the batch size of policyChosenLogps), got ${arr.length}`)
    return arr
  }
  const pr = batchError('policyRejectedLogps', inputs.policyRejectedLogps)
  const rc = batchError('refChosenLogps', inputs.refChosenLogps)
  const rr = batchError('refRejectedLogps', inputs.refRejectedLogps)
  const o = resolveLossOptions(options, n)
  const losses = new Float64Array(n)
  const chosenRewards = new Float64Array(n)
  const rejectedRewards = new Float64Array(n)
  const gradChosen = new Float64Array(n)
  const gradRejected = new Float64Array(n)
  const buf = new Float64Array(2)
  let acc = 0
  for (let i = 0; i < n; i++) {
    const c = pc[i] as number
    const r = pr[i] as number
    const z = c - r - ((rc[i] as number) - (rr[i] as number))
    marginLoss(z, o, buf)
    const len = o.chosenLengths ? (o.chosenLengths[i] as number) : 1
    losses[i] = (buf[0] as number) - (o.sftWeight * c) / len
    gradChosen[i] = (buf[1] as number) - o.sftWeight / len
    gradRejected[i] = -(buf[1] as number)
    chosenRewards[i] = o.beta * (c - (rc[i] as number))
    rejectedRewards[i] = o.beta * (r - (rr[i] as number))
    if ((chosenRewards[i] as number) > (rejectedRewards[i] as number)) acc++
    if (!Number.isFinite(losses[i] as number) || !Number.isFinite(gradChosen[i] as number) || !Number.isFinite(chosenRewards[i] as number) || !Number.isFinite(rejectedRewards[i] as number)) {
      throw new Error(`preferenceLoss: overflow, the '${o.type}' loss of pair ${i} is ${losses[i]} (margin z = ${z}): the log-probabilities are beyond float64's range for this loss`)
    }
  }
  const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / n
  const loss = mean(losses)
  const rc_ = mean(chosenRewards)
  const rr_ = mean(rejectedRewards)
  return {
    losses, loss, chosenRewards, rejectedRewards, gradChosen, gradRejected,
    metrics: {
      'loss': loss,
      'rewards/chosen': rc_,
      'rewards/rejected': rr_,
      'rewards/accuracies': acc / n,
      'rewards/margins': rc_ - rr_,
      'logps/chosen': mean(pc),
      'logps/rejected': mean(pr),
    },
  }
}
