/**
 * Tensor basics on core's float64 `NdArray` (row-major, last index fastest): matricization
 * (`unfold`) and its inverse (`fold`), the mode-n product, the Khatri–Rao product and the outer
 * product of vectors.
 */
import { Matrix, fromFlat, isNdArray, ndarray, permuteAxes, sizeOf, stridesOf, toFlat, toMatrix, toVector, type MatrixLike, type NdArray, type VectorLike } from '@theoryml/core'

/** Check that `value` is an `NdArray` of order ≥ 1 with finite entries; returns it. */
export function checkTensor(name: string, value: unknown, minOrder = 1): NdArray {
  if (!isNdArray(value)) throw new Error(`${name}: expected an NdArray (shape + Float64Array data), e.g. ndarray(data, shape) from @theoryml/core`)
  if (value.shape.length < minOrder) throw new Error(`${name}: expected a tensor of order >= ${minOrder}, got shape [${value.shape.join(', ')}]`)
  if (value.data.length !== sizeOf(value.shape)) throw new Error(`${name}: data has ${value.data.length} entries, shape [${value.shape.join(', ')}] needs ${sizeOf(value.shape)}`)
  for (let i = 0; i < value.data.length; i++) {
    if (!Number.isFinite(value.data[i])) throw new Error(`${name}: expected finite entries, got ${value.data[i]} at flat index ${i}`)
  }
  return value
}

/** Check a set of distinct modes of an order-`order` tensor. */
export function checkModes(name: string, modes: unknown, order: number, allowEmpty = true): number[] {
  if (!Array.isArray(modes)) throw new Error(`${name}: expected an array of mode indices in [0, ${order - 1}]`)
  const seen = new Set<number>()
  for (const m of modes) {
    if (typeof m !== 'number' || !Number.isInteger(m) || m < 0 || m >= order) {
      throw new Error(`${name}: expected mode indices in [0, ${order - 1}], got ${String(m)}`)
    }
    if (seen.has(m)) throw new Error(`${name}: mode ${m} appears twice`)
    seen.add(m)
  }
  if (!allowEmpty && modes.length === 0) throw new Error(`${name}: expected at least one mode`)
  return [...(modes as number[])]
}

/** The axis order [rowModes…, remaining modes ascending] and the row/column sizes of an unfolding. */
function unfoldingLayout(shape: readonly number[], rowModes: readonly number[]): { axes: number[]; rows: number; cols: number } {
  const rest: number[] = []
  for (let k = 0; k < shape.length; k++) if (!rowModes.includes(k)) rest.push(k)
  const axes = [...rowModes, ...rest]
  const rows = rowModes.reduce((a, k) => a * (shape[k] as number), 1)
  return { axes, rows, cols: sizeOf(shape) / Math.max(rows, 1) || 0 }
}

/**
 * Matricization of a tensor w.r.t. a set of modes: the `rowModes` index the rows, the remaining
 * modes (in increasing order) the columns.
 *
 * Index order: row index = Σ_k i_{rowModes[k]} · Π_{k' > k} d_{rowModes[k']} (row-major over
 * `rowModes` in the order given, the last one fastest); column index likewise over the remaining
 * modes in increasing order. This equals numpy's
 * `np.moveaxis(T, rowModes, range(len(rowModes))).reshape(rows, -1)` (not Kolda's column-major
 * convention). Matricization ranks do not depend on the order.
 * @example unfold(ndarray([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]), [1]).to2DArray() // [[0, 1, 4, 5], [2, 3, 6, 7]]
 */
export function unfold(tensor: NdArray, rowModes: readonly number[]): Matrix {
  const t = checkTensor('tensor', tensor)
  const modes = checkModes('rowModes', rowModes, t.shape.length)
  const { axes, rows, cols } = unfoldingLayout(t.shape, modes)
  const data = permuted(t, axes)
  return fromFlat(data, rows, cols)
}

/**
 * Inverse of {@link unfold}: put a matricization back into a tensor of `shape`.
 * fold(unfold(T, modes), T.shape, modes) = T.
 * @example fold(unfold(t, [2, 0]), t.shape, [2, 0]) // equals t
 */
export function fold(matrix: MatrixLike, shape: readonly number[], rowModes: readonly number[]): NdArray {
  if (!Array.isArray(shape) || shape.length === 0) throw new Error('shape: expected a non-empty array of positive integers')
  shape.forEach((d, k) => {
    if (!Number.isInteger(d) || d < 1) throw new Error(`shape[${k}]: expected a positive integer, got ${String(d)}`)
  })
  const modes = checkModes('rowModes', rowModes, shape.length)
  const { axes, rows, cols } = unfoldingLayout(shape, modes)
  const m = toMatrix('matrix', matrix, { rows, columns: cols })
  // The matrix is the tensor with axes permuted to `axes` (row-major); permute them back.
  const pShape = axes.map((a) => shape[a] as number)
  const inverse = new Array<number>(axes.length)
  axes.forEach((a, k) => (inverse[a] = k))
  return permuteAxes({ shape: pShape, strides: stridesOf(pShape), data: toFlat(m) }, inverse)
}

