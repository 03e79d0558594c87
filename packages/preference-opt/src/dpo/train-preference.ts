import { assertInteger, assertKnownOptions, dmath, type History, type Params, resolveOptimizer, toVector, TRAINER_OPTION_KEYS, trainerLoop, type TrainerOptions, type TrainerResult, type TrainerState, type VectorLike } from '@theoryml/core'
import { marginLoss, resolveLossOptions, type PreferenceLossOptions, type PreferenceLossType } from './loss'
import { checkPair, logSoftmaxRows, type PreferencePair, type UfmPolicy } from './ufm'

/** Reference log-probabilities: a frozen model, or ln π_ref(y⁺), ln π_ref(y⁻) per pair. */
export type PreferenceReference = UfmPolicy | { chosen: VectorLike; rejected: VectorLike }

/** Options of {@link preferenceObjective} and {@link preferenceLossAndGrad}. */
export interface PreferenceObjectiveOptions {
  /** Loss type or options (default DPO, β = 0.1). */
  loss?: PreferenceLossOptions | PreferenceLossType
  /** π_ref (default: the model as it is now, i.e. before training). */
  reference?: PreferenceReference
  /** Train the hidden embeddings (default true). */
  trainHidden?: boolean
  /** Train the unembedding W (default true). */
  trainUnembedding?: boolean
}

interface Seq {
  keys: string[]
  states: Float64Array[]
  tokens: Int32Array
  logps: Float64Array[]
}

/**
 * The preference loss of a UFM over a set of pairs, compiled once and evaluated many times (see
 * {@link preferenceObjective}): `params` and `lossAndGrad` are what core's `train` takes.
 */
export interface PreferenceObjective {
  /** The trainable parameters, live arrays of the model: 'W' and/or one 'h:<prompt>|<prefix>' per hidden state. */
  params: Params
  /**
   * The mean loss at the model's current parameters; writes its exact gradient into `grad` (the same
   * keys and lengths as `params`, overwritten). It reads the model's live arrays, so pass `params`.
   */
  lossAndGrad: (params: Params, grad: Params) => number
  /** ln π_θ(y⁺_i|x_i), one per pair, at the last evaluation. */
  logpChosen: Float64Array
  /** ln π_θ(y⁻_i|x_i) at the last evaluation. */
  logpRejected: Float64Array
  /** ln π_ref(y⁺_i|x_i) and ln π_ref(y⁻_i|x_i). */
  reference: { chosen: Float64Array; rejected: Float64Array }
}

/**
 * Compile the mean preference loss L = (1/n) Σ_i ℓ(z_i) of a UFM over `pairs`, with its exact gradient:
 * ∇ ln π(y|x) is ∂/∂h_{x,y<k} = W_{y_k} − Σ_z π(z|x,y<k) W_z and ∂/∂W = Σ_k (e_{y_k} − π(·|x,y<k)) h_{x,y<k}ᵀ,
 * so ∇ℓ_i = ℓ'(z_i)(∇ ln π(y⁺_i) − ∇ ln π(y⁻_i)) (+ the SFT term). Compiling allocates; evaluating
 * does not, so a custom loop (or core's `train`) can call `lossAndGrad` every step.
 * @example
 * const obj = preferenceObjective(model, pairs, { loss: { type: 'dpo', beta: 0.1 } })
 * const { history } = train({ params: obj.params, lossAndGrad: obj.lossAndGrad, optimizer: 'adam', lr: 1e-2, steps: 200 }) // core's train
 */
