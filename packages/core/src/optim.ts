import { assertKnownOptions, assertPositive } from './validate'
import { dmath } from './dmath'

/** Named float64 parameters, updated in place by optimizers. */
export type Params = Record<string, Float64Array>

/** An optimizer over named float64 parameters: `step` updates `params` in place from `grads`. */
export interface Optimizer {
  /** The optimizer's kind ('gd', 'momentum', 'adam', 'groupRmsprop', 'adaptiveGd', or a custom name). */
  readonly name: string
  /** The learning rate; may be changed between steps (schedules). */
  lr: number
  /** Number of steps taken so far. */
  readonly t: number
  /** One in-place update from the gradient `grad` (same keys and lengths as `params`). Allocates state on the first call only. */
  step(params: Params, grad: Params): void
  /** Forget the state (moments, step count). */
  reset(): void
  /** The step size actually applied on the last step (lr for gd; the adaptive one for groupRmsprop). */
  readonly lastStepSize: number
}

/** Options shared by the optimizers. */
export interface GdOptions { lr: number }
/** Heavy-ball momentum: v ← βv + g, p ← p − lr·v (Nesterov: p ← p − lr(g + βv)). */
export interface MomentumOptions { lr: number; beta?: number; nesterov?: boolean }
/** Adam (Kingma & Ba) with bias correction. */
export interface AdamOptions { lr: number; beta1?: number; beta2?: number; eps?: number }
/** GroupRMSprop: one adaptive step shared by all parameters. */
export interface GroupRmspropOptions { lr: number; beta?: number; eps?: number }
/** The adaptive normalized step of Slutzky et al.'s code: base rate `lr`, EMA factor `beta` (default 0.8) of Σ‖g‖, softening `eps` (default 1e-6). */
export interface AdaptiveGdOptions { lr: number; beta?: number; eps?: number }

/** The optimizers core builds by name. */
export type OptimizerName = 'gd' | 'momentum' | 'adam' | 'groupRmsprop' | 'adaptiveGd'

/** A declarative optimizer choice, e.g. `{ type: 'adam', lr: 1e-3 }`, accepted wherever an optimizer is. */
export type OptimizerSpec =
  | ({ type: 'gd' } & GdOptions)
  | ({ type: 'momentum' } & MomentumOptions)
  | ({ type: 'adam' } & AdamOptions)
  | ({ type: 'groupRmsprop' } & GroupRmspropOptions)
  | ({ type: 'adaptiveGd' } & AdaptiveGdOptions)

function checkGrads(params: Params, grads: Params): void {
  // for…in walks V8's enum cache: no array is allocated per step.
  for (const key in params) {
    const g = grads[key]
    if (!g || g.length !== (params[key] as Float64Array).length) {
      throw new Error(`grads: expected '${key}' with ${(params[key] as Float64Array).length} entries`)
    }
    // A non-finite gradient would write NaN into the parameters: refuse it before any update.
    for (let i = 0; i < g.length; i++) {
      if (!Number.isFinite(g[i] as number)) throw new Error(`grads: '${key}' is ${g[i]} at index ${i}; a non-finite gradient would write NaN into the parameters`)
    }
  }
}

/** A decay factor β of an exponential moving average: a number in [0, 1) (β ≥ 1 never forgets, or divides by 1 − βᵗ = 0). */
function checkBeta(name: string, beta: number): void {
  assertPositive(name, beta, true)
  if (beta >= 1) throw new Error(`${name}: expected a number in [0, 1), got ${beta}`)
}

function stateFor(state: Map<string, Float64Array>, key: string, n: number): Float64Array {
  let s = state.get(key)
  if (!s || s.length !== n) {
    s = new Float64Array(n)
    state.set(key, s)
  }
  return s
}

/**
 * The object every built-in optimizer is: name, live `lr`, step count `t` and `reset`, around one
 * `update(params, grads, lr, t)` that runs the in-place loops of step t (counted from 1, after the
 * gradients are checked) and returns the step size it applied. `adaptive`: `lastStepSize` is that
 * returned size (0 before the first step); otherwise it is the current `lr`. `clear` forgets the
 * optimizer's own state on `reset`. No allocation per step beyond what `update` does.
 */
