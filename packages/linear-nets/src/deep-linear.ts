/**
 * Deep linear networks x ↦ W_N ⋯ W_1 x: initialization, the end-to-end matrix, layer gradients by the
 * chain rule, and balancedness (Cohen & Razin, lecture notes on linear neural networks; Arora, Cohen,
 * Hazan 2018).
 */
import { assertFinite, assertInteger, assertKnownOptions, dmath, Matrix, type MatrixLike, resolveRng, type Rng, svd, toMatrix } from '@theoryml/core'

/** The initialization schemes of {@link initDeepLinear}. */
export type DeepLinearInit = 'gaussian' | 'balanced' | 'identity' | 'orthogonal'

/** Options of {@link initDeepLinear}. */
export interface InitDeepLinearOptions {
  /** Layer widths d₀ (input) … d_N (output); depth N = dims.length − 1 ≥ 1. */
  dims: readonly number[]
  /** Scheme (default 'gaussian'). */
  init?: DeepLinearInit
  /**
   * Scale: the standard deviation for 'gaussian', the Frobenius norm of the random end-to-end matrix
   * for 'balanced', the multiplier of I or of the orthogonal matrix for 'identity' / 'orthogonal'.
   * Default 1e-3 for 'gaussian' and 'balanced', 1 for 'identity' and 'orthogonal'.
   */
  scale?: number
  /** A seed or a stream from core's createRng (default seed 0). */
  rng?: Rng | number
}

const INIT_KINDS: readonly DeepLinearInit[] = ['gaussian', 'balanced', 'identity', 'orthogonal']

/**
 * Default scale of each init (one place): small for 'gaussian' and 'balanced' (the small-init regime
 * of the theory), 1 for 'identity' and 'orthogonal'.
 * @example DEFAULT_INIT_SCALE.balanced // 1e-3
 */
export const DEFAULT_INIT_SCALE: Readonly<Record<DeepLinearInit, number>> = { gaussian: 1e-3, balanced: 1e-3, identity: 1, orthogonal: 1 }

/**
 * Check layer widths: at least two positive integers.
 * @internal
 */
export function checkDims(name: string, dims: unknown): number[] {
  if (!Array.isArray(dims)) throw new Error(`${name}: expected an array of layer widths [d0, …, dN], got ${typeof dims}`)
  if (dims.length < 2) throw new Error(`${name}: expected at least two widths (depth ≥ 1), got ${dims.length}`)
  dims.forEach((d, k) => assertInteger(`${name}[${k}]`, d, { min: 1 }))
  return [...(dims as number[])]
}

/**
 * Validate the layers of a deep linear net: a non-empty list of finite matrices whose shapes chain,
 * W_{j+1}.columns = W_j.rows.
 * @internal
 */
export function toWeights(name: string, weights: unknown): Matrix[] {
  if (!Array.isArray(weights)) throw new Error(`${name}: expected an array of matrices [W1, …, WN], got ${typeof weights}`)
  if (weights.length < 1) throw new Error(`${name}: expected depth ≥ 1 (at least one matrix), got an empty array`)
  const ws = weights.map((w, j) => toMatrix(`${name}[${j}]`, w))
  for (let j = 1; j < ws.length; j++) {
    const prev = ws[j - 1] as Matrix
    const cur = ws[j] as Matrix
    if (cur.columns !== prev.rows) {
      throw new Error(`${name}[${j}]: expected ${prev.rows} columns to chain with ${name}[${j - 1}] (${prev.rows}x${prev.columns}), got ${cur.rows}x${cur.columns}`)
    }
  }
  return ws
}

function gaussian(rng: Rng, rows: number, cols: number, std: number): Matrix {
  const m = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.normal(0, std))
  return m
}

/** A Haar-random matrix with orthonormal rows or columns: UVᵀ from the SVD of a Gaussian matrix. */
function semiOrthogonal(rng: Rng, rows: number, cols: number): Matrix {
  const { U, V } = svd(gaussian(rng, rows, cols, 1))
  return U.mmul(V.transpose())
}

/**
 * Initialize a deep linear net W₁ … W_N, W_j of shape dims[j] × dims[j−1].
 * - 'gaussian': i.i.d. N(0, scale²) entries.
 * - 'balanced' (Arora, Cohen, Hazan 2018): draw A (d_N × d₀) Gaussian with ‖A‖_F = scale, A = UΣVᵀ;
 *   W_N = UΣ^{1/N}, W_j = Σ^{1/N} (1 < j < N), W₁ = Σ^{1/N}Vᵀ (zero-padded to the widths; hidden
 *   widths below min(d₀, d_N) keep the top singular values). Then W_{j+1}ᵀW_{j+1} = W_jW_jᵀ and
 *   W_N⋯W₁ = A.
 * - 'identity': scale · I (rectangular identity).
 * - 'orthogonal': scale · Q with Q Haar-random with orthonormal rows or columns.
 * @example const ws = initDeepLinear({ dims: [5, 5, 5, 5], init: 'balanced', scale: 1, rng: 0 })
 */
