import { assertInteger, assertKnownOptions, assertPositive, dmath, Matrix, resolveRng, type Rng, singularValues, toVector } from '@theoryml/core'

/**
 * An autoregressive linear-softmax policy over `length` output tokens from a vocabulary of
 * `vocab`, on the float64 track: logits at step t are z_t = W_t x + E_t[:, y_{t−1}] (no E term at
 * t = 0), p(y|x) = Π_t softmax(z_t)[y_t]. Small enough to enumerate all vocab^length outputs.
 * W is stored as [t][v][k] (length × vocab × inputDim), E as [t][v][u] (length × vocab × vocab).
 */
export interface SoftmaxPolicy {
  readonly inputDim: number
  readonly vocab: number
  readonly length: number
  W: Float64Array
  E: Float64Array
}

/** A reward r(y, inputIndex) of an output sequence for the input at that index. */
export type SequenceReward = (y: readonly number[], inputIndex: number) => number

/** Gradient with respect to the policy's parameters. */
export interface PolicyGradient {
  W: Float64Array
  E: Float64Array
}

/**
 * Create a random autoregressive softmax policy with N(0, scale²) parameters.
 * @example const model = softmaxPolicy({ inputDim: 4, vocab: 3, length: 2, rng: 0 })
 */
export function softmaxPolicy(options: { inputDim: number; vocab: number; length?: number; scale?: number; rng?: Rng | number }): SoftmaxPolicy {
  assertKnownOptions('softmaxPolicy', options, ['inputDim', 'vocab', 'length', 'scale', 'rng'])
  const { inputDim, vocab } = options
  const length = options.length ?? 1
  assertInteger('inputDim', inputDim, { min: 1 })
  assertInteger('vocab', vocab, { min: 2 })
  assertInteger('length', length, { min: 1, max: 8 })
  if (vocab ** length > 1e6) throw new Error(`length: vocab^length = ${vocab ** length} outputs is too many to enumerate (max 10⁶)`)
  const scale = options.scale ?? 1
  assertPositive('scale', scale, true)
  const rng = resolveRng(options.rng)
  return {
    inputDim,
    vocab,
    length,
    W: rng.fillNormal(new Float64Array(length * vocab * inputDim), scale),
    E: rng.fillNormal(new Float64Array(length * vocab * vocab), scale),
  }
}

function checkInput(model: SoftmaxPolicy, x: unknown, name = 'x'): Float64Array {
  return toVector(name, x, model.inputDim)
}

/** Logits z_t = W_t x + E_t[:, prev] into `out` (prev < 0: no E term). */
function logitsInto(model: SoftmaxPolicy, x: Float64Array, t: number, prev: number, out: Float64Array): void {
  const { vocab: V, inputDim: d } = model
  for (let v = 0; v < V; v++) {
    let s = 0
    const base = (t * V + v) * d
    for (let k = 0; k < d; k++) s += (model.W[base + k] as number) * (x[k] as number)
    if (t > 0 && prev >= 0) s += model.E[(t * V + v) * V + prev] as number
    out[v] = s
  }
}

function softmaxInPlace(z: Float64Array): void {
  let m = -Infinity
  for (const v of z) m = Math.max(m, v)
  let s = 0
  for (let i = 0; i < z.length; i++) {
    const e = dmath.exp((z[i] as number) - m)
    z[i] = e
    s += e
  }
  for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) / s
}

/** Every output sequence in lexicographic order. */
function allOutputs(V: number, L: number): number[][] {
  let seqs: number[][] = [[]]
  for (let t = 0; t < L; t++) seqs = seqs.flatMap((s) => Array.from({ length: V }, (_, v) => [...s, v]))
  return seqs
}

/**
 * Enumerate the output distribution p(y|x) over all vocab^length sequences.
 * @example const { outputs, probs } = outputDistribution(model, [1, 0, 0, 0])
 */
export function outputDistribution(model: SoftmaxPolicy, x: readonly number[] | Float64Array): { outputs: number[][]; probs: Float64Array } {
  const xv = checkInput(model, x)
  const outputs = allOutputs(model.vocab, model.length)
  const probs = new Float64Array(outputs.length)
  const z = new Float64Array(model.vocab)
  outputs.forEach((y, i) => {
    let p = 1
    for (let t = 0; t < model.length; t++) {
      logitsInto(model, xv, t, t > 0 ? (y[t - 1] as number) : -1, z)
      softmaxInPlace(z)
      p *= z[y[t] as number] as number
    }
    probs[i] = p
  })
  return { outputs, probs }
}

