import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import {
  TRAINER_OPTION_KEYS, assertInteger, assertKnownOptions, assertPositive, resolveOptimizerSpec, resolveRng, trainerLoop,
  type History, type OptimizerName, type OptimizerSpec, type Rng, type TrainerLoop, type TrainerOptions, type TrainerResult, type TrainerState,
} from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'

/**
 * A policy p(y|x) = softmax(MLP(x)) over the classes y (the responses) on the tfjs track: ReLU
 * hidden layers, a linear output layer. Its variables are owned by the caller: free them with
 * {@link disposePolicy}.
 */
export interface MlpPolicy {
  /** [inputs, hidden…, classes]. */
  readonly sizes: readonly number[]
  /** Weight of layer l, shape [sizes[l], sizes[l+1]]. */
  readonly weights: TF.Variable[]
  /** Bias of layer l, shape [sizes[l+1]]. */
  readonly biases: TF.Variable[]
}

/** Options of {@link mlpPolicy}. */
export interface MlpPolicyOptions {
  /** [inputs, hidden…, classes]: at least two positive integers. */
  sizes: readonly number[]
  /** Seed or stream of the He-normal weights (default seed 0). */
  rng?: Rng | number
}

/**
 * Create an MLP policy with sizes [in, hidden…, classes]: weights W_l ~ N(0, 2/fan_in) (He-normal)
 * drawn from the seeded RNG, so the same seed gives the same model; zero biases.
 * @example
 * await initTf() // from '@theoryml/core/tf', once
 * const model = mlpPolicy({ sizes: [20, 64, 10], rng: 0 })
 */
export function mlpPolicy(options: MlpPolicyOptions): MlpPolicy {
  assertKnownOptions('mlpPolicy', options, ['sizes', 'rng'])
  const { sizes } = options
  if (!Array.isArray(sizes) || sizes.length < 2) throw new Error('sizes: expected [inputs, hidden…, classes] with at least two entries')
  sizes.forEach((s, i) => assertInteger(`sizes[${i}]`, s, { min: 1 }))
  const rng = resolveRng(options.rng)
  const weights: TF.Variable[] = []
  const biases: TF.Variable[] = []
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l] as number
    const fanOut = sizes[l + 1] as number
    const w = rng.fillNormal(new Float32Array(fanIn * fanOut), Math.sqrt(2 / fanIn))
    // A variable keeps its own reference to the data: the initial tensors are freed here, so that
    // disposePolicy frees everything the policy holds.
    const w0 = tf.tensor2d(w, [fanIn, fanOut])
    const b0 = tf.zeros([fanOut])
    weights.push(tf.variable(w0))
    biases.push(tf.variable(b0))
    tf.dispose([w0, b0])
  }
  return { sizes: [...sizes], weights, biases }
}

/**
 * Logits of a batch (rows of x): h₀ = x, h_{l+1} = relu(h_l W_l + b_l), the last layer linear.
 * Call it inside `tf.tidy` (or a gradient): its intermediate tensors belong to the caller's scope.
 * @example const logits = tf.tidy(() => mlpLogits(model, tf.tensor2d(x)))
 */
export function mlpLogits(model: MlpPolicy, x: TF.Tensor2D): TF.Tensor2D {
  assertLive(model)
  let h: TF.Tensor2D = x
  model.weights.forEach((w, l) => {
    h = tf.add(tf.matMul(h, w), model.biases[l] as TF.Variable)
    if (l + 1 < model.weights.length) h = tf.relu(h)
  })
  return h
}

/**
 * Free every variable of an MLP policy (its weights and biases): after it, `tf.memory().numTensors`
 * is back where it was before {@link mlpPolicy}. Using the policy afterwards throws; disposing it again does nothing.
 * @example disposePolicy(model)
 */
export function disposePolicy(model: MlpPolicy): void {
  for (const v of [...model.weights, ...model.biases]) if (!v.isDisposed) v.dispose()
}