export function preferenceObjective(model: UfmPolicy, pairs: readonly PreferencePair[], options: PreferenceObjectiveOptions = {}): PreferenceObjective {
  assertKnownOptions('preferenceObjective', options, ['loss', 'reference', 'trainHidden', 'trainUnembedding'])
  if (!model || typeof model !== 'object' || !(model.W instanceof Float64Array)) throw new Error('model: expected a UfmPolicy (from ufmPolicy)')
  if (!Array.isArray(pairs) || pairs.length === 0) throw new Error('pairs: expected a non-empty array of { prompt, chosen, rejected }')
  const { vocab: V, dim: d, W } = model
  pairs.forEach((p, i) => checkPair(`pairs[${i}]`, p, V))
  const n = pairs.length
  const lossOptions = resolveLossOptions(options.loss ?? {}, n)
  const trainHidden = options.trainHidden ?? true
  const trainW = options.trainUnembedding ?? true
  if (!trainHidden && !trainW) throw new Error('trainHidden, trainUnembedding: at least one must be true')

  const compile = (prompt: PreferencePair['prompt'], y: readonly number[]): Seq => {
    const keys = y.map((_, k) => model.hiddenKey(prompt, y.slice(0, k)))
    return {
      keys,
      states: y.map((_, k) => model.hidden(prompt, y.slice(0, k))),
      tokens: Int32Array.from(y),
      logps: y.map(() => new Float64Array(V)),
    }
  }
  const seqs = pairs.map((p) => [compile(p.prompt, p.chosen), compile(p.prompt, p.rejected)] as const)
  const params: Params = {}
  if (trainW) params.W = W
  if (trainHidden) for (const [a, b] of seqs) for (const s of [a, b]) s.keys.forEach((k, i) => { params[k] = s.states[i] as Float64Array })

  const forward = (s: Seq): number => {
    let lp = 0
    for (let k = 0; k < s.tokens.length; k++) {
      const out = s.logps[k] as Float64Array
      logSoftmaxRows(W, V, d, s.states[k] as Float64Array, out)
      lp += out[s.tokens[k] as number] as number
    }
    return lp
  }
  const refChosen = new Float64Array(n)
  const refRejected = new Float64Array(n)
  const ref = options.reference
  if (ref === undefined) {
    seqs.forEach(([a, b], i) => { refChosen[i] = forward(a); refRejected[i] = forward(b) })
  } else if (typeof (ref as UfmPolicy).logProb === 'function') {
    const m = ref as UfmPolicy
    pairs.forEach((p, i) => { refChosen[i] = m.logProb(p.prompt, p.chosen); refRejected[i] = m.logProb(p.prompt, p.rejected) })
  } else {
    const r = ref as { chosen: VectorLike; rejected: VectorLike }
    refChosen.set(toVector('reference.chosen', r.chosen, n))
    refRejected.set(toVector('reference.rejected', r.rejected, n))
  }

  const chosen = new Float64Array(n)
  const rejected = new Float64Array(n)
  const buf = new Float64Array(2)
  const hGrads: Float64Array[][][] = seqs.map(() => [[], []])
  let gradSeen: Params | null = null

  const backward = (s: Seq, hg: Float64Array[], coef: number, gW: Float64Array | undefined): void => {
    for (let k = 0; k < s.tokens.length; k++) {
      const h = s.states[k] as Float64Array
      const lp = s.logps[k] as Float64Array
      const y = s.tokens[k] as number
      const gh = hg[k]
      for (let z = 0; z < V; z++) {
        const w = coef * ((z === y ? 1 : 0) - dmath.exp(lp[z] as number))
        if (w === 0) continue
        const o = z * d
        if (gW) for (let j = 0; j < d; j++) gW[o + j] = (gW[o + j] as number) + w * (h[j] as number)
        if (gh) for (let j = 0; j < d; j++) gh[j] = (gh[j] as number) + w * (W[o + j] as number)
      }
    }
  }

  const lossAndGrad = (_params: Params, grad: Params): number => {
    if (!grad || typeof grad !== 'object') throw new Error('grad: expected an object of Float64Array buffers with the keys of params')
    if (grad !== gradSeen) {
      for (const [key, v] of Object.entries(params)) {
        const g = grad[key]
        if (!(g instanceof Float64Array) || g.length !== v.length) throw new Error(`grad: expected '${key}' as a Float64Array of length ${v.length}`)
      }
      seqs.forEach(([a, b], i) => {
        const row = hGrads[i] as Float64Array[][]
        row[0] = trainHidden ? a.keys.map((k) => grad[k] as Float64Array) : []
        row[1] = trainHidden ? b.keys.map((k) => grad[k] as Float64Array) : []
      })
      gradSeen = grad
    }
    for (const key in grad) (grad[key] as Float64Array).fill(0)
    const gW = trainW ? (grad.W as Float64Array) : undefined
    let total = 0
    for (let i = 0; i < n; i++) {
      const [a, b] = seqs[i] as readonly [Seq, Seq]
      const c = forward(a)
      const r = forward(b)
      chosen[i] = c
      rejected[i] = r
      marginLoss(c - r - ((refChosen[i] as number) - (refRejected[i] as number)), lossOptions, buf)
      const len = lossOptions.chosenLengths ? (lossOptions.chosenLengths[i] as number) : 1
      total += (buf[0] as number) - (lossOptions.sftWeight * c) / len
      const dz = buf[1] as number
      const row = hGrads[i] as Float64Array[][]
      backward(a, row[0] as Float64Array[], (dz - lossOptions.sftWeight / len) / n, gW)
      backward(b, row[1] as Float64Array[], -dz / n, gW)
    }
    return total / n
  }
  return { params, lossAndGrad, logpChosen: chosen, logpRejected: rejected, reference: { chosen: refChosen, rejected: refRejected } }
}

