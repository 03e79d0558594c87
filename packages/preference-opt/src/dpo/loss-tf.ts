import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { resolveLossOptions, type PreferenceLogps, type PreferenceLossOptions, type PreferenceLossType } from './loss'

/**
 * What the tfjs {@link preferenceLoss} returns: tensors the caller owns (call it inside `tf.tidy` or
 * `tf.grad`). The float64 `preferenceLoss` of the root entry returns the same fields as arrays.
 */
export interface PreferenceLossResult {
  /** ℓ_i, shape [batch]. */
  losses: TF.Tensor1D
  /** Mean of `losses` (a scalar; differentiate this). */
  loss: TF.Scalar
  /** β(ln π_θ(y⁺) − ln π_ref(y⁺)), shape [batch]. */
  chosenRewards: TF.Tensor1D
  /** β(ln π_θ(y⁻) − ln π_ref(y⁻)), shape [batch]. */
  rejectedRewards: TF.Tensor1D
}

function checkTensor(name: string, t: unknown, batch?: number): TF.Tensor1D {
  const x = t as TF.Tensor
  if (!x || typeof x !== 'object' || !Array.isArray(x.shape) || typeof x.dataSync !== 'function') {
    throw new Error(`${name}: expected a tf.Tensor1D`)
  }
  if (x.rank !== 1) throw new Error(`${name}: expected a rank-1 tensor [batch], got shape [${x.shape.join(', ')}]`)
  if (batch !== undefined && x.shape[0] !== batch) {
    throw new Error(`${name}: expected length ${batch} (the batch size of policyChosenLogps), got ${x.shape[0]}`)
  }
  return x as TF.Tensor1D
}

/**
 * The DPO-family losses on tfjs tensors: the float64 `preferenceLoss` of the root entry (same name,
 * same options, same formulas) on float32 tensors, differentiable by tfjs autodiff. With
 * z = Δ_θ − Δ_ref: 'dpo' −(1−ε)ln σ(βz) − ε ln σ(−βz), 'ipo' (z − 1/(2β))², 'hinge' max(0, 1 − βz),
 * 'robust' [−(1−ε)ln σ(βz) + ε ln σ(−βz)]/(1−2ε), plus λ·(−ln π_θ(y⁺)/|y⁺|); rewards β(ln π_θ − ln π_ref).
 * Call it inside `tf.tidy` (or `tf.grad`): its intermediate tensors belong to the caller's scope.
 * @example
 * await initTf() // from '@theoryml/core/tf', once
 * const loss = tf.tidy(() => preferenceLoss({ policyChosenLogps: pc, policyRejectedLogps: pr, refChosenLogps: rc, refRejectedLogps: rr }, { beta: 0.1 }).loss)
 */
export function preferenceLoss(
  inputs: PreferenceLogps<TF.Tensor1D>,
  options: PreferenceLossOptions | PreferenceLossType = {},
): PreferenceLossResult {
  if (!inputs || typeof inputs !== 'object') throw new Error('inputs: expected { policyChosenLogps, policyRejectedLogps, refChosenLogps, refRejectedLogps }')
  const pc = checkTensor('policyChosenLogps', inputs.policyChosenLogps)
  const n = pc.shape[0]
  if (n === 0) throw new Error('policyChosenLogps: expected a non-empty batch')
  const pr = checkTensor('policyRejectedLogps', inputs.policyRejectedLogps, n)
  const rc = checkTensor('refChosenLogps', inputs.refChosenLogps, n)
  const rr = checkTensor('refRejectedLogps', inputs.refRejectedLogps, n)
  const o = resolveLossOptions(options, n)
  // No inner tidy: the intermediate tensors must outlive this call when it runs inside tf.grad.
  {
    const z = tf.sub(tf.sub(pc, pr), tf.sub(rc, rr))
    const bz = tf.mul(z, o.beta)
    // ln σ(x) = −softplus(−x) (tf.logSigmoid's custom gradient fails on the wasm backend inside tf.grad).
    const logSig = (x: TF.Tensor): TF.Tensor => tf.neg(tf.softplus(tf.neg(x)))
    const e = o.labelSmoothing
    let losses: TF.Tensor
    switch (o.type) {
      case 'dpo':
        losses = tf.sub(tf.mul(logSig(bz), -(1 - e)), tf.mul(logSig(tf.neg(bz)), e))
        break
      case 'robust':
        losses = tf.div(tf.add(tf.mul(logSig(bz), -(1 - e)), tf.mul(logSig(tf.neg(bz)), e)), 1 - 2 * e)
        break
      case 'hinge':
        losses = tf.relu(tf.sub(1, bz))
        break
      case 'ipo':
        losses = tf.square(tf.sub(z, 1 / (2 * o.beta)))
        break
    }
    if (o.sftWeight > 0) {
      const lengths = o.chosenLengths ? tf.tensor1d(Float32Array.from(o.chosenLengths)) : tf.onesLike(pc)
      losses = tf.sub(losses, tf.mul(tf.div(pc, lengths), o.sftWeight))
    }
    checkFinite({ policyChosenLogps: pc, policyRejectedLogps: pr, refChosenLogps: rc, refRejectedLogps: rr }, losses, o.type)
    return {
      losses: losses as TF.Tensor1D,
      loss: tf.mean(losses) as TF.Scalar,
      chosenRewards: tf.mul(tf.sub(pc, rc), o.beta) as TF.Tensor1D,
      rejectedRewards: tf.mul(tf.sub(pr, rr), o.beta) as TF.Tensor1D,
    }
  }
}