/** Add c · ∇_θ ln p(y|x) to `grad`: ∂/∂z_t = e_{y_t} − softmax(z_t). */
function addLogProbGradient(model: SoftmaxPolicy, x: Float64Array, y: readonly number[], c: number, grad: PolicyGradient, z: Float64Array): void {
  const { vocab: V, inputDim: d } = model
  for (let t = 0; t < model.length; t++) {
    const prev = t > 0 ? (y[t - 1] as number) : -1
    logitsInto(model, x, t, prev, z)
    softmaxInPlace(z)
    for (let v = 0; v < V; v++) {
      const dz = c * ((v === y[t] ? 1 : 0) - (z[v] as number))
      const base = (t * V + v) * d
      for (let k = 0; k < d; k++) grad.W[base + k] = (grad.W[base + k] as number) + dz * (x[k] as number)
      if (t > 0) grad.E[(t * V + v) * V + prev] = (grad.E[(t * V + v) * V + prev] as number) + dz
    }
  }
}

function zeroGradient(model: SoftmaxPolicy): PolicyGradient {
  return { W: new Float64Array(model.W.length), E: new Float64Array(model.E.length) }
}

function gradNorm(g: PolicyGradient): number {
  let s = 0
  for (const v of g.W) s += v * v
  for (const v of g.E) s += v * v
  return Math.sqrt(s)
}

/**
 * ∇_θ ln p(y|x) in closed form: ∂ ln p/∂z_t = e_{y_t} − softmax(z_t), chained through
 * z_t = W_t x + E_t[:, y_{t−1}].
 * @example logProbGradient(model, x, [2, 0]).W
 */
export function logProbGradient(model: SoftmaxPolicy, x: readonly number[] | Float64Array, y: readonly number[]): PolicyGradient {
  const xv = checkInput(model, x)
  if (y.length !== model.length || y.some((v) => !Number.isInteger(v) || v < 0 || v >= model.vocab)) {
    throw new Error(`y: expected ${model.length} tokens in [0, ${model.vocab - 1}]`)
  }
  const g = zeroGradient(model)
  addLogProbGradient(model, xv, y, 1, g, new Float64Array(model.vocab))
  return g
}

/** What {@link expectedPolicyGradient} returns. */
export interface ExpectedGradient {
  /** V(θ) = mean over inputs of E_{y∼p(·|x)}[r(x, y)]. */
  value: number
  /** ∇_θ V(θ), exact. */
  gradient: PolicyGradient
  /** ‖∇_θ V(θ)‖₂ over all parameters. */
  norm: number
  /** Per input: expected reward, reward std and the norm of that input's expected gradient. */
  perInput: Array<{ value: number; rewardStd: number; norm: number }>
}

function checkInputs(model: SoftmaxPolicy, inputs: unknown): Float64Array[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error('inputs: expected a non-empty array of input vectors')
  return inputs.map((x, i) => checkInput(model, x, `inputs[${i}]`))
}

function rewardsFor(reward: SequenceReward, outputs: number[][], i: number): Float64Array {
  if (typeof reward !== 'function') throw new Error('reward: expected a function (y, inputIndex) => number')
  return Float64Array.from(outputs, (y) => {
    const r = reward(y, i)
    if (!Number.isFinite(r)) throw new Error(`reward: expected a finite number for output [${y.join(', ')}] of input ${i}, got ${r}`)
    return r
  })
}

/**
 * The exact expected policy gradient by enumeration of every output:
 * ∇_θ E_{y∼p}[r] = Σ_y p(y) (r(y) − V) ∇_θ ln p(y), V = Σ_y p(y) r(y) (the baseline changes nothing
 * in expectation), averaged over the inputs.
 * @example expectedPolicyGradient(model, [[1, 0, 0, 0]], (y) => (y[0] === 2 ? 1 : 0)).norm
 */
export function expectedPolicyGradient(model: SoftmaxPolicy, inputs: ReadonlyArray<readonly number[] | Float64Array>, reward: SequenceReward): ExpectedGradient {
  const xs = checkInputs(model, inputs)
  const total = zeroGradient(model)
  const z = new Float64Array(model.vocab)
  let value = 0
  const perInput = xs.map((x, i) => {
    const { outputs, probs } = outputDistribution(model, x)
    const r = rewardsFor(reward, outputs, i)
    let v = 0
    for (let j = 0; j < probs.length; j++) v += (probs[j] as number) * (r[j] as number)
    let varr = 0
    for (let j = 0; j < probs.length; j++) varr += (probs[j] as number) * ((r[j] as number) - v) ** 2
    const g = zeroGradient(model)
    outputs.forEach((y, j) => {
      const c = (probs[j] as number) * ((r[j] as number) - v)
      if (c !== 0) addLogProbGradient(model, x, y, c, g, z)
    })
    for (let k = 0; k < g.W.length; k++) total.W[k] = (total.W[k] as number) + (g.W[k] as number) / xs.length
    for (let k = 0; k < g.E.length; k++) total.E[k] = (total.E[k] as number) + (g.E[k] as number) / xs.length
    value += v / xs.length
    return { value: v, rewardStd: Math.sqrt(varr), norm: gradNorm(g) }
  })
  return { value, gradient: total, norm: gradNorm(total), perInput }
}

