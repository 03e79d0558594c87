/**
 * Fused tfjs ops with closed-form gradients for the transformer, written for the wasm backend
 * (profiled on a train step of 2 layers, 4 heads, d = 64, batch 32 × 48):
 * - rank-5 transposes fall back to a generic kernel there (~14 ms for 300k floats vs 0.2 ms at
 *   rank 4), so the attention reshapes stay at rank ≤ 4;
 * - transposed-operand 2-D matMuls are slower than an explicit transpose + plain matMul (the
 *   transformer's linear maps use core's `linearOp` for that);
 * - autodiff of layer norm and softmax attention records ~25 small kernels each; the closed-form
 *   backward passes below use a handful;
 * - column sums Σₙ dy[n, :] (the bias and gain gradients) as tf.sum(dy, 0) cost 0.85 ms on
 *   [1536, 64] and 2.6 ms on [1536, 256] (CPU time); as the 2-D matMul 1ᵀ·dy they cost 0.09 and
 *   0.14 ms, so every column sum below is a matMul with a row of ones;
 * - the batched matMuls of attention run at 2.2–2.9 GFLOP/s (wasm's plain batched loop, with or
 *   without transposed operands), against ~25 GFLOP/s for 2-D matMuls (XNNPACK): they bound the step.
 * Internal module: the functions are used by createTransformer only.
 */
import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'

type GradFn = Parameters<typeof TF.customGrad>[0]

/** Σₙ t[n, :] of t [N, d] as the 2-D matMul 1ᵀ·t (see above), shape [d]. */
function columnSum(t: TF.Tensor2D): TF.Tensor1D {
  const [n, d] = t.shape
  return tf.reshape(tf.matMul(tf.ones([1, n]), t), [d]) as TF.Tensor1D
}

/**
 * Affine map y = x·W + b of x [N, k], W [k, m], b [m]; backward dx = dy·Wᵀ (explicit transpose,
 * then a 2-D matMul), dW = xᵀ·dy, db = 1ᵀ·dy.
 */
export function affine(): (x: TF.Tensor2D, w: TF.Variable, b: TF.Variable) => TF.Tensor2D {
  const f = tf.customGrad(((x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, save: TF.GradSaveFunc) => {
    save([x])
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
        const sx = saved[0] as TF.Tensor2D
        return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(sx), dy), columnSum(dy)]
      },
    }
  }) as unknown as GradFn)
  return f as unknown as (x: TF.Tensor2D, w: TF.Variable, b: TF.Variable) => TF.Tensor2D
}

/**
 * Layer norm over the last axis of x [N, d] with variables g, b [d]: y = x̂·g + b,
 * x̂ = (x − μ)/√(σ² + ε); backward dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))/√(σ² + ε) with ĝ = dy·g,
 * dg = Σₙ dy·x̂, db = Σₙ dy.
 */
export function layerNorm(eps = 1e-5): (x: TF.Tensor2D, g: TF.Variable, b: TF.Variable) => TF.Tensor2D {
  const f = tf.customGrad(((x: TF.Tensor2D, g: TF.Tensor1D, b: TF.Tensor1D, save: TF.GradSaveFunc) => {
    const { mean, variance } = tf.moments(x, -1, true)
    const rstd = tf.rsqrt(tf.add(variance, eps))
    const xhat = tf.mul(tf.sub(x, mean), rstd)
    save([xhat, rstd])
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
        const [sx, sr] = saved as [TF.Tensor2D, TF.Tensor2D]
        const gh = tf.mul(dy, g) // g: a variable, closed over (save would copy it)
        const dx = tf.mul(tf.sub(tf.sub(gh, tf.mean(gh, -1, true)), tf.mul(sx, tf.mean(tf.mul(gh, sx), -1, true))), sr)
        return [dx, columnSum(tf.mul(dy, sx) as TF.Tensor2D), columnSum(dy)]
      },
    }
  }) as unknown as GradFn)
  return f as unknown as (x: TF.Tensor2D, g: TF.Variable, b: TF.Variable) => TF.Tensor2D
}

/**
 * Causal softmax attention of q, k, v [N, T, dh] (N = batch·heads): o = A·v with
 * A = softmax(q·kᵀ·scale + M), M the additive causal mask [T, T]. Backward: dA = do·vᵀ,
 * dv = Aᵀ·do, dS = A ⊙ (dA − rowsum(dA ⊙ A))·scale, dq = dS·k, dk = dSᵀ·q.
 */
export function causalAttention(scale: number): (q: TF.Tensor3D, k: TF.Tensor3D, v: TF.Tensor3D, mask: TF.Tensor2D) => TF.Tensor3D {
  const f = tf.customGrad(((q: TF.Tensor3D, k: TF.Tensor3D, v: TF.Tensor3D, mask: TF.Tensor2D, save: TF.GradSaveFunc) => {
    // The scale multiplies q [N, T, dh] rather than the scores [N, T, T] (fewer entries; for
    // dh a power of 4 the scale is a power of 2 and the rounding is the same).
    const att = tf.softmax(tf.add(tf.matMul(tf.mul(q, scale), k, false, true), mask)) as TF.Tensor3D
    save([q, k, v, att])
    return {
      value: tf.matMul(att, v),
      gradFunc: (dout: TF.Tensor3D, saved: TF.Tensor[]) => {
        const [sq, sk, sv, sa] = saved as [TF.Tensor3D, TF.Tensor3D, TF.Tensor3D, TF.Tensor3D]
        const dA = tf.matMul(dout, sv, false, true)
        const dv = tf.matMul(sa, dout, true, false)
        const dS = tf.mul(tf.mul(sa, tf.sub(dA, tf.sum(tf.mul(dA, sa), -1, true))), scale) as TF.Tensor3D
        return [tf.matMul(dS, sk), tf.matMul(dS, sq, true, false), dv, tf.zerosLike(mask)]
      },
    }
  }) as unknown as GradFn)
  return f as unknown as (q: TF.Tensor3D, k: TF.Tensor3D, v: TF.Tensor3D, mask: TF.Tensor2D) => TF.Tensor3D
}
