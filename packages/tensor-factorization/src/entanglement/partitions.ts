import { assertInteger } from '@theoryml/core'

/** A set of feature indices K; its partition of the features is (K, Kᶜ). */
export type Partition = readonly number[]

/** Split 0 … n−1 into `parts` contiguous chunks, the first n mod parts one longer (numpy's array_split). */
function splitRange(start: number, n: number, parts: number): Array<[number, number]> {
  const base = Math.floor(n / parts)
  const extra = n % parts
  const out: Array<[number, number]> = []
  let s = start
  for (let p = 0; p < parts; p++) {
    const len = base + (p < extra ? 1 : 0)
    out.push([s, s + len])
    s += len
  }
  return out
}

/**
 * Canonical partitions of D features at a level of the binary tree of a 1D locally connected
 * network (Alexander et al. 2023, Def. 2): the features 0 … D−1 split into 2^level contiguous chunks
 * (sizes as numpy's array_split), each chunk K against its complement. Returns the chunks K.
 * Requires 1 ≤ level and 2^level ≤ D.
 * @example canonicalPartitions(8, 2) // [[0, 1], [2, 3], [4, 5], [6, 7]]
 */
export function canonicalPartitions(numFeatures: number, level: number): number[][] {
  assertInteger('numFeatures', numFeatures, { min: 2 })
  assertInteger('level', level, { min: 1, max: Math.floor(Math.log2(numFeatures)) })
  return splitRange(0, numFeatures, 2 ** level).map(([a, b]) => range(a, b))
}

/**
 * Canonical partitions of a height × width grid of features (row-major index r·width + c) for a 2D
 * locally connected network (quad tree): rows and columns each split into 2^level contiguous groups,
 * giving 4^level blocks, each block K against its complement. Returns the blocks K (sorted indices),
 * block by block in row-major order. Requires 2^level ≤ min(height, width).
 * @example canonicalPartitions2d(4, 4, 1)[0] // [0, 1, 4, 5]
 */
export function canonicalPartitions2d(height: number, width: number, level: number): number[][] {
  assertInteger('height', height, { min: 2 })
  assertInteger('width', width, { min: 2 })
  assertInteger('level', level, { min: 1, max: Math.floor(Math.log2(Math.min(height, width))) })
  const rows = splitRange(0, height, 2 ** level)
  const cols = splitRange(0, width, 2 ** level)
  const out: number[][] = []
  for (const [r0, r1] of rows) {
    for (const [c0, c1] of cols) {
      const block: number[] = []
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) block.push(r * width + c)
      out.push(block)
    }
  }
  return out
}

/**
 * The quad-tree (Z, Morton) order of a height × width grid: the feature order that makes a 1D binary
 * tree over positions a 2D quad tree over the grid, as the authors' code flattens images before a 1D
 * network (Alexander et al. 2023): the grid is halved along its rows, each half along its columns,
 * and so on recursively (halves of odd length split as numpy's array_split, the first one longer).
 * Returns `order` with order[p] = the row-major index r·width + c of the pixel at position p, so
 * `permuteFeatures(X, quadTreeOrder(h, w))` flattens row-major images into that order. For a
 * 2^k × 2^k grid, the 1D canonical partitions of level 2l of the result are the quad-tree blocks of
 * level l ({@link canonicalPartitions2d}).
 * @example quadTreeOrder(4, 4).slice(0, 4) // [0, 1, 4, 5]: the top-left 2 × 2 block first
 */
export function quadTreeOrder(height: number, width: number): number[] {
  assertInteger('height', height, { min: 1 })
  assertInteger('width', width, { min: 1 })
  const out: number[] = []
  // split the longer side first (rows on ties), down to single pixels
  const visit = (r0: number, r1: number, c0: number, c1: number): void => {
    const h = r1 - r0
    const w = c1 - c0
    if (h === 1 && w === 1) {
      out.push(r0 * width + c0)
      return
    }
    if (h >= w) {
      const mid = r0 + Math.ceil(h / 2)
      visit(r0, mid, c0, c1)
      visit(mid, r1, c0, c1)
    } else {
      const mid = c0 + Math.ceil(w / 2)
      visit(r0, r1, c0, mid)
      visit(r0, r1, mid, c1)
    }
  }
  visit(0, height, 0, width)
  return out
}

/**
 * Check that `partition` is a non-empty proper subset of 0 … numFeatures−1 with distinct integer
 * entries; returns it sorted together with its complement.
 * @internal
 */
export function checkPartition(name: string, partition: unknown, numFeatures: number): { side: Int32Array; complement: Int32Array } {
  if (!Array.isArray(partition) && !ArrayBuffer.isView(partition)) {
    throw new Error(`${name}: expected an array of feature indices (a subset K of 0..${numFeatures - 1})`)
  }
  const arr = partition as ArrayLike<unknown>
  const seen = new Uint8Array(numFeatures)
  for (let i = 0; i < arr.length; i++) {
    const f = arr[i]
    if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= numFeatures) {
      throw new Error(`${name}: expected feature indices in 0..${numFeatures - 1} (a subset of the features), got ${String(f)} at index ${i}`)
    }
    if (seen[f] === 1) throw new Error(`${name}: feature ${f} appears twice`)
    seen[f] = 1
  }
  if (arr.length === 0 || arr.length === numFeatures) {
    throw new Error(`${name}: expected a non-empty proper subset of the ${numFeatures} features, got ${arr.length} of them`)
  }
  const side = new Int32Array(arr.length)
  const complement = new Int32Array(numFeatures - arr.length)
  let a = 0
  let b = 0
  for (let f = 0; f < numFeatures; f++) {
    if (seen[f] === 1) side[a++] = f
    else complement[b++] = f
  }
  return { side, complement }
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i)
}