/**
 * The mean preference loss L = (1/n) Σ_i ℓ(z_i) of a UFM over `pairs` and its exact float64 gradient
 * with respect to W and every hidden state, keyed as `model.params` (see {@link preferenceObjective}
 * for the formula; use that to evaluate many times without compiling again).
 * @example const { loss, grad } = preferenceLossAndGrad(model, [{ prompt: 'q', chosen: [2], rejected: [3] }]) // grad.W, grad['h:q|']
 */
export function preferenceLossAndGrad(model: UfmPolicy, pairs: readonly PreferencePair[], options: PreferenceObjectiveOptions = {}): { loss: number; grad: Params } {
  const obj = preferenceObjective(model, pairs, options)
  const grad: Params = {}
  for (const [k, v] of Object.entries(obj.params)) grad[k] = new Float64Array(v.length)
  const loss = obj.lossAndGrad(obj.params, grad)
  return { loss, grad }
}

/** What `record`, `onStep` and `stopWhen` see in {@link trainPreference}: step and loss, the live model and its log-probabilities. */
export interface TrainPreferenceState extends TrainerState {
  /** The model being trained (live: recorders may query it). */
  model: UfmPolicy
  /** The trainable parameters (live arrays of the model). */
  params: Params
  /** ∂loss/∂param at `params`. */
  grad: Params
  /** ln π_θ(y⁺_i|x_i), one per pair, at the current parameters. */
  logpChosen: Float64Array
  /** ln π_θ(y⁻_i|x_i) at the current parameters. */
  logpRejected: Float64Array
}

/**
 * Defaults of {@link trainPreference}, in one place: gradient descent with lr 0.1 for 1000 steps (the
 * paper's UFM setting), the top 5 growing tokens recorded (fewer when the vocabulary is smaller).
 * @example TRAIN_PREFERENCE_DEFAULTS.lr // 0.1
 */
export const TRAIN_PREFERENCE_DEFAULTS = { optimizer: 'gd', lr: 0.1, steps: 1000, topK: 5 } as const

/** Options of {@link trainPreference}: the common trainer options (no `rng`: the model holds its own) plus the model, the pairs and the loss. */
export interface TrainPreferenceOptions extends Omit<TrainerOptions<TrainPreferenceState>, 'rng'>, PreferenceObjectiveOptions {
  /** The model, trained in place. */
  model: UfmPolicy
  /** The preference pairs (full batch). */
  pairs: readonly PreferencePair[]
  /** How many top-growing tokens to record (default min(5, vocab); fewer when fewer tokens qualify). */
  topK?: number
}

/** The history of {@link trainPreference}: core's columns plus the preference ones (one row per recorded step). */
export type PreferenceHistory = History & {
  /** ln π(y⁺_i|x_i) per pair. */
  logpChosen: number[][]
  /** ln π(y⁻_i|x_i) per pair. */
  logpRejected: number[][]
  /** The tokens whose next-token probability at the prompts grew most since step 0 (largest first). */
  topTokens: number[][]
  /** Their growth Σ_prompts [π_t(z|x) − π_0(z|x)]. */
  topGrowth: number[][]
}

/** What {@link trainPreference} returns: the trained model, history, steps, stoppedBy, and the reference log-probabilities. */
export interface TrainPreferenceResult extends TrainerResult {
  /** The trained model (the same object as `options.model`, trained in place). */
  model: UfmPolicy
  /**
   * Columns: `step`, `loss`, `logpChosen` and `logpRejected` (ln π(y⁺_i), ln π(y⁻_i) per pair),
   * `topTokens` and `topGrowth` (the tokens whose next-token probability at the prompts grew most since
   * step 0, summed over pairs, the pair's own first preferred token left out), plus any `record` columns.
   */
  history: PreferenceHistory
  /** ln π_ref(y⁺_i), ln π_ref(y⁻_i). */
  reference: { chosen: Float64Array; rejected: Float64Array }
}

const TRAIN_PREFERENCE_KEYS = ['model', 'pairs', 'loss', 'reference', 'trainHidden', 'trainUnembedding', 'topK'] as const

