/**
 * End-to-end dynamics of a deep linear net (Arora, Cohen, Hazan 2018; Arora, Cohen, Hu, Luo 2019):
 * gradient flow on balanced layers moves the product W = W_N⋯W₁ by a preconditioned gradient, and its
 * singular values by σ̇_r = −N σ_r^{2−2/N} ⟨∇, u_r v_rᵀ⟩.
 */
import { assertInteger, assertKnownOptions, assertPositive, dmath, Matrix, type MatrixLike, svd, symmetricPower, toMatrix } from '@theoryml/core'

/** Options of {@link endToEndStep}. */
export interface EndToEndStepOptions {
  /** Depth N ≥ 1 of the (balanced) net whose product W is. */
  depth: number
  /** Learning rate η > 0. */
  lr: number
}

/**
 * The preconditioned direction P_W(∇) = Σ_{j=1}^{N} (WWᵀ)^{(j−1)/N} ∇ (WᵀW)^{(N−j)/N} (N = 1: ∇).
 * @internal
 */
export function endToEndDirection(W: Matrix, G: Matrix, depth: number): Matrix {
  if (depth === 1) return G.clone()
  const WWt = W.mmul(W.transpose())
  const WtW = W.transpose().mmul(W)
  const out = new Matrix(G.rows, G.columns)
  for (let j = 1; j <= depth; j++) {
    const left = j === 1 ? G : symmetricPower(WWt, (j - 1) / depth).mmul(G)
    out.add(j === depth ? left : left.mmul(symmetricPower(WtW, (depth - j) / depth)))
  }
  return out
}

/**
 * One step of the end-to-end dynamics that gradient descent on a balanced depth-N net induces on
 * its product (Arora, Cohen, Hazan 2018, Theorem 1):
 * W ← W − η Σ_{j=1}^{N} (WWᵀ)^{(j−1)/N} ∇ (WᵀW)^{(N−j)/N}, with ∇ = ∂ℓ/∂W at W.
 * Returns the new matrix (W is not modified).
 * @example endToEndStep([[2]], [[1]], { depth: 2, lr: 0.1 }) // [[2 − 0.1·2·2]] = [[1.6]]
 */
export function endToEndStep(W: MatrixLike, gradW: MatrixLike, options: EndToEndStepOptions): Matrix {
  assertKnownOptions('endToEndStep', options, ['depth', 'lr'])
  if (!options || typeof options !== 'object') throw new Error('endToEndStep: expected options { depth, lr }')
  const w = toMatrix('W', W)
  const g = toMatrix('gradW', gradW, { rows: w.rows, columns: w.columns })
  assertInteger('depth', options.depth, { min: 1 })
  assertPositive('lr', options.lr)
  return w.clone().sub(endToEndDirection(w, g, options.depth).mul(options.lr))
}

/**
 * Time derivatives of the singular values of the product under the end-to-end flow
 * (Arora, Cohen, Hu, Luo 2019, Theorem 3): σ̇_r = −N (σ_r²)^{1−1/N} ⟨∇, u_r v_rᵀ⟩, r = 1 … min(m, n),
 * in the order of the singular values (descending).
 * @example singularValueDynamics([[4, 0], [0, 1]], [[-1, 0], [0, 0]], 2) // [2·4·1, 0] = [8, 0]
 */
export function singularValueDynamics(W: MatrixLike, gradW: MatrixLike, depth: number): Float64Array {
  const w = toMatrix('W', W)
  const g = toMatrix('gradW', gradW, { rows: w.rows, columns: w.columns })
  assertInteger('depth', depth, { min: 1 })
  const { U, S, V } = svd(w)
  const GV = g.mmul(V)
  const out = new Float64Array(S.length)
  for (let r = 0; r < S.length; r++) {
    let proj = 0
    for (let i = 0; i < w.rows; i++) proj += U.get(i, r) * GV.get(i, r)
    const s = S[r] as number
    out[r] = -depth * dmath.pow(s * s, 1 - 1 / depth) * proj
  }
  return out
}
