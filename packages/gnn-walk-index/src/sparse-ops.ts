import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { assertOperator, spmm, transposeOperator, type SparseFeatures, type SparseOperator } from './propagation'

const transposes = new WeakMap<SparseOperator, SparseOperator>()

/**
 * Sparse–dense product P X as a differentiable tfjs op (tf.customGrad, computed in JS on the
 * tensors' data): the forward is P X, the gradient is Pᵀ dY (Pᵀ is built once per operator, on the
 * first backward pass, and equals P for the symmetric 'sym' and 'sum' matrices). The root entry's
 * `sparseMatMul` is the same product in float64.
 * @example
 * await initTf()
 * const y = sparseMatMul(propagationMatrix(graph, 'mean'), tf.ones([graph.numNodes, 4])) // (D̂⁻¹Â) X
 */
export function sparseMatMul(P: SparseOperator, x: TF.Tensor): TF.Tensor2D {
  assertOperator(P)
  if (x.rank !== 2) throw new Error(`x: expected a rank-2 tensor, got rank ${x.rank}`)
  const n = P.n
  if (x.shape[0] !== n) throw new Error(`x: expected ${n} rows, got ${x.shape[0]}`)
  const op = tf.customGrad((...args: Array<TF.Tensor | TF.GradSaveFunc>) => {
    const input = args[0] as TF.Tensor
    const d = input.shape[1] as number
    const out = new Float32Array(n * d)
    spmm(P, input.dataSync() as Float32Array, out, d)
    return {
      value: tf.tensor2d(out, [n, d]) as TF.Tensor,
      gradFunc: (dy: TF.Tensor) => {
        let Pt = transposes.get(P)
        if (!Pt) { Pt = transposeOperator(P); transposes.set(P, Pt) }
        const g = new Float32Array(n * d)
        spmm(Pt, dy.dataSync() as Float32Array, g, d)
        return tf.tensor2d(g, [n, d])
      },
    }
  })
  return op(x) as TF.Tensor2D
}

/**
 * X W for a constant sparse X (CSR) and a weight tensor W, differentiable in W (tf.customGrad,
 * computed in JS): forward X W, gradient ∂/∂W = Xᵀ dY. The first layer of a GNN on bag-of-words
 * features costs nnz(X)·width instead of rows·cols·width.
 * @example
 * await initTf()
 * const X = toSparseFeatures(Float32Array.from([1, 0, 0, 2]), 2, 2)
 * const h = sparseFeatureMatMul(X, tf.variable(tf.ones([2, 3]))) // [[1, 1, 1], [2, 2, 2]]
 */
export function sparseFeatureMatMul(X: SparseFeatures, W: TF.Tensor): TF.Tensor2D {
  if (!X || !(X.offsets instanceof Int32Array) || !(X.columns instanceof Int32Array) || X.offsets.length !== X.rows + 1) {
    throw new Error('X: expected sparse features from toSparseFeatures()')
  }
  if (W.rank !== 2) throw new Error(`W: expected a rank-2 tensor, got rank ${W.rank}`)
  if (W.shape[0] !== X.cols) throw new Error(`W: expected ${X.cols} rows, got ${W.shape[0]}`)
  const width = W.shape[1] as number
  const op = tf.customGrad((...args: Array<TF.Tensor | TF.GradSaveFunc>) => {
    const w = args[0] as TF.Tensor
    const wd = w.dataSync() as Float32Array
    const out = new Float32Array(X.rows * width)
    const { offsets, columns, values } = X
    if (width <= 16) {
      // narrow outputs (softmax regression): dot products against the columns of W
      const wt = new Float32Array(X.cols * width)
      for (let c = 0; c < X.cols; c++) for (let k = 0; k < width; k++) wt[k * X.cols + c] = wd[c * width + k]!
      for (let r = 0; r < X.rows; r++) {
        const a = offsets[r]!
        const b = offsets[r + 1]!
        for (let k = 0; k < width; k++) {
          const off = k * X.cols
          let s = 0
          for (let j = a; j < b; j++) s += values[j]! * wt[off + columns[j]!]!
          out[r * width + k] = s
        }
      }
    } else {
      for (let r = 0; r < X.rows; r++) {
        const base = r * width
        for (let j = offsets[r]!; j < offsets[r + 1]!; j++) {
          const v = values[j]!
          const wb = columns[j]! * width
          for (let k = 0; k < width; k++) out[base + k] = out[base + k]! + v * wd[wb + k]!
        }
      }
    }
    return {
      value: tf.tensor2d(out, [X.rows, width]) as TF.Tensor,
      gradFunc: (dy: TF.Tensor) => {
        const g = dy.dataSync() as Float32Array
        const gw = new Float32Array(X.cols * width)
        for (let r = 0; r < X.rows; r++) {
          const base = r * width
          for (let j = X.offsets[r]!; j < X.offsets[r + 1]!; j++) {
            const v = X.values[j]!
            const wb = X.columns[j]! * width
            for (let k = 0; k < width; k++) gw[wb + k] = gw[wb + k]! + v * g[base + k]!
          }
        }
        return tf.tensor2d(gw, [X.cols, width])
      },
    }
  })
  return op(W) as TF.Tensor2D
}