function checkData(model: MlpPolicy, inputs: unknown, name = 'inputs'): Float32Array {
  const d = model.sizes[0] as number
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error(`${name}: expected a non-empty array of input rows`)
  const out = new Float32Array(inputs.length * d)
  inputs.forEach((row, i) => {
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new Error(`${name}[${i}]: expected a vector`)
    const r = row as ArrayLike<number>
    if (r.length !== d) throw new Error(`${name}[${i}]: expected ${d} features, got ${r.length}`)
    for (let k = 0; k < d; k++) {
      const v = r[k] as number
      if (!Number.isFinite(v)) throw new Error(`${name}[${i}]: expected finite features, got ${v} at ${k}`)
      out[i * d + k] = v
    }
  })
  return out
}

function checkLabels(model: MlpPolicy, labels: unknown, n: number): number[] {
  const C = model.sizes[model.sizes.length - 1] as number
  if (!Array.isArray(labels) || labels.length !== n) throw new Error(`labels: expected ${n} labels (one per input)`)
  labels.forEach((y, i) => assertInteger(`labels[${i}]`, y, { min: 0, max: C - 1 }))
  return labels as number[]
}

/**
 * Class probabilities p(·|x) = softmax(MLP(x)) for each input row.
 * @example policyProbs(model, [[0, 1, …]])[0] // Float32Array of length classes
 */
export function policyProbs(model: MlpPolicy, inputs: ReadonlyArray<readonly number[]>): Float32Array[] {
  const d = model.sizes[0] as number
  const x = checkData(model, inputs)
  const flat = tf.tidy(() => tf.softmax(mlpLogits(model, tf.tensor2d(x, [inputs.length, d]))).dataSync() as Float32Array)
  const C = model.sizes[model.sizes.length - 1] as number
  return Array.from({ length: inputs.length }, (_, i) => flat.slice(i * C, (i + 1) * C))
}


function checkPolicy(model: unknown): MlpPolicy {
  const m = model as MlpPolicy
  if (!m || typeof m !== 'object' || !Array.isArray(m.sizes) || !Array.isArray(m.weights) || !Array.isArray(m.biases)) {
    throw new Error('model: expected an MlpPolicy (from mlpPolicy)')
  }
  assertLive(m)
  return m
}

/** Throw when the policy's variables were freed by {@link disposePolicy}. */
function assertLive(model: MlpPolicy): void {
  if (model.weights.some((w) => w.isDisposed) || model.biases.some((b) => b.isDisposed)) {
    throw new Error('model: this MlpPolicy was disposed (disposePolicy); build a new one')
  }
}

/**
 * One step of a tfjs trainer under core's loop: the loss and its gradient at the current
 * parameters, the loop's verdict (history row, stopping, divergence), then the update unless the
 * run stops. The same ops as `optimizer.minimize(f, false, vars)`. Returns true when the run stops.
 */
function tfStep<S extends TrainerState>(loop: TrainerLoop<S>, state: S, optimizer: TF.Optimizer, f: () => TF.Scalar, vars: TF.Variable[]): boolean {
  const { value, grads } = tf.variableGrads(f, vars)
  try {
    state.loss = value.dataSync()[0] as number
    if (loop.stop(state)) return true
    optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] as TF.Tensor })))
    return false
  } finally {
    value.dispose()
    tf.dispose(grads)
  }
}

/** What `record`, `onStep` and `stopWhen` see in {@link pretrainSoft}: step, loss and the live policy. */
export interface PretrainSoftState extends TrainerState {
  /** The policy being trained (live: its variables are the current parameters). */
  model: MlpPolicy
}

/**
 * Defaults of {@link pretrainSoft}, in one place: Adam with lr 1e-2 for 300 steps.
 * @example PRETRAIN_SOFT_DEFAULTS.lr // 0.01
 */
export const PRETRAIN_SOFT_DEFAULTS = { optimizer: 'adam', lr: 1e-2, steps: 300 } as const

