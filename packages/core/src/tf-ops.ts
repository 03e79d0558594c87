import type * as TF from '@tensorflow/tfjs'
import type { OptimizerSpec } from './optim'
import { tfjs } from './tf-engine'
import { assertPositive } from './validate'

type GradFn = Parameters<typeof TF.customGrad>[0]

const linears = new WeakMap<typeof TF, (x: TF.Tensor, w: TF.Tensor) => TF.Tensor2D>()

/**
 * The product y = x·w of activations x [N, m] (rank 2) and a weight w [m, n] (a variable, or any tensor that
 * outlives the step), with gradients dx = dy·wᵀ and dw = xᵀ·dy built from explicit transposes and
 * plain matMuls. On the wasm backend a matMul with a transposed operand is ~10× slower than an
 * explicit transpose followed by a plain matMul; the narrower operand is the one transposed
 * (dw = (dyᵀ·x)ᵀ when x is wider than dy). w is closed over rather than saved, since tfjs copies
 * every saved tensor. The op is built once per engine, on first use.
 * @example const y = linear(x, w) // differentiable in x and w
 */
export function linear(x: TF.Tensor, w: TF.Tensor): TF.Tensor2D {
  const tf = tfjs()
  let op = linears.get(tf)
  if (!op) {
    const f = tf.customGrad(((x: TF.Tensor2D, w: TF.Tensor2D, save: TF.GradSaveFunc) => {
      save([x])
      return {
        value: tf.matMul(x, w),
        gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
          const sx = saved[0] as TF.Tensor2D
          return [
            tf.matMul(dy, tf.transpose(w)),
            sx.shape[1] <= dy.shape[1] ? tf.matMul(tf.transpose(sx), dy) : tf.transpose(tf.matMul(tf.transpose(dy), sx)),
          ]
        },
      }
    }) as unknown as GradFn)
    op = f as unknown as (x: TF.Tensor, w: TF.Tensor) => TF.Tensor2D
    linears.set(tf, op)
  }
  return op(x, w)
}

/**
 * Build the tfjs optimizer for core's optimizer spec (the same option names), for the tfjs track.
 * groupRmsprop and adaptiveGd have no tfjs counterpart and throw.
 * @example const opt = tfOptimizer({ type: 'adam', lr: 1e-3 })
 */
export function tfOptimizer(spec: OptimizerSpec): TF.Optimizer {
  const tf = tfjs()
  switch (spec.type) {
    case 'gd': assertPositive('lr', spec.lr); return tf.train.sgd(spec.lr)
    case 'momentum': assertPositive('lr', spec.lr); return tf.train.momentum(spec.lr, spec.beta ?? 0.9, spec.nesterov ?? false)
    case 'adam': assertPositive('lr', spec.lr); return tf.train.adam(spec.lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999, spec.eps ?? 1e-8)
    case 'groupRmsprop':
    case 'adaptiveGd': throw new Error(`optimizer: '${spec.type}' exists on the float64 track only`)
    default: throw new Error(`optimizer: unknown type '${String((spec as { type: unknown }).type)}'`)
  }
}