/** @internal A constant sparse matrix uploaded once to the tfjs backend, applied with differentiable products. */
export interface PreparedSparse {
  /** S x for x of shape cols × width (differentiable in x). Call inside tf.tidy. */
  apply(x: TF.Tensor): TF.Tensor2D
  /** Free the index tensors. */
  dispose(): void
}

/** Rows of S = diag(rowScale) B diag(colScale) with B a 0/1 pattern (CSR), as segment-sum inputs. */
interface ScaledPattern {
  rows: number
  cols: number
  offsets: Int32Array
  columns: Int32Array
  rowScale: Float32Array
  colScale: Float32Array
}

/** Row index of every stored entry of a CSR matrix (sorted, as segment ids must be). */
function rowIds(offsets: Int32Array, nnz: number): Int32Array {
  const ids = new Int32Array(nnz)
  for (let r = 0; r + 1 < offsets.length; r++) ids.fill(r, offsets[r]!, offsets[r + 1]!)
  return ids
}

/** The pattern of a CSR matrix transposed (CSR of Bᵀ). */
function transposePattern(p: ScaledPattern): ScaledPattern {
  const counts = new Int32Array(p.cols + 1)
  for (let i = 0; i < p.columns.length; i++) counts[p.columns[i]! + 1]!++
  for (let c = 0; c < p.cols; c++) counts[c + 1]! += counts[c]!
  const fill = counts.slice(0, p.cols)
  const columns = new Int32Array(p.columns.length)
  for (let r = 0; r < p.rows; r++) for (let i = p.offsets[r]!; i < p.offsets[r + 1]!; i++) columns[fill[p.columns[i]!]!++] = r
  return { rows: p.cols, cols: p.rows, offsets: counts, columns, rowScale: p.colScale, colScale: p.rowScale }
}

/**
 * S x through the backend's SparseSegmentSum (one C++ kernel on wasm instead of a JS loop and two
 * copies): S x = rowScale ⊙ segmentSum(gather(colScale ⊙ x, columns), rowIds), with the transpose
 * pattern for the gradient Sᵀ dY.
 */
