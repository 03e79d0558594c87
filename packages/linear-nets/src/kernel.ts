/**
 * The float64 engine behind the training functions (internal): forward products and chain-rule
 * gradients of a deep linear net stored as row-major `Float64Array` layers, with every buffer
 * allocated once. Layer j (0-based) has shape dims[j+1] × dims[j].
 */
import { dot, matmul, matmulNT, matmulTN, transpose } from '@theoryml/core'

/** Observed entries of a matrix, as parallel arrays. */
export interface EntryList {
  rows: Int32Array
  cols: Int32Array
  values: Float64Array
}

/** Forward products and chain-rule gradients of one deep linear net shape, on buffers allocated once. */
export class DeepLinearKernel {
  readonly depth: number
  /** prefix[j] = W_j ⋯ W_0 (dims[j+1] × d₀) for j ≥ 1; prefix[0] is the layer itself. */
  private readonly prefix: Float64Array[]
  private readonly bufA: Float64Array
  private readonly bufB: Float64Array
  /** Transposed copy of prefix[N−2] (d₀ × d_{N−1}) and of the sparse back-propagated D. */
  private readonly prefixT: Float64Array
  private readonly dT: Float64Array
  /** Scratch for Bᵀ in A·Bᵀ products. */
  private readonly scratch: Float64Array
  /** ∂ℓ/∂W at the product (d_N × d₀), for the dense path. */
  readonly gradProduct: Float64Array
  /** Predictions at observed entries, for the sparse path. */
  private pred: Float64Array = new Float64Array(0)

  constructor(readonly dims: readonly number[]) {
    this.depth = dims.length - 1
    const d0 = dims[0] as number
    let maxWidth = 0
    for (const d of dims) maxWidth = Math.max(maxWidth, d)
    this.prefix = dims.slice(1).map((d, j) => (j === 0 ? new Float64Array(0) : new Float64Array(d * d0)))
    this.bufA = new Float64Array(maxWidth * d0)
    this.bufB = new Float64Array(maxWidth * d0)
    const h = dims[this.depth - 1] as number
    this.prefixT = new Float64Array(d0 * h)
    this.dT = new Float64Array(d0 * h)
    this.scratch = new Float64Array(maxWidth * d0)
    this.gradProduct = new Float64Array((dims[this.depth] as number) * d0)
  }

  private pre(ws: readonly Float64Array[], j: number): Float64Array {
    return j === 0 ? (ws[0] as Float64Array) : (this.prefix[j] as Float64Array)
  }

  /** prefix[j] = W_j ⋯ W_0 for j = 1 … upTo. */
  private forward(ws: readonly Float64Array[], upTo: number): void {
    const d0 = this.dims[0] as number
    for (let j = 1; j <= upTo; j++) {
      matmul(this.prefix[j] as Float64Array, ws[j] as Float64Array, this.pre(ws, j - 1), this.dims[j + 1] as number, this.dims[j] as number, d0)
    }
  }

  /** The product W_{N−1} ⋯ W_0 (d_N × d₀); a view on an internal buffer (or layer 0 when N = 1). */
  product(ws: readonly Float64Array[]): Float64Array {
    this.forward(ws, this.depth - 1)
    return this.pre(ws, this.depth - 1)
  }

  /**
   * Back-propagate D (∂ℓ/∂(W_{top}⋯W_0), dims[top+1] × d₀, in `D`) into the gradients of layers
   * top … 0, given the prefixes. `D` must be bufA or bufB.
   */
  private backward(ws: readonly Float64Array[], grads: readonly Float64Array[], top: number, D: Float64Array): void {
    const d0 = this.dims[0] as number
    let cur = D
    let other = cur === this.bufA ? this.bufB : this.bufA
    for (let j = top; j >= 0; j--) {
      const rows = this.dims[j + 1] as number
      const cols = this.dims[j] as number
      const g = grads[j] as Float64Array
      if (j === 0) {
        g.set(cur.subarray(0, rows * d0))
      } else {
        matmulNT(g, cur, this.pre(ws, j - 1), rows, d0, cols, this.scratch)
        matmulTN(other, ws[j] as Float64Array, cur, cols, rows, d0)
        const t = cur
        cur = other
        other = t
      }
    }
  }