/**
 * The REINFORCE estimate of the same gradient from `samples` sampled outputs per input, with the
 * mean sampled reward as baseline (leave-one-out, so the estimate stays unbiased):
 * ĝ = (1/n) Σ_i (r_i − b_i) ∇ ln p(y_i).
 * @example reinforceGradient(model, inputs, reward, { samples: 1000, rng: 0 }).norm
 */
export function reinforceGradient(
  model: SoftmaxPolicy,
  inputs: ReadonlyArray<readonly number[] | Float64Array>,
  reward: SequenceReward,
  options: { samples?: number; rng?: Rng | number; baseline?: boolean } = {},
): { gradient: PolicyGradient; norm: number } {
  assertKnownOptions('reinforceGradient', options, ['samples', 'rng', 'baseline'])
  const xs = checkInputs(model, inputs)
  const n = options.samples ?? 64
  assertInteger('samples', n, { min: 2 })
  const rng = resolveRng(options.rng)
  const useBaseline = options.baseline ?? true
  const total = zeroGradient(model)
  const z = new Float64Array(model.vocab)
  xs.forEach((x, i) => {
    const { outputs, probs } = outputDistribution(model, x)
    const cdf = new Float64Array(probs.length)
    let acc = 0
    probs.forEach((p, j) => { acc += p; cdf[j] = acc })
    const picks: number[] = []
    for (let s = 0; s < n; s++) {
      const u = rng.uniform() * acc
      let j = 0
      while (j < cdf.length - 1 && (cdf[j] as number) < u) j++
      picks.push(j)
    }
    const r = picks.map((j) => reward(outputs[j] as number[], i))
    const sum = r.reduce((a, b) => a + b, 0)
    picks.forEach((j, s) => {
      const b = useBaseline ? (sum - (r[s] as number)) / (n - 1) : 0
      addLogProbGradient(model, x, outputs[j] as number[], ((r[s] as number) - b) / (n * xs.length), total, z)
    })
  })
  return { gradient: total, norm: gradNorm(total) }
}

/**
 * γ(x; θ): the largest spectral norm, over steps t and prefixes y_<t, of the Jacobian of the
 * logits z_t with respect to all parameters, computed from the explicit Jacobian matrix.
 * @example logitJacobianNorm(model, [1, 0, 0, 0]) // sqrt(‖x‖² + 1) when length > 1
 */
export function logitJacobianNorm(model: SoftmaxPolicy, x: readonly number[] | Float64Array): number {
  const xv = checkInput(model, x)
  const { vocab: V, inputDim: d, length: L } = model
  const P = model.W.length + model.E.length
  let gamma = 0
  for (let t = 0; t < L; t++) {
    for (let prev = t > 0 ? 0 : -1; prev < (t > 0 ? V : 0); prev++) {
      const J = new Matrix(V, P)
      for (let v = 0; v < V; v++) {
        for (let k = 0; k < d; k++) J.set(v, (t * V + v) * d + k, xv[k] as number)
        if (t > 0) J.set(v, model.W.length + (t * V + v) * V + prev, 1)
      }
      gamma = Math.max(gamma, singularValues(J)[0] as number)
    }
  }
  return gamma
}

/** What {@link gradientBound} returns. */
export interface GradientBound {
  /** 6 · L_out · γ · STD^{2/3}. */
  bound: number
  /** ‖∇_θ E_{y∼p(·|x)}[r]‖ actually. */
  gradNorm: number
  rewardStd: number
  gamma: number
  outputLength: number
}

/**
 * The theorem's bound on the expected gradient of one input (Razin et al. 2024, Thm. 1), for
 * rewards in [−1, 1]: ‖∇_θ E_{y∼p(·|x)}[r(x, y)]‖ ≤ 6 · L_out · γ(x; θ) · STD(x; θ)^{2/3}, beside the
 * actual norm.
 * @example const { bound, gradNorm } = gradientBound(model, x, (y) => (y[0] === 1 ? 1 : 0))
 */
export function gradientBound(model: SoftmaxPolicy, input: readonly number[] | Float64Array, reward: SequenceReward): GradientBound {
  const x = checkInput(model, input, 'input')
  const { outputs } = outputDistribution(model, x)
  const r = rewardsFor(reward, outputs, 0)
  for (const v of r) if (v < -1 || v > 1) throw new Error(`reward: the bound assumes rewards in [-1, 1], got ${v}`)
  const eg = expectedPolicyGradient(model, [x], reward)
  const info = eg.perInput[0] as { rewardStd: number }
  const gamma = logitJacobianNorm(model, x)
  return { bound: 6 * model.length * gamma * dmath.pow(info.rewardStd, 2 / 3), gradNorm: eg.norm, rewardStd: info.rewardStd, gamma, outputLength: model.length }
}
