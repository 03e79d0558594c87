/**
 * The explicit regularizer against locality of Razin, Maman, Cohen 2022 (Sec. 5), on the tfjs
 * track: it rewards a model whose gradient with respect to a patch P depends on a distant patch Q,
 * i.e. whose output models an interaction between P and Q.
 */
import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive } from '@theoryml/core'

/** Options of {@link localityRegularizer}. */
export interface LocalityRegularizerOptions {
  /** Patch P: positions [start, end) whose input gradient is compared. */
  patch: readonly [number, number]
  /** Patch Q: positions [start, end) replaced by another sample's (should not overlap P). */
  swap: readonly [number, number]
  /** Weight λ (default 1). */
  lambda?: number
  /** Sample i gets patch Q of sample permutation[i] (default: of sample i+1 mod batch). */
  permutation?: readonly number[]
  /** Smoothing of the norms, ‖g‖ = sqrt(Σ g² + eps²) (default 1e-6). */
  eps?: number
}

/** A model on [batch, length, channels] inputs; f(x) is the sum of its outputs. */
export interface SequenceModel {
  predict(x: TF.Tensor): TF.Tensor
}

/**
 * Regularizer against locality: λ · mean_i |cos(∇_{x_P} f(x_i), ∇_{x_P} f(x′_i))|, where x′_i is x_i
 * with patch Q replaced by patch Q of another sample (2022 paper, Sec. 5). If f is separable
 * between P and Q (no interaction), ∇_{x_P} f does not change with x_Q and the cosine is 1; adding
 * the term to the loss pushes the model to model P–Q interactions (high separation rank).
 * Second-order: differentiate the returned scalar with tf.variableGrads (call inside tf.tidy). A
 * custom model must not use tfjs ops whose gradient reads their saved output (tf.tanh, tf.sigmoid,
 * tf.exp): tfjs drops those paths when differentiating twice; `locallyConnected` works around tanh.
 * Needs `await initTf()` (from @theoryml/core/tf) once first.
 * @example const r = tf.tidy(() => localityRegularizer(model, x, { patch: [0, 2], swap: [14, 16], lambda: 1 }).dataSync()[0])
 */
export function localityRegularizer(model: SequenceModel, x: TF.Tensor, options: LocalityRegularizerOptions): TF.Scalar {
  assertKnownOptions('localityRegularizer', options, ['patch', 'swap', 'lambda', 'permutation', 'eps'])
  if (!model || typeof model.predict !== 'function') throw new Error('model: expected { predict(x) } (e.g. from locallyConnected())')
  if (x.rank !== 3) throw new Error(`x: expected a [batch, length, channels] tensor, got rank ${x.rank}`)
  const [B, L, C] = x.shape as [number, number, number]
  const range = (name: string, r: unknown): [number, number] => {
    if (!Array.isArray(r) || r.length !== 2) throw new Error(`${name}: expected [start, end) positions`)
    assertInteger(`${name}[0]`, r[0], { min: 0, max: L - 1 })
    assertInteger(`${name}[1]`, r[1], { min: (r[0] as number) + 1, max: L })
    return [r[0] as number, r[1] as number]
  }
  const P = range('patch', options.patch)
  const Q = range('swap', options.swap)
  if (P[0] < Q[1] && Q[0] < P[1]) throw new Error(`swap: patch Q [${Q.join(', ')}) overlaps patch P [${P.join(', ')})`)
  const lambda = options.lambda ?? 1
  assertPositive('lambda', lambda, true)
  const eps = options.eps ?? 1e-6
  assertPositive('eps', eps)
  const perm = options.permutation ?? Array.from({ length: B }, (_, i) => (i + 1) % B)
  if (perm.length !== B || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= B)) {
    throw new Error(`permutation: expected ${B} sample indices in [0, ${B - 1}]`)
  }
  const maskData = new Float32Array(L)
  for (let p = Q[0]; p < Q[1]; p++) maskData[p] = 1
  const mask = tf.tensor3d(maskData, [1, L, 1])
  const donor = tf.gather(x, tf.tensor1d(Array.from(perm), 'int32'))
  const swapped = tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(donor, mask))
  // ∇ₓ of Σ_i f(x_i) gives every sample's own input gradient; x and x′ go through one pass of 2B samples
  const gradF = tf.grad((xx: TF.Tensor) => tf.sum(model.predict(xx)))
  const width = (P[1] - P[0]) * C
  const both = tf.reshape(tf.slice(gradF(tf.concat([x, swapped], 0)), [0, P[0], 0], [2 * B, P[1] - P[0], C]), [2 * B, width])
  const g = tf.slice(both, [0, 0], [B, width])
  const h = tf.slice(both, [B, 0], [B, width])
  const dot = tf.sum(tf.mul(g, h), 1)
  // ‖·‖ as sqrt(Σ · ² + eps²): finite gradients where a patch gradient vanishes (dead ReLUs)
  const e2 = eps * eps
  const norms = tf.mul(tf.sqrt(tf.add(tf.sum(tf.square(g), 1), e2)), tf.sqrt(tf.add(tf.sum(tf.square(h), 1), e2)))
  const cos = tf.div(dot, norms)
  return tf.mul(tf.mean(tf.abs(cos)), lambda) as TF.Scalar
}