/** Options of {@link pretrainSoft}: the common trainer options (no `rng`: nothing is random) plus the policy and its data. */
export interface PretrainSoftOptions extends Omit<TrainerOptions<PretrainSoftState>, 'optimizer' | 'rng'> {
  /** The policy, trained in place. */
  model: MlpPolicy
  /** Input rows x (each of length sizes[0]). */
  inputs: ReadonlyArray<readonly number[]>
  /** Soft targets q(·|x), one row of length `classes` per input. */
  targets: ReadonlyArray<readonly number[]>
  /** A name with `lr`, or a spec `{ type, lr, … }` (default 'adam', lr 1e-2). */
  optimizer?: OptimizerName | OptimizerSpec
}

/** What {@link pretrainSoft} returns: the trained policy (the same object), history, steps, stoppedBy. */
export interface PretrainSoftResult extends TrainerResult {
  model: MlpPolicy
}

/**
 * Supervised training toward soft targets, full batch: minimize the cross-entropy
 * L(θ) = −(1/n) Σ_x Σ_y q(y|x) ln p_θ(y|x), e.g. to pretrain a policy that spreads its mass over
 * several labels. Speaks core's trainer vocabulary (history rows of `step`, `loss` and `record`).
 * @example
 * const { history } = pretrainSoft({ model, inputs, targets, optimizer: 'adam', lr: 1e-2, steps: 300 })
 */
export function pretrainSoft(options: PretrainSoftOptions): PretrainSoftResult {
  assertKnownOptions('pretrainSoft', options, ['model', 'inputs', 'targets', ...TRAINER_OPTION_KEYS.filter((k) => k !== 'rng')])
  const model = checkPolicy(options.model)
  const { inputs, targets } = options
  const d = model.sizes[0] as number
  const C = model.sizes[model.sizes.length - 1] as number
  const xArr = checkData(model, inputs)
  if (!Array.isArray(targets) || targets.length !== inputs.length) throw new Error(`targets: expected ${inputs.length} rows (one per input)`)
  const qArr = checkData({ ...model, sizes: [C] }, targets, 'targets')
  const spec = resolveOptimizerSpec(options, PRETRAIN_SOFT_DEFAULTS)
  const loop = trainerLoop<PretrainSoftState>(options, { steps: PRETRAIN_SOFT_DEFAULTS.steps })
  const x = tf.tensor2d(xArr, [inputs.length, d])
  const q = tf.tensor2d(qArr, [inputs.length, C])
  const opt = tfOptimizer(spec)
  const vars = [...model.weights, ...model.biases]
  const loss = (): TF.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(q, tf.logSoftmax(mlpLogits(model, x))), 1))) as TF.Scalar
  const state: PretrainSoftState = { step: 0, loss: Number.NaN, model }
  try {
    for (; ; state.step++) if (tfStep(loop, state, opt, loss, vars)) break
  } finally {
    opt.dispose()
    tf.dispose([x, q])
  }
  return { model, ...loop.result() }
}

/** The groups {@link finetune} tracks: inputs with large / small initial reward std, and the small-std inputs of the SFT phase. */
export type FinetuneGroup = 'large' | 'small' | 'sftSmall'

/** The metrics {@link finetune} records per group. */
export type FinetuneMetric = 'Accuracy' | 'Reward' | 'RewardStd' | 'GradNorm'

/**
 * The group metrics at one moment, by column name `<group><Metric>` (NaN for an empty group):
 * `…Accuracy` the fraction whose argmax prediction is its label; `…Reward` the mean expected reward
 * E_{y∼p}[1{y = label}] = p(label|x); `…RewardStd` the mean reward std sqrt(p(1 − p)); `…GradNorm`
 * ‖∇_θ mean_{x∈group} p(label|x)‖, the expected RFT gradient of the group. The `sftSmall…` columns
 * (small-std inputs that were in the SFT phase) exist with `method: 'sft-then-rft'` only.
 */