/**
 * Train a UFM on preference pairs with a DPO-family loss (full batch, exact float64 gradients, core's
 * trainer loop), recording ln π(y⁺), ln π(y⁻), the loss and the tokens whose probability grew most:
 * θ ← optimizer(θ, ∇ (1/n) Σ_i ℓ(z_i)), z_i = ln π_θ(y⁺_i)/π_ref(y⁺_i) − ln π_θ(y⁻_i)/π_ref(y⁻_i).
 * Defaults in {@link TRAIN_PREFERENCE_DEFAULTS}.
 * @example
 * const { history, stoppedBy } = trainPreference({ model, pairs: [{ prompt: 'q', chosen: [2], rejected: [3] }], loss: { type: 'dpo', beta: 0.1 }, optimizer: 'gd', lr: 0.1, steps: 100 })
 */
export function trainPreference(options: TrainPreferenceOptions): TrainPreferenceResult {
  assertKnownOptions('trainPreference', options, [...TRAIN_PREFERENCE_KEYS, ...TRAINER_OPTION_KEYS.filter((k) => k !== 'rng')])
  const { model, pairs } = options
  const optimizer = resolveOptimizer(options, TRAIN_PREFERENCE_DEFAULTS)
  const obj = preferenceObjective(model, pairs, {
    ...(options.loss !== undefined ? { loss: options.loss } : {}),
    ...(options.reference !== undefined ? { reference: options.reference } : {}),
    ...(options.trainHidden !== undefined ? { trainHidden: options.trainHidden } : {}),
    ...(options.trainUnembedding !== undefined ? { trainUnembedding: options.trainUnembedding } : {}),
  })
  const V = model.vocab
  const topK = options.topK ?? Math.min(TRAIN_PREFERENCE_DEFAULTS.topK, V)
  assertInteger('topK', topK, { min: 1, max: V })
  // Next-token distribution at each distinct prompt, and which tokens each prompt prefers first.
  const prompts = [...new Set(pairs.map((p) => p.prompt))]
  const states = prompts.map((p) => model.hidden(p, []))
  const excluded = prompts.map((p) => new Set(pairs.filter((q) => q.prompt === p).map((q) => q.chosen[0] as number)))
  const p0 = states.map((h) => logSoftmaxRows(model.W, V, model.dim, h, new Float64Array(V)).map(dmath.exp))
  const buf = new Float64Array(V)
  const growth = new Float64Array(V)
  let growthStep = -1
  const computeGrowth = (step: number): void => {
    if (growthStep === step) return
    growthStep = step
    growth.fill(0)
    states.forEach((h, i) => {
      logSoftmaxRows(model.W, V, model.dim, h, buf)
      const base = p0[i] as Float64Array
      const ex = excluded[i] as Set<number>
      for (let z = 0; z < V; z++) if (!ex.has(z)) growth[z] = (growth[z] as number) + dmath.exp(buf[z] as number) - (base[z] as number)
    })
  }
  // A token is ranked if it is not the first preferred token at every prompt where it could grow.
  const eligible = Array.from({ length: V }, (_, z) => z).filter((z) => excluded.some((ex) => !ex.has(z)))
  const topOrder = (): number[] => [...eligible].sort((a, b) => (growth[b] as number) - (growth[a] as number) || a - b).slice(0, topK)
  const loop = trainerLoop<TrainPreferenceState>(options, {
    steps: TRAIN_PREFERENCE_DEFAULTS.steps,
    columns: {
      logpChosen: (s) => s.logpChosen,
      logpRejected: (s) => s.logpRejected,
      topTokens: (s) => { computeGrowth(s.step); return topOrder() },
      topGrowth: (s) => { computeGrowth(s.step); return topOrder().map((z) => growth[z] as number) },
    },
  })
  const grad: Params = {}
  for (const [k, v] of Object.entries(obj.params)) grad[k] = new Float64Array(v.length)
  const state: TrainPreferenceState = { step: 0, loss: Number.NaN, model, params: obj.params, grad, logpChosen: obj.logpChosen, logpRejected: obj.logpRejected }
  for (; ; state.step++) {
    state.loss = obj.lossAndGrad(obj.params, grad)
    if (loop.stop(state)) break
    optimizer.step(obj.params, grad)
  }
  const result = loop.result()
  return { model, ...result, history: result.history as PreferenceHistory, reference: obj.reference }
}
