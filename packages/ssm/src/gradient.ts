import type { SequenceDataset } from './data'
import { assertSsm, type DiagonalSsm } from './ssm'

/** The gradient of the training loss with respect to a, b, c (each of length d). */
export interface SsmGrad {
  a: Float64Array
  b: Float64Array
  c: Float64Array
}

/**
 * Internal: a preallocated closed-form evaluator of the training loss of a diagonal SSM and its
 * gradient (float64, no allocation per call), the hot path of trainSsm. With k(j) = Σ_i c_i b_i a_i^j
 * and residuals r_s = Σ_t x_{s,t} k(L−1−t) − y_s (0-based t), the loss is the mean squared error
 * ℓ = (1/n) Σ_s r_s², and with g(j) = (2/n) Σ_s r_s x_{s,L−1−j}:
 * ∂ℓ/∂a_i = c_i b_i Σ_{j≥1} g(j) j a_i^{j−1}, ∂ℓ/∂b_i = c_i Σ_j g(j) a_i^j, ∂ℓ/∂c_i = b_i Σ_j g(j) a_i^j.
 * Only the gradients present in `grad` are written; without `grad` only the loss is computed.
 */
export function ssmObjective(
  data: SequenceDataset,
  dim: number,
): (a: Float64Array, b: Float64Array, c: Float64Array, grad?: Partial<SsmGrad>) => number {
  const { inputs: x, labels: y, count: n, length: L } = data
  const pw = new Float64Array(dim * L)
  const k = new Float64Array(L)
  const gk = new Float64Array(L)
  const r = new Float64Array(n)
  return (a, b, c, grad) => {
    // powers a_i^j and kernel k(j)
    k.fill(0)
    for (let i = 0; i < dim; i++) {
      const ai = a[i] as number
      const cb = (c[i] as number) * (b[i] as number)
      let p = 1
      const off = i * L
      for (let j = 0; j < L; j++) {
        pw[off + j] = p
        k[j] = (k[j] as number) + cb * p
        p *= ai
      }
    }
    let loss = 0
    for (let s = 0; s < n; s++) {
      let acc = -(y[s] as number)
      const off = s * L
      for (let t = 0; t < L; t++) acc += (x[off + t] as number) * (k[L - 1 - t] as number)
      r[s] = acc
      loss += acc * acc
    }
    loss /= n
    if (!grad) return loss
    gk.fill(0)
    const scale = 2 / n
    for (let s = 0; s < n; s++) {
      const rs = scale * (r[s] as number)
      if (rs === 0) continue
      const off = s * L
      for (let j = 0; j < L; j++) gk[j] = (gk[j] as number) + rs * (x[off + L - 1 - j] as number)
    }
    const { a: ga, b: gb, c: gc } = grad
    for (let i = 0; i < dim; i++) {
      const off = i * L
      let sa = 0
      let sp = 0
      for (let j = 0; j < L; j++) {
        const g = gk[j] as number
        sp += g * (pw[off + j] as number)
        if (j > 0) sa += g * j * (pw[off + j - 1] as number)
      }
      const bi = b[i] as number
      const ci = c[i] as number
      if (ga) ga[i] = ci * bi * sa
      if (gb) gb[i] = ci * sp
      if (gc) gc[i] = bi * sp
    }
    return loss
  }
}

/**
 * Training loss of a diagonal SSM on a dataset, the mean squared error
 * ℓ(a, b, c) = (1/n) Σ_s (C h_L(x_s) − y_s)² = (1/n) Σ_s (Σ_t x_{s,t} k(L−t) − y_s)², k(j) = Σ_i c_i b_i a_i^j.
 * @example ssmLoss(diagonalSsm({ a: [1], b: [1], c: [1] }), dataset({ teacher: lowDimTeacher(1), sequences: [[1, 0, 0]] })) // 0
 */
export function ssmLoss(ssm: DiagonalSsm, data: SequenceDataset): number {
  assertSsm('ssm', ssm)
  assertDataset('data', data)
  return ssmObjective(data, ssm.dim)(ssm.a, ssm.b, ssm.c)
}

/**
 * Training loss of a diagonal SSM (see {@link ssmLoss}) and its closed-form gradient: with residuals
 * r_s = ŷ_s − y_s and g(j) = (2/n) Σ_s r_s x_{s,L−j} (1-based t),
 * ∂ℓ/∂a_i = c_i b_i Σ_{j≥1} g(j) j a_i^{j−1}, ∂ℓ/∂b_i = c_i Σ_j g(j) a_i^j, ∂ℓ/∂c_i = b_i Σ_j g(j) a_i^j,
 * in O(nL + dL).
 * @example const { loss, grad } = ssmLossAndGrad(student, data); grad.a // ∂ℓ/∂a
 */
export function ssmLossAndGrad(ssm: DiagonalSsm, data: SequenceDataset): { loss: number; grad: SsmGrad } {
  assertSsm('ssm', ssm)
  assertDataset('data', data)
  const d = ssm.dim
  const grad: SsmGrad = { a: new Float64Array(d), b: new Float64Array(d), c: new Float64Array(d) }
  const loss = ssmObjective(data, d)(ssm.a, ssm.b, ssm.c, grad)
  return { loss, grad }
}

/** Check a dataset built by `dataset(…)`. */
export function assertDataset(name: string, data: unknown): asserts data is SequenceDataset {
  const d = data as SequenceDataset
  if (!d || typeof d !== 'object' || !(d.inputs instanceof Float64Array) || !(d.labels instanceof Float64Array)) {
    throw new Error(`${name}: expected a dataset from dataset({ teacher, sequences })`)
  }
  if (d.inputs.length !== d.count * d.length || d.labels.length !== d.count) {
    throw new Error(`${name}: inconsistent dataset (${d.count} sequences of length ${d.length}, ${d.inputs.length} inputs, ${d.labels.length} labels)`)
  }
}
