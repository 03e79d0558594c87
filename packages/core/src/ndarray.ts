import { Matrix } from 'ml-matrix'
import { assertAllocation, assertFiniteArray, assertInteger } from './validate'

/**
 * A dense n-dimensional float64 array: a shape and its entries in row-major order (last index
 * fastest). Entry (i₀, …, i_{n−1}) lives at Σ_k i_k · strides[k].
 */
export interface NdArray {
  readonly shape: readonly number[]
  readonly strides: readonly number[]
  readonly data: Float64Array
}

/**
 * Row-major strides of a shape: strides[k] = Π_{j>k} shape[j].
 * @example stridesOf([2, 3, 4]) // [12, 4, 1]
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length)
  let s = 1
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s
    s *= shape[k] as number
  }
  return strides
}

/**
 * Number of entries of a shape (1 for the empty shape, a scalar).
 * @example sizeOf([2, 3]) // 6
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function checkShape(shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error('shape: expected an array of non-negative integers')
  shape.forEach((d, k) => assertInteger(`shape[${k}]`, d, { min: 0 }))
  return [...shape]
}

/**
 * Wrap (without copying a `Float64Array`) or copy data into an n-d array of the given shape.
 * @example const t = ndarray([1, 2, 3, 4, 5, 6], [2, 3]); get(t, [1, 0]) // 4
 */
export function ndarray(data: ArrayLike<number> | Float64Array, shape: readonly number[]): NdArray {
  const s = checkShape(shape)
  const arr = data instanceof Float64Array ? data : Float64Array.from(data)
  if (arr.length !== sizeOf(s)) {
    throw new Error(`data: expected ${sizeOf(s)} entries for shape [${s.join(', ')}], got ${arr.length}`)
  }
  assertFiniteArray('data', arr)
  return { shape: s, strides: stridesOf(s), data: arr }
}

/**
 * An n-d array of zeros.
 * @example zeros([2, 2]).data // Float64Array [0, 0, 0, 0]
 */
export function zeros(shape: readonly number[]): NdArray {
  const s = checkShape(shape)
  assertAllocation('shape', sizeOf(s), 8)
  return { shape: s, strides: stridesOf(s), data: new Float64Array(sizeOf(s)) }
}

/** True when `value` has the NdArray structure (shape, strides, Float64Array data). */
export function isNdArray(value: unknown): value is NdArray {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as NdArray).shape) &&
    (value as NdArray).data instanceof Float64Array
  )
}

function flatIndex(t: NdArray, index: readonly number[]): number {
  if (index.length !== t.shape.length) {
    throw new Error(`index: expected ${t.shape.length} indices, got ${index.length}`)
  }
  let off = 0
  for (let k = 0; k < index.length; k++) {
    const i = index[k] as number
    const d = t.shape[k] as number
    if (!Number.isInteger(i) || i < 0 || i >= d) throw new Error(`index[${k}]: expected an integer in [0, ${d - 1}], got ${i}`)
    off += i * (t.strides[k] as number)
  }
  return off
}

/**
 * Read the entry at a multi-index.
 * @example get(ndarray([1, 2, 3, 4], [2, 2]), [1, 1]) // 4
 */
export function get(t: NdArray, index: readonly number[]): number {
  return t.data[flatIndex(t, index)] as number
}

/**
 * Write the entry at a multi-index (in place).
 * @example set(t, [0, 1], 5)
 */
export function set(t: NdArray, index: readonly number[], value: number): void {
  t.data[flatIndex(t, index)] = value
}

/**
 * Same data, new shape (sizes must agree); shares the buffer.
 * @example reshape(zeros([2, 3]), [3, 2]).shape // [3, 2]
 */
export function reshape(t: NdArray, shape: readonly number[]): NdArray {
  const s = checkShape(shape)
  if (sizeOf(s) !== t.data.length) {
    throw new Error(`shape: cannot reshape ${t.data.length} entries into [${s.join(', ')}]`)
  }
  return { shape: s, strides: stridesOf(s), data: t.data }
}

/**
 * Permute the axes: result axis k is input axis `axes[k]` (like numpy's transpose). Copies.
 * @example permuteAxes(zeros([2, 3, 4]), [2, 0, 1]).shape // [4, 2, 3]
 */
export function permuteAxes(t: NdArray, axes: readonly number[]): NdArray {
  const n = t.shape.length
  if (axes.length !== n || new Set(axes).size !== n || axes.some((a) => !Number.isInteger(a) || a < 0 || a >= n)) {
    throw new Error(`axes: expected a permutation of 0..${n - 1}, got [${axes.join(', ')}]`)
  }
  const outShape = axes.map((a) => t.shape[a] as number)
  const out = zeros(outShape)
  const inStrides = axes.map((a) => t.strides[a] as number)
  const idx = new Array<number>(n).fill(0)
  const total = out.data.length
  let src = 0
  for (let o = 0; o < total; o++) {
    out.data[o] = t.data[src] as number
    // increment the multi-index of the output (row-major), tracking the source offset
    for (let k = n - 1; k >= 0; k--) {
      const i = (idx[k] as number) + 1
      if (i < (outShape[k] as number)) {
        idx[k] = i
        src += inStrides[k] as number
        break
      }
      src -= (i - 1) * (inStrides[k] as number)
      idx[k] = 0
    }
  }
  return out
}

/**
 * A deep copy.
 * @example clone(t).data !== t.data // true
 */
export function clone(t: NdArray): NdArray {
  return { shape: [...t.shape], strides: [...t.strides], data: new Float64Array(t.data) }
}

/**
 * View a 2-d array as an ml-matrix `Matrix` (copies).
 * @example ndarrayToMatrix(ndarray([1, 2, 3, 4], [2, 2])).get(1, 0) // 3
 */
export function ndarrayToMatrix(t: NdArray): Matrix {
  if (t.shape.length !== 2) throw new Error(`t: expected a 2-d array, got shape [${t.shape.join(', ')}]`)
  const [r, c] = t.shape as [number, number]
  const m = new Matrix(r, c)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.set(i, j, t.data[i * c + j] as number)
  return m
}

/**
 * Copy a `Matrix` (or number[][]) into a 2-d float64 array.
 * @example matrixToNdarray(new Matrix([[1, 2]])).shape // [1, 2]
 */
export function matrixToNdarray(m: Matrix | readonly (readonly number[])[]): NdArray {
  const mm = Matrix.isMatrix(m) ? (m as Matrix) : new Matrix(m as number[][])
  const out = zeros([mm.rows, mm.columns])
  for (let i = 0; i < mm.rows; i++) for (let j = 0; j < mm.columns; j++) out.data[i * mm.columns + j] = mm.get(i, j)
  return out
}
