import { Matrix } from 'ml-matrix'

/** A matrix argument: nested arrays (rows) or an ml-matrix `Matrix`. */
export type MatrixLike = Matrix | readonly (readonly number[])[]

/** A vector argument: a plain array or a typed array of numbers. */
export type VectorLike = readonly number[] | Float64Array | Float32Array

/**
 * Throw an `Error` naming `name` unless `value` is a finite number.
 * @example assertFinite('lr', 0.1)
 */
export function assertFinite(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${name}: expected a finite number, got ${describe(value)}`)
  }
}

/**
 * Throw unless `value` is a finite number strictly above `min` (or at least `min` when `inclusive`).
 * @example assertPositive('lr', 0.1)
 */
export function assertPositive(name: string, value: unknown, inclusive = false): asserts value is number {
  assertFinite(name, value)
  if (inclusive ? value < 0 : value <= 0) {
    throw new Error(`${name}: expected a ${inclusive ? 'non-negative' : 'positive'} number, got ${value}`)
  }
}

/**
 * Throw unless `value` is an integer in [min, max].
 * @example assertInteger('steps', 100, { min: 0 })
 */
export function assertInteger(
  name: string,
  value: unknown,
  range: { min?: number; max?: number } = {},
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`${name}: expected an integer, got ${describe(value)}`)
  }
  const { min = -Infinity, max = Infinity } = range
  if (value < min || value > max) {
    const bounds = max === Infinity ? `>= ${min}` : min === -Infinity ? `<= ${max}` : `in [${min}, ${max}]`
    throw new Error(`${name}: expected an integer ${bounds}, got ${value}`)
  }
}

/**
 * Throw unless every key of `options` is one of `allowed` (catches misspelt option names).
 * @example assertKnownOptions('train', { steps: 10 }, ['steps', 'lr'])
 */
export function assertKnownOptions(name: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return
  if (options === null || typeof options !== 'object') {
    throw new Error(`${name}: expected an options object, got ${describe(options)}`)
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new Error(`${name}: unknown option '${key}' (expected one of ${allowed.join(', ')})`)
    }
  }
}

/**
 * Check that every entry of an array is finite; the error names the argument and the first bad index.
 * @example assertFiniteArray('x', [1, 2, 3])
 */
export function assertFiniteArray(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${name}: expected finite numbers, got ${describe(v)} at index ${i}`)
    }
  }
}

/**
 * Validate and convert a matrix argument to an ml-matrix `Matrix` (a copy when given nested arrays,
 * the same object when given a `Matrix`). Rows must have equal lengths and entries must be finite.
 * @example toMatrix('A', [[1, 2], [3, 4]]).get(1, 0) // 3
 */
export function toMatrix(
  name: string,
  value: unknown,
  shape: { rows?: number; columns?: number; square?: boolean } = {},
): Matrix {
  let m: Matrix
  if (Matrix.isMatrix(value)) {
    m = value as Matrix
  } else if (Array.isArray(value)) {
    if (value.length === 0) throw new Error(`${name}: expected a non-empty matrix, got an empty array`)
    const cols = Array.isArray(value[0]) ? (value[0] as unknown[]).length : -1
    if (cols <= 0) throw new Error(`${name}: expected an array of non-empty rows (number[][])`)
    value.forEach((row, i) => {
      if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new Error(`${name}: row ${i} is not an array`)
      if ((row as ArrayLike<number>).length !== cols) {
        throw new Error(`${name}: row ${i} has ${(row as ArrayLike<number>).length} entries, expected ${cols}`)
      }
    })
    m = new Matrix(value as number[][])
  } else {
    throw new Error(`${name}: expected a matrix (number[][] or Matrix), got ${describe(value)}`)
  }
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) {
      const v = m.get(i, j)
      if (!Number.isFinite(v)) throw new Error(`${name}: expected finite entries, got ${v} at (${i}, ${j})`)
    }
  }
  if (shape.square && m.rows !== m.columns) {
    throw new Error(`${name}: expected a square matrix, got ${m.rows}x${m.columns}`)
  }
  if (shape.rows !== undefined && m.rows !== shape.rows) {
    throw new Error(`${name}: expected ${shape.rows} rows, got ${m.rows}`)
  }
  if (shape.columns !== undefined && m.columns !== shape.columns) {
    throw new Error(`${name}: expected ${shape.columns} columns, got ${m.columns}`)
  }
  return m
}

/**
 * Validate and convert a vector argument to a new `Float64Array`.
 * @example toVector('b', [1, 2], 2) // Float64Array [1, 2]
 */
export function toVector(name: string, value: unknown, length?: number): Float64Array {
  if (!Array.isArray(value) && !(value instanceof Float64Array) && !(value instanceof Float32Array)) {
    throw new Error(`${name}: expected a vector (number[] or Float64Array), got ${describe(value)}`)
  }
  const v = Float64Array.from(value as ArrayLike<number>)
  assertFiniteArray(name, v)
  if (length !== undefined && v.length !== length) {
    throw new Error(`${name}: expected length ${length}, got ${v.length}`)
  }
  return v
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `an array of length ${v.length}`
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return `the string '${v}'`
  return typeof v
}

/**
 * The most bytes one allocation checked by {@link assertAllocation} may take: 2 GiB (2³¹ bytes).
 * Above it a typed array nears V8's length limit and a plain array of numbers exhausts the default
 * heap (about 4 GiB), so a size this large is far more likely a mistake than a wish.
 */
export const ALLOCATION_LIMIT_BYTES = 2 ** 31

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']
  let u = 0
  let b = bytes
  while (b >= 1024 && u < units.length - 1) {
    b /= 1024
    u++
  }
  return `${b < 10 && u > 0 ? b.toFixed(1) : Math.round(b)} ${units[u]}`
}

/**
 * Check, before allocating, that `elements` entries of `bytesPerElement` bytes each fit in one
 * allocation: elements · bytesPerElement ≤ `limit` (default {@link ALLOCATION_LIMIT_BYTES}, 2 GiB).
 * Throws an `Error` naming the argument and the memory it would need, instead of letting the
 * process run out of heap or allocate for minutes.
 * @example assertAllocation('numNodes', 1e6, 4) // fine: 3.8 MiB
 * @example assertAllocation('n', 1e9, 8) // throws "n: 1000000000 entries of 8 bytes need 7.5 GiB, more than the 2 GiB one allocation may take"
 */
export function assertAllocation(name: string, elements: number, bytesPerElement = 8, limit = ALLOCATION_LIMIT_BYTES): void {
  if (!(elements >= 0)) throw new Error(`${name}: expected a non-negative size, got ${String(elements)}`)
  const bytes = elements * bytesPerElement
  if (bytes > limit) {
    throw new Error(
      `${name}: ${elements} entries of ${bytesPerElement} bytes need ${formatBytes(bytes)}, more than the ${formatBytes(limit)} one allocation may take`,
    )
  }
}