/**
 * Throw when an input holds NaN/±Infinity (naming it) or the losses overflow float32 (naming the loss):
 * one device read for the whole check, more only on the error path.
 */
function checkFinite(inputs: Record<string, TF.Tensor>, losses: TF.Tensor, type: string): void {
  const all = { ...inputs, losses }
  const bad = tf.tidy(() => tf.addN(Object.values(all).map((t) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32')))).dataSync()[0] as number)
  if (bad === 0) return
  for (const [name, t] of Object.entries(inputs)) {
    const v = t.dataSync()
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i] as number)) throw new Error(`${name}: expected finite log-probabilities, got ${v[i]} at index ${i}`)
  }
  const l = losses.dataSync()
  const i = l.findIndex((x) => !Number.isFinite(x))
  throw new Error(`preferenceLoss: overflow, the '${type}' loss of pair ${i} is ${l[i]} in float32: the log-probabilities are too large for this loss`)
}

/**
 * Sequence log-probability of the response tokens on the tfjs track:
 * ln π(y|x) = Σ_t mask[b,t] · log_softmax(logits[b,t])[tokens[b,t]], shape [batch].
 * `logits[b, t]` must already be the prediction for `tokens[b, t]` (shift a causal LM's logits by one
 * before calling); `mask` is 1 on response tokens and 0 on prompt and padding tokens. Uses a one-hot
 * product instead of gather, so it is differentiable on every backend (wasm included). Call it inside
 * `tf.tidy` or `tf.grad` (its intermediate tensors belong to the caller's scope).
 * @example const lp = tf.tidy(() => sequenceLogProb(logits, [[3, 1, 0]], [[0, 1, 1]])) // logits [1, 3, V] → shape [1]
 */
export function sequenceLogProb(
  logits: TF.Tensor3D,
  tokens: TF.Tensor2D | readonly (readonly number[])[],
  mask: TF.Tensor2D | readonly (readonly number[])[],
): TF.Tensor1D {
  const l = logits as TF.Tensor
  if (!l || !Array.isArray(l.shape) || l.rank !== 3) {
    throw new Error(`logits: expected a rank-3 tensor [batch, length, vocab]${l && Array.isArray(l.shape) ? `, got shape [${l.shape.join(', ')}]` : ''}`)
  }
  const [B, T, V] = l.shape as [number, number, number]
  const asInt = (name: string, x: TF.Tensor2D | readonly (readonly number[])[], check: (v: number) => boolean, what: string): TF.Tensor2D => {
    if (Array.isArray(x)) {
      if (x.length !== B) throw new Error(`${name}: expected ${B} rows (the batch of logits), got ${x.length}`)
      const flat = new Int32Array(B * T)
      x.forEach((row: readonly number[], b: number) => {
        if (!Array.isArray(row) || row.length !== T) throw new Error(`${name}: row ${b} must have ${T} entries (the length of logits)`)
        row.forEach((v, t) => {
          if (!Number.isInteger(v) || !check(v)) throw new Error(`${name}: expected ${what}, got ${v} at (${b}, ${t})`)
          flat[b * T + t] = v
        })
      })
      return tf.tensor2d(flat, [B, T], 'int32')
    }
    const t = x as TF.Tensor2D
    if (!t || !Array.isArray(t.shape) || t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== T) {
      throw new Error(`${name}: expected a [${B}, ${T}] tensor or number[][]`)
    }
    return t
  }
  const tok = asInt('tokens', tokens, (v) => v >= 0 && v < V, `token ids in [0, ${V - 1}]`)
  const msk = asInt('mask', mask, (v) => v === 0 || v === 1, '0 or 1')
  // No inner tidy, so that it can be differentiated inside tf.grad; call it inside tf.tidy.
  try {
    const logp = tf.logSoftmax(l, -1)
    const onehot = tf.oneHot(tok.dtype === 'int32' ? tok : tf.cast(tok, 'int32'), V)
    const picked = tf.sum(tf.mul(logp, onehot), -1)
    return tf.sum(tf.mul(picked, tf.cast(msk, 'float32')), -1) as TF.Tensor1D
  } finally {
    if (tok !== tokens) tok.dispose()
    if (msk !== mask) msk.dispose()
  }
}