export type FinetuneMetrics = { [K in `${'large' | 'small'}${FinetuneMetric}`]: number } & { [K in `sftSmall${FinetuneMetric}`]?: number }

/** The history of {@link finetune}: core's `step` and `loss`, the group metrics as columns, and any `record` columns. */
export type FinetuneHistory = History & { [K in `${'large' | 'small'}${FinetuneMetric}`]: number[] } & { [K in `sftSmall${FinetuneMetric}`]?: number[] }

/** What `record`, `onStep` and `stopWhen` see in {@link finetune}: step and loss of the main phase and the live policy. */
export interface FinetuneState extends TrainerState {
  /** The policy being finetuned (live). */
  model: MlpPolicy
}

/**
 * Defaults of {@link finetune}, in one place: Adam with lr 1e-3 for 400 steps; for 'sft-then-rft', 20
 * SFT steps on 1% of the inputs; the small-std group is initial reward std < 0.1.
 * @example FINETUNE_DEFAULTS.stdThreshold // 0.1
 */
export const FINETUNE_DEFAULTS = { optimizer: 'adam', lr: 1e-3, steps: 400, sftSteps: 20, sftFraction: 0.01, stdThreshold: 0.1 } as const

/** Options of {@link finetune}: the common trainer options plus the policy, the data and the method. */
export interface FinetuneOptions extends Omit<TrainerOptions<FinetuneState>, 'optimizer'> {
  /** The policy, finetuned in place. */
  model: MlpPolicy
  /** Input rows and their labels (the reward is 1{y = label}). */
  data: { inputs: ReadonlyArray<readonly number[]>; labels: readonly number[] }
  /**
   * 'rft': maximize the expected reward 1{y = label} with its exact gradient (loss −mean_x p(label|x));
   * 'sft': cross-entropy (loss −mean_x ln p(label|x)); 'sft-then-rft': first `sftSteps` SFT steps on a
   * random `sftFraction` of the inputs, then `steps` RFT steps on all.
   */
  method: 'rft' | 'sft' | 'sft-then-rft'
  /** Optimizer of the main phase: a name with `lr`, or a spec `{ type, lr, … }` (default 'adam', lr 1e-3). */
  optimizer?: OptimizerName | OptimizerSpec
  /** Steps of the main phase (default 400); the SFT phase of 'sft-then-rft' comes before them. */
  steps?: number
  /** Fraction of the inputs in the SFT phase of 'sft-then-rft', in (0, 1] (default 0.01; at least one input). */
  sftFraction?: number
  /** Steps of the SFT phase of 'sft-then-rft' (default 20). */
  sftSteps?: number
  /**
   * Optimizer of the SFT phase of 'sft-then-rft', in the same format as `optimizer` (a name takes the
   * main phase's `lr`). Default: the main phase's optimizer itself, whose state then carries over.
   */
  sftOptimizer?: OptimizerName | OptimizerSpec
  /** Group of each input (0 = large initial reward std, 1 = small); default: split at `stdThreshold`. */
  groups?: readonly number[]
  /** Initial reward std below which an input belongs to the small-std group (default 0.1). */
  stdThreshold?: number
}

/** What {@link finetune} returns: the finetuned policy, the history of the main phase with the group metrics, steps, stoppedBy, and the groups. */
export interface FinetuneResult extends TrainerResult {
  /** The finetuned policy (the same object as `options.model`). */
  model: MlpPolicy
  /** Rows of the main phase (step 0 is after the SFT phase of 'sft-then-rft'): `step`, `loss`, the group metrics, `record` columns. */
  history: FinetuneHistory
  /** Group per input (0 large, 1 small). */
  groups: number[]
  /** Reward std per input before finetuning. */
  initialRewardStd: Float64Array
  /** Inputs used in the SFT phase of 'sft-then-rft' (empty otherwise). */
  sftIndices: number[]
  /** The group metrics before the SFT phase of 'sft-then-rft' (null for the other methods). */
  beforeSft: FinetuneMetrics | null
}