function optimizer(
  name: OptimizerName,
  lr: number,
  adaptive: boolean,
  update: (params: Params, grads: Params, lr: number, t: number) => number,
  clear: () => void = () => {},
): Optimizer {
  let t = 0
  let last = 0
  return {
    name,
    lr,
    get t() { return t },
    get lastStepSize() { return adaptive ? last : this.lr },
    step(params, grads) {
      checkGrads(params, grads)
      t++
      last = update(params, grads, this.lr, t)
    },
    reset() { clear(); t = 0; last = 0 },
  }
}

/**
 * Σ g_i² with four interleaved accumulators (breaks the add-latency chain: ~2× faster than one
 * running sum on 10⁶ entries; the rounding differs from the sequential sum in the last bits).
 */
function sumSquares(g: Float64Array): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  const n = g.length
  let i = 0
  for (; i + 3 < n; i += 4) {
    const a = g[i] as number
    const b = g[i + 1] as number
    const c = g[i + 2] as number
    const d = g[i + 3] as number
    s0 += a * a
    s1 += b * b
    s2 += c * c
    s3 += d * d
  }
  for (; i < n; i++) s0 += (g[i] as number) * (g[i] as number)
  return s0 + s1 + (s2 + s3)
}

/** p ← p − step·g for every parameter: gd with step = lr, groupRmsprop and adaptiveGd with their shared adaptive step. */
function scaledDescent(params: Params, grads: Params, step: number): number {
  for (const key in params) {
    const p = params[key] as Float64Array
    const g = grads[key] as Float64Array
    const n = p.length
    let i = 0
    for (; i + 3 < n; i += 4) {
      p[i] = (p[i] as number) - step * (g[i] as number)
      p[i + 1] = (p[i + 1] as number) - step * (g[i + 1] as number)
      p[i + 2] = (p[i + 2] as number) - step * (g[i + 2] as number)
      p[i + 3] = (p[i + 3] as number) - step * (g[i + 3] as number)
    }
    for (; i < n; i++) p[i] = (p[i] as number) - step * (g[i] as number)
  }
  return step
}

/**
 * Plain gradient descent: p ← p − lr·g.
 * @example const opt = gd({ lr: 0.1 }); opt.step(params, grads)
 */
export function gd(options: GdOptions): Optimizer {
  assertKnownOptions('gd', options, ['lr'])
  assertPositive('lr', options.lr)
  return optimizer('gd', options.lr, false, (params, grads, lr) => scaledDescent(params, grads, lr))
}

/**
 * Momentum (heavy ball): v ← β v + g, p ← p − lr·v; with `nesterov`, p ← p − lr (g + β v).
 * @example momentum({ lr: 0.01, beta: 0.9 })
 */
export function momentum(options: MomentumOptions): Optimizer {
  assertKnownOptions('momentum', options, ['lr', 'beta', 'nesterov'])
  assertPositive('lr', options.lr)
  const beta = options.beta ?? 0.9
  checkBeta('beta', beta)
  const nesterov = options.nesterov ?? false
  const vel = new Map<string, Float64Array>()
  return optimizer('momentum', options.lr, false, (params, grads, lr) => {
    for (const key in params) {
      const p = params[key] as Float64Array
      const g = grads[key] as Float64Array
      const v = stateFor(vel, key, p.length)
      for (let i = 0; i < p.length; i++) {
        const vi = beta * (v[i] as number) + (g[i] as number)
        v[i] = vi
        p[i] = (p[i] as number) - lr * (nesterov ? (g[i] as number) + beta * vi : vi)
      }
    }
    return lr
  }, () => vel.clear())
}

/**
 * Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·m̂/(√v̂ + ε), with bias-corrected m̂, v̂.
 * @example adam({ lr: 1e-3 })
 */
export function adam(options: AdamOptions): Optimizer {
  assertKnownOptions('adam', options, ['lr', 'beta1', 'beta2', 'eps'])
  assertPositive('lr', options.lr)
  const b1 = options.beta1 ?? 0.9
  const b2 = options.beta2 ?? 0.999
  const eps = options.eps ?? 1e-8
  checkBeta('beta1', b1)
  checkBeta('beta2', b2)
  assertPositive('eps', eps, true)
  const m1 = new Map<string, Float64Array>()
  const m2 = new Map<string, Float64Array>()
  return optimizer('adam', options.lr, false, (params, grads, lr, t) => {
    const c1 = 1 - dmath.pow(b1, t)
    const c2 = 1 - dmath.pow(b2, t)
    for (const key in params) {
      const p = params[key] as Float64Array
      const g = grads[key] as Float64Array
      const m = stateFor(m1, key, p.length)
      const v = stateFor(m2, key, p.length)
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] as number
        const mi = b1 * (m[i] as number) + (1 - b1) * gi
        const vi = b2 * (v[i] as number) + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] = (p[i] as number) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps)
      }
    }
    return lr
  }, () => { m1.clear(); m2.clear() })
}

