import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, type OptimizerSpec, type Rng } from '@theoryml/core'
import { tfOptimizer } from '@theoryml/core/tf'

/** A multilayer perceptron classifier policy p(y|x) = softmax(MLP(x)) on the tfjs track (ReLU hidden layers). */
export interface MlpPolicy {
  readonly tf: typeof TF
  readonly sizes: readonly number[]
  readonly weights: TF.Variable[]
  readonly biases: TF.Variable[]
}

/**
 * Create an MLP policy with sizes [in, hidden…, classes], He-normal weights drawn from the seeded
 * RNG (so the same seed gives the same model), zero biases.
 * @example const model = mlpPolicy(tf, { sizes: [20, 64, 10], rng: 0 })
 */
export function mlpPolicy(tf: typeof TF, options: { sizes: readonly number[]; rng?: Rng | number }): MlpPolicy {
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
    weights.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut])))
    biases.push(tf.variable(tf.zeros([fanOut])))
  }
  return { tf, sizes: [...sizes], weights, biases }
}

/**
 * Logits of a batch (rows of x): ReLU hidden layers, linear output.
 * @example tf.tidy(() => mlpLogits(model, tf.tensor2d(x)))
 */
export function mlpLogits(model: MlpPolicy, x: TF.Tensor2D): TF.Tensor2D {
  const { tf } = model
  let h: TF.Tensor2D = x
  model.weights.forEach((w, l) => {
    h = tf.add(tf.matMul(h, w), model.biases[l] as TF.Variable)
    if (l + 1 < model.weights.length) h = tf.relu(h)
  })
  return h
}