  /**
   * Dense path: loss ℓ(P) and ∂ℓ/∂P from `lossOfProduct(P, G)` (which overwrites G), then the
   * layer gradients ∂ℓ/∂W_j = (W_N⋯W_{j+1})ᵀ G (W_{j−1}⋯W_1)ᵀ into `grads`.
   */
  denseLossAndGrad(ws: readonly Float64Array[], grads: readonly Float64Array[], lossOfProduct: (P: Float64Array, G: Float64Array) => number): number {
    const P = this.product(ws)
    const loss = lossOfProduct(P, this.gradProduct)
    this.bufA.set(this.gradProduct)
    this.backward(ws, grads, this.depth - 1, this.bufA)
    return loss
  }

  /**
   * Sparse path for completion: ℓ = ½ Σ_k (P[r_k, c_k] − b_k)², touching the product only at the
   * observed entries: P[r, c] = W_{N−1}[r, :] · (W_{N−2}⋯W_0)[:, c].
   */
  sparseLossAndGrad(ws: readonly Float64Array[], grads: readonly Float64Array[], obs: EntryList): number {
    const N = this.depth
    const d0 = this.dims[0] as number
    const M = obs.values.length
    if (this.pred.length !== M) this.pred = new Float64Array(M)
    const pred = this.pred
    const { rows, cols, values } = obs
    if (N === 1) {
      const W = ws[0] as Float64Array
      const g = grads[0] as Float64Array
      g.fill(0)
      let loss = 0
      for (let k = 0; k < M; k++) {
        const idx = (rows[k] as number) * d0 + (cols[k] as number)
        const r = (W[idx] as number) - (values[k] as number)
        loss += r * r
        g[idx] = (g[idx] as number) + r
      }
      return 0.5 * loss
    }
    const h = this.dims[N - 1] as number
    this.forward(ws, N - 2)
    // The prefix transposed, so that its column c is the contiguous row c of prefixT.
    const Q = this.pre(ws, N - 2)
    const QT = this.prefixT
    transpose(QT, Q, h, d0)
    const top = ws[N - 1] as Float64Array
    let loss = 0
    for (let k = 0; k < M; k++) {
      const a = (rows[k] as number) * h
      const b = (cols[k] as number) * h
      const r = dot(top, a, QT, b, h) - (values[k] as number)
      pred[k] = r
      loss += r * r
    }
    // ∂ℓ/∂W_{N−1} = G Qᵀ and Dᵀ = (W_{N−1}ᵀ G)ᵀ = Gᵀ W_{N−1}, with G sparse (the residuals).
    const gTop = grads[N - 1] as Float64Array
    gTop.fill(0)
    const DT = this.dT
    DT.fill(0)
    for (let k = 0; k < M; k++) {
      const r = pred[k] as number
      const a = (rows[k] as number) * h
      const b = (cols[k] as number) * h
      if (k + 1 < M && rows[k + 1] === rows[k]) {
        // Two entries of the same row share the loads and stores of that row.
        const r1 = pred[k + 1] as number
        const b1 = (cols[k + 1] as number) * h
        for (let c = 0; c < h; c++) {
          const t = top[a + c] as number
          gTop[a + c] = (gTop[a + c] as number) + r * (QT[b + c] as number) + r1 * (QT[b1 + c] as number)
          DT[b + c] = (DT[b + c] as number) + r * t
          DT[b1 + c] = (DT[b1 + c] as number) + r1 * t
        }
        k++
        continue
      }
      for (let c = 0; c < h; c++) {
        gTop[a + c] = (gTop[a + c] as number) + r * (QT[b + c] as number)
        DT[b + c] = (DT[b + c] as number) + r * (top[a + c] as number)
      }
    }
    const D = this.bufA
    transpose(D, DT, d0, h)
    this.backward(ws, grads, N - 2, D)
    return 0.5 * loss
  }
}
