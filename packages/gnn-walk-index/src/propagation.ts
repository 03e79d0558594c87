import { Matrix, toMatrix } from '@theoryml/core'
import { assertGraph } from './brand'
import type { Graph } from './graph'

/** A sparse symmetric propagation matrix P (n × n) in CSR form. */
export interface SparseOperator {
  n: number
  offsets: Int32Array
  columns: Int32Array
  values: Float64Array
}

/**
 * The GNN propagation matrix on the graph with self loops, Â = A + I:
 * 'sym' (GCN, Kipf & Welling 2017): P = D̂^{-1/2} Â D̂^{-1/2}; 'sum' (GIN, Xu et al. 2019): P = Â;
 * 'mean': P = D̂^{-1} Â (not symmetric). D̂ is the degree matrix of Â.
 * @example propagationMatrix(graph, 'sym').values
 */
export function propagationMatrix(graph: Graph, normalization: 'sym' | 'sum' | 'mean' = 'sym'): SparseOperator {
  assertGraph(graph)
  if (!['sym', 'sum', 'mean'].includes(normalization)) throw new Error(`normalization: expected 'sym', 'sum' or 'mean', got '${String(normalization)}'`)
  const n = graph.numNodes
  const { offsets, neighborList } = graph
  const dhat = new Float64Array(n)
  const rowLen = new Int32Array(n + 1)
  for (let v = 0; v < n; v++) {
    let c = 1
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) if (neighborList[i] !== v) c++
    dhat[v] = c
    rowLen[v + 1] = rowLen[v]! + c
  }
  const columns = new Int32Array(rowLen[n]!)
  const values = new Float64Array(rowLen[n]!)
  for (let v = 0; v < n; v++) {
    let j = rowLen[v]!
    const put = (u: number): void => {
      columns[j] = u
      values[j++] = normalization === 'sum' ? 1 : normalization === 'mean' ? 1 / dhat[v]! : 1 / Math.sqrt(dhat[v]! * dhat[u]!)
    }
    put(v)
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) if (neighborList[i] !== v) put(neighborList[i]!)
  }
  return { n, offsets: rowLen, columns, values }
}

/**
 * @internal out ← P X for a row-major n × d matrix X, allocation-free: the float64 product of the
 * root entry and the float32 one of the tfjs entry (out's type rounds each partial sum, as it stores it).
 */
export function spmm(P: SparseOperator, x: Float64Array | Float32Array, out: Float64Array | Float32Array, d: number): void {
  const { n, offsets, columns, values } = P
  out.fill(0, 0, n * d)
  for (let v = 0; v < n; v++) {
    const base = v * d
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
      const w = values[i]!
      const ub = columns[i]! * d
      for (let k = 0; k < d; k++) out[base + k] = out[base + k]! + w * x[ub + k]!
    }
  }
}

/**
 * Sparse–dense product P X in float64, (P X)_v = Σ_u P_vu X_u, for a propagation matrix P (CSR, from
 * {@link propagationMatrix}) and an n × d matrix X. `sparseMatMul` of `@theoryml/gnn-walk-index/tf`
 * is the same product as a differentiable tfjs op.
 * @example sparseMatMul(propagationMatrix(Graph.fromEdges(2, [[0, 1]]), 'sum'), [[1], [2]]).to2DArray() // [[3], [3]]
 */
export function sparseMatMul(P: SparseOperator, x: Matrix | readonly (readonly number[])[]): Matrix {
  assertOperator(P)
  const X = toMatrix('x', x)
  if (X.rows !== P.n) throw new Error(`x: expected ${P.n} rows (one per vertex), got ${X.rows}`)
  const d = X.columns
  const out = new Float64Array(P.n * d)
  spmm(P, Float64Array.from(X.to1DArray()), out, d)
  const y = new Matrix(P.n, d)
  for (let v = 0; v < P.n; v++) for (let k = 0; k < d; k++) y.set(v, k, out[v * d + k]!)
  return y
}

/** @internal Validate a sparse operator argument (CSR from propagationMatrix). */
export function assertOperator(P: SparseOperator, name = 'P'): void {
  if (!P || typeof P !== 'object' || !(P.offsets instanceof Int32Array) || !(P.columns instanceof Int32Array) || !(P.values instanceof Float64Array) || P.offsets.length !== P.n + 1 || P.columns.length !== P.values.length) {
    throw new Error(`${name}: expected a sparse operator from propagationMatrix()`)
  }
}