function segmentOperator(p: ScaledPattern, pt: ScaledPattern): PreparedSparse {
  const side = (q: ScaledPattern) => {
    const nnz = q.columns.length
    const last = nnz > 0 ? rowIds(q.offsets, nnz) : new Int32Array(0)
    return {
      rows: q.rows,
      filled: nnz > 0 ? last[nnz - 1]! + 1 : 0,
      indices: tf.tensor1d(q.columns, 'int32'),
      segments: tf.tensor1d(last, 'int32'),
      rowScale: tf.tensor2d(q.rowScale, [q.rows, 1]),
      colScale: tf.tensor2d(q.colScale, [q.cols, 1]),
    }
  }
  const fwd = side(p)
  const bwd = side(pt)
  const run = (s: ReturnType<typeof side>, x: TF.Tensor2D): TF.Tensor2D => {
    const width = x.shape[1]
    if (s.filled === 0) return tf.zeros([s.rows, width])
    let y = tf.sparse.sparseSegmentSum(tf.mul(x, s.colScale), s.indices, s.segments) as TF.Tensor2D
    // SparseSegmentSum stops at the last non-empty row; empty rows in between are zeros.
    if (s.filled < s.rows) y = tf.pad(y, [[0, s.rows - s.filled], [0, 0]])
    return tf.mul(y, s.rowScale) as TF.Tensor2D
  }
  const op = tf.customGrad((...args: Array<TF.Tensor | TF.GradSaveFunc>) => ({
    value: run(fwd, args[0] as TF.Tensor2D) as TF.Tensor,
    gradFunc: (dy: TF.Tensor) => run(bwd, dy as TF.Tensor2D),
  }))
  return {
    apply(x) {
      if (x.rank !== 2 || x.shape[0] !== p.cols) throw new Error(`x: expected a rank-2 tensor with ${p.cols} rows, got shape [${x.shape.join(', ')}]`)
      return op(x) as TF.Tensor2D
    },
    dispose() {
      for (const s of [fwd, bwd]) for (const t of [s.indices, s.segments, s.rowScale, s.colScale]) t.dispose()
    },
  }
}

/**
 * Upload a propagation matrix from {@link propagationMatrix} once: `apply(x)` is P x, differentiable,
 * computed by the backend's segment sum (P = diag(r) B diag(c) with B the 0/1 pattern of Â, symmetric).
 * Falls back to {@link sparseMatMul} for an operator whose values do not factor that way.
 * @internal
 */
export function prepareOperator(P: SparseOperator): PreparedSparse {
  const { n, offsets, columns, values } = P
  // Recover r and c from the diagonal (self loops): P_vv = r_v c_v and P_vu = r_v c_u; take c_u = √P_uu·s.
  const diag = new Float64Array(n)
  let ok = true
  for (let v = 0; v < n && ok; v++) {
    let found = false
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) if (columns[i] === v) { diag[v] = values[i]!; found = true }
    ok = found && diag[v]! > 0
  }
  if (ok) {
    // Try the symmetric factorization r = c = √diag (GCN), then r = diag, c = 1 (mean), then r = c = 1 (sum).
    for (const [r, c] of [
      [diag.map(Math.sqrt), diag.map(Math.sqrt)],
      [diag, new Float64Array(n).fill(1)],
      [new Float64Array(n).fill(1), new Float64Array(n).fill(1)],
    ] as const) {
      let fits = true
      for (let v = 0; v < n && fits; v++) {
        for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
          const expect = r[v]! * c[columns[i]!]!
          if (Math.abs(values[i]! - expect) > 1e-9 * Math.max(1, Math.abs(expect))) { fits = false; break }
        }
      }
      if (fits) {
        const p: ScaledPattern = { rows: n, cols: n, offsets, columns, rowScale: Float32Array.from(r), colScale: Float32Array.from(c) }
        return segmentOperator(p, transposePattern(p))
      }
    }
  }
  return { apply: (x) => sparseMatMul(P, x), dispose: () => undefined }
}

/**
 * Upload constant sparse features once: `apply(W)` is X W, differentiable in W. Features whose stored
 * values are constant along each row (binary bag-of-words, raw or row-normalized) run on the backend's
 * segment sum; others fall back to {@link sparseFeatureMatMul}.
 * @internal
 */
export function prepareFeatures(X: SparseFeatures): PreparedSparse {
  const { rows, cols, offsets, columns, values } = X
  const rowScale = new Float32Array(rows)
  let ok = values.length > 0
  for (let r = 0; r < rows && ok; r++) {
    const a = offsets[r]!
    rowScale[r] = a < offsets[r + 1]! ? values[a]! : 0
    for (let i = a + 1; i < offsets[r + 1]!; i++) if (values[i] !== rowScale[r]) { ok = false; break }
  }
  if (!ok) return { apply: (W) => sparseFeatureMatMul(X, W), dispose: () => undefined }
  const p: ScaledPattern = { rows, cols, offsets, columns, rowScale, colScale: new Float32Array(cols).fill(1) }
  return segmentOperator(p, transposePattern(p))
}
