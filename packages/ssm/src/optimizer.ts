import { assertKnownOptions, assertPositive, type Optimizer, type Params } from '@theoryml/core'

/** Options of {@link gradientFlow}. */
export interface GradientFlowOptions {
  /** Initial time step h₀ (required; the example uses 1e-3); later steps adapt. */
  lr: number
  /** Largest change of a parameter vector in one step relative to its size: h‖∇_p L‖∞ ≤ relStep·‖p‖∞ (default 1e-3). */
  relStep?: number
  /** Stability factor: h ≤ stability / λ̂ with λ̂ the secant curvature along the last step (default 0.5). */
  stability?: number
  /** Largest growth of h from one step to the next (default 1.5). */
  growth?: number
  /** Scale floor for parameter vectors at zero (default 1e-12). */
  floor?: number
}

/** An optimizer that integrates gradient flow and tracks the flow time. */
export interface FlowOptimizer extends Optimizer {
  /** Gradient-flow time t = Σ h reached so far. */
  readonly time: number
}

/**
 * Gradient flow dθ/dt = −∇L(θ) integrated by Euler steps with an adaptive time step
 * h_t = min(relStep · min_p max(‖p‖∞, floor) / ‖∇_p L‖∞, stability / λ̂_t, growth · h_{t−1}), where
 * λ̂_t = |⟨Δ∇L, Δθ⟩| / ‖Δθ‖² is the secant curvature along the previous step. The relative cap makes
 * the slow polynomial escape from a tiny initialization (∂L/∂a_i ∝ a_i^{L−2}) take
 * O(log(1/scale)/relStep) steps instead of O(scale^{−(L−2)}); the curvature cap keeps the
 * discretization stable near the minimum. The path follows the flow that the paper integrates with
 * odeint for Theorem 1 (flow time reaches 10⁹ and beyond), `time` reports the flow time reached.
 * Pass it to a trainer as `optimizer` (an optimizer instance; core's trainers take it as it is),
 * a fresh one per run: it keeps its step size and flow time.
 * @example
 * const flow = gradientFlow({ lr: 1e-3, relStep: 1e-3 })
 * const { student } = trainSsm({ data, initial, trainable: ['a'], optimizer: flow, steps: 1e5, stopAtLoss: 1e-20 })
 * flow.time // the gradient-flow time reached
 */
export function gradientFlow(options: GradientFlowOptions): FlowOptimizer {
  assertKnownOptions('gradientFlow', options, ['lr', 'relStep', 'stability', 'growth', 'floor'])
  assertPositive('lr', options.lr)
  const relStep = options.relStep ?? 1e-3
  const stability = options.stability ?? 0.5
  const growth = options.growth ?? 1.5
  const floor = options.floor ?? 1e-12
  assertPositive('relStep', relStep)
  assertPositive('stability', stability)
  assertPositive('growth', growth)
  if (growth < 1) throw new Error(`growth: expected a number >= 1, got ${growth}`)
  assertPositive('floor', floor)
  let t = 0
  let last = 0
  let time = 0
  const prevP = new Map<string, Float64Array>()
  const prevG = new Map<string, Float64Array>()
  const buf = (m: Map<string, Float64Array>, key: string, n: number): Float64Array => {
    let v = m.get(key)
    if (!v || v.length !== n) {
      v = new Float64Array(n)
      m.set(key, v)
    }
    return v
  }
  return {
    name: 'gradientFlow',
    lr: options.lr,
    get t() { return t },
    get time() { return time },
    get lastStepSize() { return last },
    step(params: Params, grad: Params) {
      let h = t === 0 ? this.lr : growth * last
      let dpdg = 0
      let dpdp = 0
      let gmaxAll = 0
      for (const key in params) {
        const p = params[key] as Float64Array
        const g = grad[key] as Float64Array
        const pp = buf(prevP, key, p.length)
        const pg = buf(prevG, key, p.length)
        let pmax = floor
        let gmax = 0
        for (let i = 0; i < p.length; i++) {
          const pi = p[i] as number
          const gi = g[i] as number
          pmax = Math.max(pmax, Math.abs(pi))
          gmax = Math.max(gmax, Math.abs(gi))
          if (t > 0) {
            const dp = pi - (pp[i] as number)
            dpdp += dp * dp
            dpdg += dp * (gi - (pg[i] as number))
          }
          pp[i] = pi
          pg[i] = gi
        }
        if (gmax > 0) h = Math.min(h, (relStep * pmax) / gmax)
        gmaxAll = Math.max(gmaxAll, gmax)
      }
      if (gmaxAll === 0) h = last // stationary point: keep the step, do not grow it
      else if (dpdp > 0 && dpdg !== 0) h = Math.min(h, (stability * dpdp) / Math.abs(dpdg))
      for (const key in params) {
        const p = params[key] as Float64Array
        const g = grad[key] as Float64Array
        for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - h * (g[i] as number)
      }
      t++
      time += h
      last = h
    },
    reset() { t = 0; time = 0; last = 0; prevP.clear(); prevG.clear() },
  }
}
