import { assertFinite, assertKnownOptions, assertPositive, dmath } from '@theoryml/core'

function logit(name: string, p0: number): number {
  assertFinite(name, p0)
  if (!(p0 > 0 && p0 < 0.5)) throw new Error(`${name}: expected a probability in (0, 0.5), got ${p0}`)
  return dmath.log(p0 / (1 - p0))
}

/**
 * Gradient-flow time for RFT (maximize E[r] = p) on the two-logit bandit to lift p = σ(u) from p₀
 * to ½: u̇ = 2·lr·p(1−p) ⇒ T = (e^{−u₀} − e^{u₀} − 2u₀)/(2·lr), u₀ = ln(p₀/(1−p₀)).
 * At small p₀ this is ≈ 1/(2·lr·p₀): the vanishing gradient.
 * @example rftTimeToHalf(0.001, 0.01) // ≈ 49 958 steps
 */
export function rftTimeToHalf(p0: number, lr: number): number {
  const u0 = logit('p0', p0)
  assertPositive('lr', lr)
  return (dmath.exp(-u0) - dmath.exp(u0) - 2 * u0) / (2 * lr)
}

/**
 * Gradient-flow time for SFT (maximize ln p) on the two-logit bandit from p₀ to ½:
 * u̇ = 2·lr·(1−p) ⇒ T = (1 − u₀ − e^{u₀})/(2·lr), u₀ = ln(p₀/(1−p₀)): only logarithmic in 1/p₀.
 * @example sftTimeToHalf(0.001, 0.01) // ≈ 395 steps
 */
export function sftTimeToHalf(p0: number, lr: number): number {
  const u0 = logit('p0', p0)
  assertPositive('lr', lr)
  return (1 - u0 - dmath.exp(u0)) / (2 * lr)
}

/** Options of {@link banditStepsToHalf}. */
export interface BanditOptions {
  p0: number
  lr: number
  method: 'rft' | 'sft'
  /** Give up after this many steps (default 10⁷). */
  maxSteps?: number
}

/**
 * Run gradient descent on the two logits (z₁, z₂) of the bandit, p = softmax(z)₁, starting from
 * u = z₁ − z₂ = ln(p₀/(1−p₀)), with the exact gradient of p (RFT, reward 1 for arm 1) or of ln p
 * (SFT), and count the steps until p ≥ ½. Matches the closed forms as lr → 0.
 * @example banditStepsToHalf({ p0: 0.01, lr: 0.01, method: 'sft' })
 */
export function banditStepsToHalf(options: BanditOptions): number {
  assertKnownOptions('banditStepsToHalf', options, ['p0', 'lr', 'method', 'maxSteps'])
  const u0 = logit('p0', options.p0)
  assertPositive('lr', options.lr)
  if (options.method !== 'rft' && options.method !== 'sft') throw new Error(`method: expected 'rft' or 'sft', got '${String(options.method)}'`)
  const maxSteps = options.maxSteps ?? 1e7
  let z1 = u0 / 2
  let z2 = -u0 / 2
  for (let t = 0; t < maxSteps; t++) {
    const p = 1 / (1 + dmath.exp(-(z1 - z2)))
    if (p >= 0.5) return t
    // ∂p/∂z₁ = p(1−p) = −∂p/∂z₂;  ∂ln p/∂z₁ = 1−p = −∂ln p/∂z₂
    const g = options.method === 'rft' ? p * (1 - p) : 1 - p
    z1 += options.lr * g
    z2 -= options.lr * g
  }
  throw new Error(`banditStepsToHalf: p did not reach 1/2 within maxSteps = ${maxSteps}`)
}