/** Entries of `t` in the row-major order of the axis permutation `axes` (a new buffer). */
export function permuted(t: NdArray, axes: readonly number[]): Float64Array {
  return permuteAxes(t, axes).data
}

/**
 * Mode-n product T ×_n M of a tensor with a J × d_n matrix (Kolda & Bader 2009):
 * (T ×_n M)[i_1, …, j, …, i_N] = Σ_{i_n} M[j, i_n] · T[i_1, …, i_n, …, i_N]; mode n gets size J.
 * @example modeProduct(t, [[1, 1]], 0) // sums mode 0 of a 2 × … tensor into size 1
 */
export function modeProduct(tensor: NdArray, matrix: MatrixLike, mode: number): NdArray {
  const t = checkTensor('tensor', tensor)
  const order = t.shape.length
  if (!Number.isInteger(mode) || mode < 0 || mode >= order) throw new Error(`mode: expected an integer in [0, ${order - 1}], got ${String(mode)}`)
  const dn = t.shape[mode] as number
  const m = toMatrix('matrix', matrix, { columns: dn })
  const J = m.rows
  const outer = t.shape.slice(0, mode).reduce((a, b) => a * b, 1)
  const inner = t.shape.slice(mode + 1).reduce((a, b) => a * b, 1)
  const outShape = [...t.shape]
  outShape[mode] = J
  const out = new Float64Array(outer * J * inner)
  const mflat = toFlat(m)
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < J; j++) {
      const dst = (o * J + j) * inner
      for (let i = 0; i < dn; i++) {
        const a = mflat[j * dn + i] as number
        if (a === 0) continue
        const src = (o * dn + i) * inner
        for (let q = 0; q < inner; q++) out[dst + q] = (out[dst + q] as number) + a * (t.data[src + q] as number)
      }
    }
  }
  return ndarray(out, outShape)
}

/**
 * Khatri–Rao (column-wise Kronecker) product of matrices with the same number of columns R:
 * column r of A ⊙ B is a_r ⊗ b_r, row (i, j) at index i·J + j (the first factor varies slowest).
 * With factors A^1 … A^N, unfold(cpToTensor({ factors }), [n]) = A^n (⊙_{k≠n} A^k)ᵀ (k ascending).
 * @example khatriRao([[1, 2]], [[1, 1], [2, 3]]).to2DArray() // [[1, 2], [2, 6]]
 */
export function khatriRao(...matrices: MatrixLike[]): Matrix {
  if (matrices.length === 0) throw new Error('matrices: expected at least one matrix')
  const ms = matrices.map((m, k) => toMatrix(`matrices[${k}]`, m))
  const R = (ms[0] as Matrix).columns
  ms.forEach((m, k) => {
    if (m.columns !== R) throw new Error(`matrices[${k}]: expected ${R} columns like matrices[0], got ${m.columns}`)
  })
  let acc = toFlat(ms[0] as Matrix)
  let rows = (ms[0] as Matrix).rows
  for (let k = 1; k < ms.length; k++) {
    const bm = ms[k] as Matrix
    const b = toFlat(bm)
    const next = new Float64Array(rows * bm.rows * R)
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < bm.rows; j++) {
        const dst = (i * bm.rows + j) * R
        for (let r = 0; r < R; r++) next[dst + r] = (acc[i * R + r] as number) * (b[j * R + r] as number)
      }
    }
    acc = next
    rows *= bm.rows
  }
  return fromFlat(acc, rows, R)
}

/**
 * Outer product v¹ ⊗ v² ⊗ … ⊗ v^N: the order-N tensor with entries Π_n v^n[i_n].
 * @example outer([1, 2], [3, 4]).data // Float64Array [3, 4, 6, 8]
 */
export function outer(...vectors: VectorLike[]): NdArray {
  if (vectors.length === 0) throw new Error('vectors: expected at least one vector')
  const vs = vectors.map((v, k) => toVector(`vectors[${k}]`, v))
  vs.forEach((v, k) => {
    if (v.length === 0) throw new Error(`vectors[${k}]: expected a non-empty vector`)
  })
  let acc = vs[0] as Float64Array
  for (let k = 1; k < vs.length; k++) {
    const b = vs[k] as Float64Array
    const next = new Float64Array(acc.length * b.length)
    for (let i = 0; i < acc.length; i++) {
      const a = acc[i] as number
      for (let j = 0; j < b.length; j++) next[i * b.length + j] = a * (b[j] as number)
    }
    acc = next
  }
  return ndarray(acc === vs[0] ? new Float64Array(acc) : acc, vs.map((v) => v.length))
}