export function initDeepLinear(options: InitDeepLinearOptions): Matrix[] {
  assertKnownOptions('initDeepLinear', options, ['dims', 'init', 'scale', 'rng'])
  if (!options || typeof options !== 'object') throw new Error('initDeepLinear: expected an options object { dims, init, scale, rng }')
  const dims = checkDims('dims', options.dims)
  const init = options.init ?? 'gaussian'
  if (!INIT_KINDS.includes(init)) throw new Error(`init: expected one of ${INIT_KINDS.join(', ')}, got '${String(init)}'`)
  const scale = options.scale ?? DEFAULT_INIT_SCALE[init]
  assertFinite('scale', scale)
  if (scale < 0) throw new Error(`scale: expected a non-negative number, got ${scale}`)
  const rng = resolveRng(options.rng)
  const N = dims.length - 1
  const shapeOf = (j: number): [number, number] => [dims[j + 1] as number, dims[j] as number]
  if (init === 'gaussian') return Array.from({ length: N }, (_, j) => gaussian(rng, ...shapeOf(j), scale))
  if (init === 'identity') return Array.from({ length: N }, (_, j) => Matrix.eye(...shapeOf(j)).mul(scale))
  if (init === 'orthogonal') return Array.from({ length: N }, (_, j) => semiOrthogonal(rng, ...shapeOf(j)).mul(scale))
  // balanced
  const d0 = dims[0] as number
  const dN = dims[N] as number
  const A = gaussian(rng, dN, d0, 1)
  const norm = A.norm('frobenius')
  if (norm > 0) A.mul(scale / norm)
  if (N === 1) return [A]
  const { U, S, V } = svd(A)
  let r = S.length
  for (let j = 1; j < N; j++) r = Math.min(r, dims[j] as number)
  const root = Array.from(S.subarray(0, r), (s) => dmath.pow(s, 1 / N))
  const ws: Matrix[] = []
  for (let j = 0; j < N; j++) {
    const [rows, cols] = shapeOf(j)
    const W = new Matrix(rows, cols)
    for (let c = 0; c < r; c++) {
      const s = root[c] as number
      if (j === 0) for (let i = 0; i < cols; i++) W.set(c, i, s * V.get(i, c))
      else if (j === N - 1) for (let i = 0; i < rows; i++) W.set(i, c, U.get(i, c) * s)
      else W.set(c, c, s)
    }
    ws.push(W)
  }
  return ws
}

/**
 * The end-to-end matrix of a deep linear net: W = W_N ⋯ W₁ (d_N × d₀).
 * @example endToEnd([[[2]], [[3]]]).get(0, 0) // 6
 */
export function endToEnd(weights: readonly MatrixLike[]): Matrix {
  const ws = toWeights('weights', weights)
  let P = (ws[0] as Matrix).clone()
  for (let j = 1; j < ws.length; j++) P = (ws[j] as Matrix).mmul(P)
  return P
}

/**
 * The gradient of a loss ℓ(W_N⋯W₁) with respect to each layer, from ∇ = ∂ℓ/∂W at the product, by
 * the chain rule: ∂ℓ/∂W_j = (W_N⋯W_{j+1})ᵀ ∇ (W_{j−1}⋯W₁)ᵀ.
 * @example const [g1, g2] = layerGrad([W1, W2], gradW) // g1 = W2ᵀ∇, g2 = ∇W1ᵀ
 */
export function layerGrad(weights: readonly MatrixLike[], gradW: MatrixLike): Matrix[] {
  const ws = toWeights('weights', weights)
  const N = ws.length
  const G = toMatrix('gradW', gradW, { rows: (ws[N - 1] as Matrix).rows, columns: (ws[0] as Matrix).columns })
  // prefix[j] = W_j ⋯ W₁ (prefix[0] = I implied); backward pass D_j = (W_N⋯W_{j+1})ᵀ ∇.
  const prefix: Matrix[] = [ws[0] as Matrix]
  for (let j = 1; j < N - 1; j++) prefix.push((ws[j] as Matrix).mmul(prefix[j - 1] as Matrix))
  const grads = new Array<Matrix>(N)
  let D = G.clone()
  for (let j = N - 1; j >= 0; j--) {
    grads[j] = j === 0 ? D : D.mmul((prefix[j - 1] as Matrix).transpose())
    if (j > 0) D = (ws[j] as Matrix).transpose().mmul(D)
  }
  return grads
}

/**
 * How far a net is from balanced: max_j ‖W_{j+1}ᵀW_{j+1} − W_jW_jᵀ‖_F (0 for depth 1). Gradient flow
 * conserves W_{j+1}ᵀW_{j+1} − W_jW_jᵀ; gradient descent drifts by O(η²) per step.
 * @example balancednessGap(initDeepLinear({ dims: [3, 3, 3], init: 'balanced', scale: 1 })) // ≈ 1e-16
 */
export function balancednessGap(weights: readonly MatrixLike[]): number {
  const ws = toWeights('weights', weights)
  let gap = 0
  for (let j = 0; j + 1 < ws.length; j++) {
    const a = ws[j + 1] as Matrix
    const b = ws[j] as Matrix
    const diff = a.transpose().mmul(a).sub(b.mmul(b.transpose()))
    gap = Math.max(gap, diff.norm('frobenius'))
  }
  return gap
}