/** Dispose the model's variables. */
export function disposePolicy(model: MlpPolicy): void {
  for (const v of [...model.weights, ...model.biases]) v.dispose()
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
 * Class probabilities p(·|x) for each input row.
 * @example policyProbs(model, [[0, 1, …]])[0] // Float32Array of length classes
 */
export function policyProbs(model: MlpPolicy, inputs: ReadonlyArray<readonly number[]>): Float32Array[] {
  const { tf } = model
  const d = model.sizes[0] as number
  const x = checkData(model, inputs)
  const flat = tf.tidy(() => tf.softmax(mlpLogits(model, tf.tensor2d(x, [inputs.length, d]))).dataSync() as Float32Array)
  const C = model.sizes[model.sizes.length - 1] as number
  return Array.from({ length: inputs.length }, (_, i) => flat.slice(i * C, (i + 1) * C))
}

/**
 * Supervised training toward soft targets (cross-entropy −Σ_y q(y|x) ln p(y|x)), e.g. to pretrain a
 * model that spreads its mass over several labels. Returns the loss every step.
 * @example pretrainSoft({ model, inputs, targets, steps: 300, optimizer: { type: 'adam', lr: 1e-2 } })
 */
export function pretrainSoft(options: { model: MlpPolicy; inputs: ReadonlyArray<readonly number[]>; targets: ReadonlyArray<readonly number[]>; steps: number; optimizer?: OptimizerSpec }): number[] {
  assertKnownOptions('pretrainSoft', options, ['model', 'inputs', 'targets', 'steps', 'optimizer'])
  const { model, inputs, targets, steps } = options
  const { tf } = model
  assertInteger('steps', steps, { min: 0 })
  const d = model.sizes[0] as number
  const C = model.sizes[model.sizes.length - 1] as number
  const x = tf.tensor2d(checkData(model, inputs), [inputs.length, d])
  if (!Array.isArray(targets) || targets.length !== inputs.length) throw new Error(`targets: expected ${inputs.length} rows`)
  const q = tf.tensor2d(checkData({ ...model, sizes: [C] } as MlpPolicy, targets, 'targets'), [inputs.length, C])
  const opt = tfOptimizer(options.optimizer ?? { type: 'adam', lr: 1e-2 })
  const losses: number[] = []
  const vars = [...model.weights, ...model.biases]
  for (let s = 0; s < steps; s++) {
    const loss = opt.minimize(() => tf.neg(tf.mean(tf.sum(tf.mul(q, tf.logSoftmax(mlpLogits(model, x))), 1))) as TF.Scalar, true, vars)
    losses.push((loss as TF.Scalar).dataSync()[0] as number)
    loss?.dispose()
  }
  opt.dispose()
  x.dispose()
  q.dispose()
  return losses
}

/** Per-group metrics recorded by {@link finetune}. */
export interface GroupHistory {
  /** Fraction of the group whose argmax prediction is its label. */
  accuracy: number[]
  /** Mean expected reward E_{y∼p}[1{y = label}] = p(label|x). */
  reward: number[]
  /** Mean reward standard deviation sqrt(p(1 − p)). */
  rewardStd: number[]
  /** ‖∇_θ mean_{x∈group} p(label|x)‖: the expected RFT gradient of the group. */
  gradNorm: number[]
}

/** Options of {@link finetune}. */
export interface FinetuneOptions {
  model: MlpPolicy
  data: { inputs: ReadonlyArray<readonly number[]>; labels: readonly number[] }
  /** 'rft': maximize the expected reward 1{y = label} with its exact gradient; 'sft': cross-entropy; 'sft-then-rft': SFT on a random `sftFraction` of the inputs for `sftSteps`, then RFT on all. */
  method: 'rft' | 'sft' | 'sft-then-rft'
  /** Steps of the main phase. */
  steps: number
  optimizer?: OptimizerSpec
  sftFraction?: number
  sftSteps?: number
  /** Group of each input (0 = large initial reward std, 1 = small); default: split at `stdThreshold`. */
  groups?: readonly number[]
  /** Initial reward std below which an input belongs to the small-std group (default 0.1). */
  stdThreshold?: number
  /** Optimizer of the SFT phase of 'sft-then-rft' (default: `optimizer`). */
  sftOptimizer?: OptimizerSpec
  /** Record every `every` steps (default steps/20). */
  every?: number
  rng?: Rng | number
}

/** What {@link finetune} returns. */
export interface FinetuneResult {
  /** The step of each record (SFT-phase steps are negative: −sftSteps … −1). */
  step: number[]
  /** Metrics of the inputs with large / small initial reward std. */
  large: GroupHistory
  small: GroupHistory
  /** Metrics of the small-std inputs that were in the SFT phase of 'sft-then-rft' (empty otherwise). */
  sftSmall: GroupHistory
  /** Group per input (0 large, 1 small) and initial reward std per input. */
  groups: number[]
  initialRewardStd: Float64Array
  /** Inputs used in the SFT phase of 'sft-then-rft'. */
  sftIndices: number[]
}

/**
 * Finetune a classifier policy with reward 1{y = label} by RFT (the exact expected gradient, by
 * enumeration of the classes: ∇ mean_x Σ_y p(y|x) r(x, y)), SFT (cross-entropy), or a short SFT
 * phase on a few inputs followed by RFT; history split by initial reward std (Razin et al. 2024).
 * @example const h = finetune({ model, data: { inputs, labels }, method: 'rft', steps: 500 })
 */
export function finetune(options: FinetuneOptions): FinetuneResult {
  assertKnownOptions('finetune', options, ['model', 'data', 'method', 'steps', 'optimizer', 'sftFraction', 'sftSteps', 'groups', 'stdThreshold', 'every', 'rng', 'sftOptimizer'])
  const { model, data, method, steps } = options
  const { tf } = model
  if (!['rft', 'sft', 'sft-then-rft'].includes(method)) throw new Error(`method: expected 'rft', 'sft' or 'sft-then-rft', got '${String(method)}'`)
  assertInteger('steps', steps, { min: 0 })
  const n = data?.inputs?.length ?? 0
  const d = model.sizes[0] as number
  const C = model.sizes[model.sizes.length - 1] as number
  const xArr = checkData(model, data?.inputs)
  const labels = checkLabels(model, data.labels, n)
  const sftSteps = method === 'sft-then-rft' ? options.sftSteps ?? 20 : 0
  assertInteger('sftSteps', sftSteps, { min: 0 })
  const sftFraction = options.sftFraction ?? 0.01
  assertPositive('sftFraction', sftFraction)
  if (sftFraction > 1) throw new Error(`sftFraction: expected a fraction in (0, 1], got ${sftFraction}`)
  const threshold = options.stdThreshold ?? 0.1
  assertPositive('stdThreshold', threshold)
  const every = options.every ?? Math.max(1, Math.floor(steps / 20))
  assertInteger('every', every, { min: 1 })
  const rng = resolveRng(options.rng)

  const p0 = policyProbs(model, data.inputs)
  const initialRewardStd = Float64Array.from(p0, (p, i) => {
    const q = p[labels[i] as number] as number
    return Math.sqrt(Math.max(0, q * (1 - q)))
  })
  const groups = options.groups ? [...options.groups] : Array.from(initialRewardStd, (s) => (s < threshold ? 1 : 0))
  if (groups.length !== n || groups.some((g) => g !== 0 && g !== 1)) throw new Error(`groups: expected ${n} entries, each 0 (large std) or 1 (small std)`)
  const sftIndices = method === 'sft-then-rft' ? rng.permutation(n).slice(0, Math.max(1, Math.round(sftFraction * n))).sort((a, b) => a - b) : []

  const x = tf.tensor2d(xArr, [n, d])
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), C), 'float32'))
  const inSft = new Set(sftIndices)
  const groupIdx = [0, 1].map((g) => groups.flatMap((v, i) => (v === g ? [i] : [])))
  groupIdx.push(groupIdx[1]!.filter((i) => inSft.has(i)))
  const groupData = groupIdx.map((idx) =>
    idx.length ? { x: tf.tidy(() => tf.gather(x, tf.tensor1d(idx, 'int32'))), y: tf.tidy(() => tf.gather(onehot, tf.tensor1d(idx, 'int32'))), idx } : null,
  )
  const sftData = sftIndices.length
    ? { x: tf.tidy(() => tf.gather(x, tf.tensor1d(sftIndices, 'int32'))), y: tf.tidy(() => tf.gather(onehot, tf.tensor1d(sftIndices, 'int32'))) }
    : null
  const vars = [...model.weights, ...model.biases]
  const rftLoss = (xs: TF.Tensor2D, ys: TF.Tensor): TF.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(tf.softmax(mlpLogits(model, xs)), ys), 1))) as TF.Scalar
  const sftLoss = (xs: TF.Tensor2D, ys: TF.Tensor): TF.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(mlpLogits(model, xs)), ys), 1))) as TF.Scalar

  const empty = (): GroupHistory => ({ accuracy: [], reward: [], rewardStd: [], gradNorm: [] })
  const result: FinetuneResult = { step: [], large: empty(), small: empty(), sftSmall: empty(), groups, initialRewardStd, sftIndices }
  const record = (step: number): void => {
    result.step.push(step)
    groupData.forEach((gd, g) => {
      const h = g === 0 ? result.large : g === 1 ? result.small : result.sftSmall
      if (g === 2 && method !== 'sft-then-rft') return
      if (!gd) {
        h.accuracy.push(Number.NaN); h.reward.push(Number.NaN); h.rewardStd.push(Number.NaN); h.gradNorm.push(Number.NaN)
        return
      }
      const [acc, rew, std, gn] = tf.tidy(() => {
        const p = tf.softmax(mlpLogits(model, gd.x))
        const pl = tf.sum(tf.mul(p, gd.y), 1)
        const correct = tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(gd.y, 1)), 'float32')
        const { grads } = tf.variableGrads(() => rftLoss(gd.x, gd.y), vars)
        let sq = tf.scalar(0)
        for (const k of Object.keys(grads)) sq = tf.add(sq, tf.sum(tf.square(grads[k] as TF.Tensor)))
        return [tf.mean(correct), tf.mean(pl), tf.mean(tf.sqrt(tf.relu(tf.mul(pl, tf.sub(1, pl))))), tf.sqrt(sq)].map((t) => t.dataSync()[0] as number)
      })
      h.accuracy.push(acc as number); h.reward.push(rew as number); h.rewardStd.push(std as number); h.gradNorm.push(gn as number)
    })
  }

  const opt = tfOptimizer(options.optimizer ?? { type: 'adam', lr: 1e-3 })
  try {
    if (sftData) {
      const sftOpt = options.sftOptimizer ? tfOptimizer(options.sftOptimizer) : opt
      record(-sftSteps)
      for (let s = 0; s < sftSteps; s++) sftOpt.minimize(() => sftLoss(sftData.x, sftData.y), false, vars)?.dispose()
      if (sftOpt !== opt) sftOpt.dispose()
    }
    const main = method === 'sft' ? sftLoss : rftLoss
    for (let s = 0; s <= steps; s++) {
      if (s % every === 0 || s === steps) record(s)
      if (s === steps) break
      opt.minimize(() => main(x, onehot), false, vars)?.dispose()
    }
  } finally {
    opt.dispose()
    tf.dispose([x, onehot, ...groupData.flatMap((g) => (g ? [g.x, g.y] : [])), ...(sftData ? [sftData.x, sftData.y] : [])])
  }
  return result
}