const FINETUNE_KEYS = ['model', 'data', 'method', 'sftFraction', 'sftSteps', 'sftOptimizer', 'groups', 'stdThreshold'] as const
const METRICS: readonly FinetuneMetric[] = ['Accuracy', 'Reward', 'RewardStd', 'GradNorm']

/**
 * Finetune a classifier policy with reward r(x, y) = 1{y = label} (Razin et al. 2024, Sec. 4.2) by
 * RFT (the exact expected gradient, by enumeration of the classes: ∇ mean_x Σ_y p(y|x) r(x, y)),
 * SFT (cross-entropy), or a short SFT phase on a few inputs followed by RFT. The history splits
 * the inputs by initial reward std sqrt(p(1 − p)) and records each group's accuracy, reward,
 * reward std and expected-gradient norm; speaks core's trainer vocabulary for the main phase.
 * @example
 * const { history } = finetune({ model, data: { inputs, labels }, method: 'rft', optimizer: 'adam', lr: 1e-3, steps: 400, every: 20 })
 * history.smallAccuracy.at(-1) // stays near 0: the small-std inputs' gradients vanish
 */
export function finetune(options: FinetuneOptions): FinetuneResult {
  assertKnownOptions('finetune', options, [...FINETUNE_KEYS, ...TRAINER_OPTION_KEYS])
  const model = checkPolicy(options.model)
  const { data, method } = options
  if (!['rft', 'sft', 'sft-then-rft'].includes(method)) throw new Error(`method: expected 'rft', 'sft' or 'sft-then-rft', got '${String(method)}'`)
  const n = data?.inputs?.length ?? 0
  const d = model.sizes[0] as number
  const C = model.sizes[model.sizes.length - 1] as number
  const xArr = checkData(model, data?.inputs)
  const labels = checkLabels(model, data.labels, n)
  const sftSteps = method === 'sft-then-rft' ? options.sftSteps ?? FINETUNE_DEFAULTS.sftSteps : 0
  assertInteger('sftSteps', sftSteps, { min: 0 })
  const sftFraction = options.sftFraction ?? FINETUNE_DEFAULTS.sftFraction
  assertPositive('sftFraction', sftFraction)
  if (sftFraction > 1) throw new Error(`sftFraction: expected a fraction in (0, 1], got ${sftFraction}`)
  const threshold = options.stdThreshold ?? FINETUNE_DEFAULTS.stdThreshold
  assertPositive('stdThreshold', threshold)
  const spec = resolveOptimizerSpec(options, FINETUNE_DEFAULTS)
  const sftSpec = options.sftOptimizer === undefined ? null : resolveOptimizerSpec({ optimizer: options.sftOptimizer }, { optimizer: 'adam', lr: spec.lr })
  const rng = resolveRng(options.rng)

  const p0 = policyProbs(model, data.inputs)
  const initialRewardStd = Float64Array.from(p0, (p, i) => {
    const q = p[labels[i] as number] as number
    return Math.sqrt(Math.max(0, q * (1 - q)))
  })
  const groups = options.groups ? [...options.groups] : Array.from(initialRewardStd, (s) => (s < threshold ? 1 : 0))
  if (groups.length !== n || groups.some((g) => g !== 0 && g !== 1)) throw new Error(`groups: expected ${n} entries, each 0 (large std) or 1 (small std)`)
  const sftIndices = method === 'sft-then-rft' ? rng.permutation(n).slice(0, Math.max(1, Math.round(sftFraction * n))).sort((a, b) => a - b) : []

  // The trainer's own columns: <group><Metric>, all computed once per recorded step.
  const names: FinetuneGroup[] = method === 'sft-then-rft' ? ['large', 'small', 'sftSmall'] : ['large', 'small']
  let cached: { step: number; values: FinetuneMetrics } | null = null
  const columns: Record<string, (s: FinetuneState) => number> = {}
  for (const g of names) for (const m of METRICS) columns[`${g}${m}`] = (s) => (metricsAt(s.step) as Record<string, number>)[`${g}${m}`] as number
  const loop = trainerLoop<FinetuneState>(options, { steps: FINETUNE_DEFAULTS.steps, columns })

  const x = tf.tensor2d(xArr, [n, d])
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), C), 'float32'))
  const inSft = new Set(sftIndices)
  const groupIdx = [0, 1].map((g) => groups.flatMap((v, i) => (v === g ? [i] : [])))
  groupIdx.push((groupIdx[1] as number[]).filter((i) => inSft.has(i)))
  const gather = (idx: number[]): { x: TF.Tensor2D; y: TF.Tensor2D } | null =>
    idx.length ? tf.tidy(() => { const t = tf.tensor1d(idx, 'int32'); return { x: tf.gather(x, t), y: tf.gather(onehot, t) as TF.Tensor2D } }) : null
  const groupData = groupIdx.slice(0, names.length).map(gather)
  const sftData = gather(sftIndices)
  const vars = [...model.weights, ...model.biases]
  const rftLoss = (xs: TF.Tensor2D, ys: TF.Tensor): TF.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(tf.softmax(mlpLogits(model, xs)), ys), 1))) as TF.Scalar
  const sftLoss = (xs: TF.Tensor2D, ys: TF.Tensor): TF.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(mlpLogits(model, xs)), ys), 1))) as TF.Scalar

  const measure = (): FinetuneMetrics => {
    const values: Record<string, number> = {}
    groupData.forEach((gd, k) => {
      const g = names[k] as FinetuneGroup
      const out = gd
        ? tf.tidy(() => {
            const p = tf.softmax(mlpLogits(model, gd.x))
            const pl = tf.sum(tf.mul(p, gd.y), 1)
            const correct = tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(gd.y, 1)), 'float32')
            const { grads } = tf.variableGrads(() => rftLoss(gd.x, gd.y), vars)
            let sq = tf.scalar(0)
            for (const key of Object.keys(grads)) sq = tf.add(sq, tf.sum(tf.square(grads[key] as TF.Tensor)))
            return [tf.mean(correct), tf.mean(pl), tf.mean(tf.sqrt(tf.relu(tf.mul(pl, tf.sub(1, pl))))), tf.sqrt(sq)].map((t) => t.dataSync()[0] as number)
          })
        : [Number.NaN, Number.NaN, Number.NaN, Number.NaN]
      METRICS.forEach((m, j) => { values[`${g}${m}`] = out[j] as number })
    })
    return values as FinetuneMetrics
  }
  const metricsAt = (step: number): FinetuneMetrics => {
    if (cached?.step !== step) cached = { step, values: measure() }
    return cached.values
  }

  const opt = tfOptimizer(spec)
  let beforeSft: FinetuneMetrics | null = null
  const state: FinetuneState = { step: 0, loss: Number.NaN, model }
  try {
    if (sftData) {
      // The SFT phase comes before the main phase's history: its effect shows in `beforeSft` against row 0.
      beforeSft = measure()
      const sftOpt = sftSpec ? tfOptimizer(sftSpec) : opt
      try {
        for (let s = 0; s < sftSteps && !options.signal?.aborted; s++) sftOpt.minimize(() => sftLoss(sftData.x, sftData.y), false, vars)?.dispose()
      } finally {
        if (sftOpt !== opt) sftOpt.dispose()
      }
    }
    const main = method === 'sft' ? sftLoss : rftLoss
    for (; ; state.step++) if (tfStep(loop, state, opt, () => main(x, onehot), vars)) break
  } finally {
    opt.dispose()
    tf.dispose([x, onehot, ...groupData.flatMap((g) => (g ? [g.x, g.y] : [])), ...(sftData ? [sftData.x, sftData.y] : [])])
  }
  const result = loop.result()
  return { model, ...result, history: result.history as FinetuneHistory, groups, initialRewardStd, sftIndices, beforeSft }
}