/** @internal The transpose of a sparse operator. */
export function transposeOperator(P: SparseOperator): SparseOperator {
  const { n, offsets, columns, values } = P
  const counts = new Int32Array(n + 1)
  for (let i = 0; i < columns.length; i++) counts[columns[i]! + 1]!++
  for (let v = 0; v < n; v++) counts[v + 1]! += counts[v]!
  const fill = counts.slice(0, n)
  const c2 = new Int32Array(columns.length)
  const v2 = new Float64Array(columns.length)
  for (let v = 0; v < n; v++) {
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
      const u = columns[i]!
      c2[fill[u]!] = v
      v2[fill[u]!++] = values[i]!
    }
  }
  return { n, offsets: counts, columns: c2, values: v2 }
}

/** A sparse row-major feature matrix (rows × cols) in CSR form, float32 values. */
export interface SparseFeatures {
  rows: number
  cols: number
  offsets: Int32Array
  columns: Int32Array
  values: Float32Array
}

/**
 * Compress a row-major dense matrix to CSR (zeros dropped).
 * @example const X = toSparseFeatures(Float32Array.from([1, 0, 0, 2]), 2, 2) // nnz 2
 */
export function toSparseFeatures(data: ArrayLike<number>, rows: number, cols: number): SparseFeatures {
  if (data.length !== rows * cols) throw new Error(`features: expected ${rows} × ${cols} = ${rows * cols} entries, got ${data.length}`)
  const offsets = new Int32Array(rows + 1)
  let nnz = 0
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++
  const columns = new Int32Array(nnz)
  const values = new Float32Array(nnz)
  let k = 0
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!
      if (v !== 0) { columns[k] = c; values[k++] = v }
    }
    offsets[r + 1] = k
  }
  return { rows, cols, offsets, columns, values }
}

/**
 * The rows `rows` of a CSR matrix, as a new CSR matrix.
 * @internal
 */
export function selectRows(X: SparseFeatures, rows: ArrayLike<number>): SparseFeatures {
  let nnz = 0
  for (let i = 0; i < rows.length; i++) nnz += X.offsets[rows[i]! + 1]! - X.offsets[rows[i]!]!
  const offsets = new Int32Array(rows.length + 1)
  const columns = new Int32Array(nnz)
  const values = new Float32Array(nnz)
  let k = 0
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    for (let j = X.offsets[r]!; j < X.offsets[r + 1]!; j++) { columns[k] = X.columns[j]!; values[k++] = X.values[j]! }
    offsets[i + 1] = k
  }
  return { rows: rows.length, cols: X.cols, offsets, columns, values }
}

/**
 * P^k X for a sparse X, kept sparse (row accumulators), in float64 during the hops: the linear
 * propagation baseline's precomputation at a cost of Σ_hops nnz(P)·(row nnz) instead of nnz(P)·d.
 * @example const Xk = propagateFeatures(propagationMatrix(graph), toSparseFeatures(x, n, d), 3)
 */
export function propagateFeatures(P: SparseOperator, X: SparseFeatures, hops: number): SparseFeatures {
  if (X.rows !== P.n) throw new Error(`X: expected ${P.n} rows, got ${X.rows}`)
  let offsets = X.offsets
  let columns = X.columns
  let values: Float64Array = Float64Array.from(X.values)
  const d = X.cols
  const acc = new Float64Array(d)
  const mark = new Int32Array(d).fill(-1)
  const list = new Int32Array(d)
  for (let h = 0; h < hops; h++) {
    let cap = Math.max(16, columns.length * 2)
    let oc = new Int32Array(cap)
    let ov = new Float64Array(cap)
    const oo = new Int32Array(P.n + 1)
    let k = 0
    for (let v = 0; v < P.n; v++) {
      let cnt = 0
      for (let i = P.offsets[v]!; i < P.offsets[v + 1]!; i++) {
        const w = P.values[i]!
        const u = P.columns[i]!
        for (let j = offsets[u]!; j < offsets[u + 1]!; j++) {
          const c = columns[j]!
          if (mark[c] !== v) { mark[c] = v; acc[c] = w * values[j]!; list[cnt++] = c } else acc[c] = acc[c]! + w * values[j]!
        }
      }
      if (k + cnt > cap) {
        while (k + cnt > cap) cap *= 2
        const nc = new Int32Array(cap); nc.set(oc.subarray(0, k)); oc = nc
        const nv = new Float64Array(cap); nv.set(ov.subarray(0, k)); ov = nv
      }
      for (let a = 0; a < cnt; a++) { const c = list[a]!; oc[k] = c; ov[k++] = acc[c]! }
      oo[v + 1] = k
    }
    mark.fill(-1)
    offsets = oo
    columns = oc.slice(0, k)
    values = ov.slice(0, k)
  }
  return { rows: X.rows, cols: d, offsets, columns, values: Float32Array.from(values) }
}