/**
 * The checked options of groupRmsprop and adaptiveGd ({ lr, beta, eps }), β ∈ [0, 1) and ε ≥ 0 with
 * their defaults.
 */
function sharedStepOptions(name: OptimizerName, options: GroupRmspropOptions, beta0: number, eps0: number): { beta: number; eps: number } {
  assertKnownOptions(name, options, ['lr', 'beta', 'eps'])
  assertPositive('lr', options.lr)
  const beta = options.beta ?? beta0
  const eps = options.eps ?? eps0
  checkBeta('beta', beta)
  assertPositive('eps', eps, true)
  return { beta, eps }
}

/**
 * GroupRMSprop (the optimizer of the factorization papers' code): one adaptive step for all
 * parameters. s ← β s + (1−β) Σ_params ‖g‖², ŝ = s/(1−βᵗ), p ← p − lr/(√ŝ + ε) · g. β = 0.99.
 * @example groupRmsprop({ lr: 1e-2 })
 */
export function groupRmsprop(options: GroupRmspropOptions): Optimizer {
  const { beta, eps } = sharedStepOptions('groupRmsprop', options, 0.99, 1e-8)
  let s = 0
  return optimizer('groupRmsprop', options.lr, true, (params, grads, lr, t) => {
    let sq = 0
    for (const key in params) sq += sumSquares(grads[key] as Float64Array)
    s = beta * s + (1 - beta) * sq
    return scaledDescent(params, grads, lr / (Math.sqrt(s / (1 - dmath.pow(beta, t))) + eps))
  }, () => { s = 0 })
}

/**
 * The adaptive normalized step of Slutzky et al.'s code (after Razin et al. 2022, App. D.2): gradient
 * descent with one step size for all parameters,
 * γ_t = β γ_{t−1} + (1−β) Σ_p ‖∇_p L‖₂, η_t = η / (√(γ_t / (1 − βᵗ)) + ε), p ← p − η_t ∇_p L.
 * (Unlike {@link groupRmsprop}, the EMA is of the sum of the gradient norms, not of their squares.)
 * @example train({ …, optimizer: 'adaptiveGd', lr: 0.01 })
 */
export function adaptiveGd(options: AdaptiveGdOptions): Optimizer {
  const { beta, eps } = sharedStepOptions('adaptiveGd', options, 0.8, 1e-6)
  let gamma = 0
  let betaPow = 1
  return optimizer('adaptiveGd', options.lr, true, (params, grads, lr) => {
    let normSum = 0
    for (const key in params) {
      normSum += Math.sqrt(sumSquares(grads[key] as Float64Array))
    }
    betaPow *= beta
    gamma = beta * gamma + (1 - beta) * normSum
    return scaledDescent(params, grads, lr / (Math.sqrt(gamma / (1 - betaPow)) + eps))
  }, () => { gamma = 0; betaPow = 1 })
}

/**
 * Build an optimizer from a spec (or pass an optimizer through).
 * @example createOptimizer({ type: 'adam', lr: 1e-3 })
 */
export function createOptimizer(spec: OptimizerSpec | Optimizer): Optimizer {
  if (spec && typeof (spec as Optimizer).step === 'function') return spec as Optimizer
  const s = spec as OptimizerSpec
  const { type, ...rest } = s as OptimizerSpec & Record<string, unknown>
  switch (type) {
    case 'gd': return gd(rest as unknown as GdOptions)
    case 'momentum': return momentum(rest as unknown as MomentumOptions)
    case 'adam': return adam(rest as unknown as AdamOptions)
    case 'groupRmsprop': return groupRmsprop(rest as unknown as GroupRmspropOptions)
    case 'adaptiveGd': return adaptiveGd(rest as unknown as AdaptiveGdOptions)
    default: throw new Error(`optimizer: expected type 'gd', 'momentum', 'adam', 'groupRmsprop' or 'adaptiveGd', got '${String(type)}'`)
  }
}
