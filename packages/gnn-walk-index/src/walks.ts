import { assertInteger, assertKnownOptions } from '@theoryml/core'
import { assertGraph } from './brand'
import type { Graph } from './graph'

/**
 * out ← Â x with Â = A + I (the adjacency with a self loop at every vertex; an existing self loop
 * still counts once). Sparse, allocation-free.
 * @internal
 */
export function mulSelfLoopAdjacency(graph: Graph, x: Float64Array, out: Float64Array): void {
  const { offsets, neighborList, numNodes } = graph
  for (let v = 0; v < numNodes; v++) {
    let s = x[v]!
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
      const u = neighborList[i]!
      if (u !== v) s += x[u]!
    }
    out[v] = s
  }
}

/**
 * Number of walks of length `length` starting at each vertex of the graph with self loops added:
 * walkCounts(G, ℓ) = Â^ℓ 1, Â = A + I. Entry v counts the sequences v = v₀, v₁, …, v_ℓ with each
 * consecutive pair adjacent or equal.
 * @example walkCounts(Graph.fromEdges(2, [[0, 1]]), 2) // Float64Array [4, 4]
 */
export function walkCounts(graph: Graph, length: number): Float64Array {
  assertGraph(graph)
  assertInteger('length', length, { min: 0 })
  const x = walkCountsUnchecked(graph, length)
  for (let v = 0; v < x.length; v++) if (!Number.isFinite(x[v]!)) throw walkOverflow('walkCounts', length)
  return x
}

/** Â^ℓ 1 without the overflow check (Infinity where the counts leave float64's range). */
function walkCountsUnchecked(graph: Graph, length: number): Float64Array {
  const x = new Float64Array(graph.numNodes).fill(1)
  return powerTimes(graph, x, length)
}

/** Â^ℓ x (x is overwritten); stops early once a count is Infinity (it stays so: the caller throws). */
function powerTimes(graph: Graph, start: Float64Array, length: number): Float64Array {
  let x: Float64Array = start
  let y: Float64Array = new Float64Array(graph.numNodes)
  for (let l = 0; l < length; l++) {
    mulSelfLoopAdjacency(graph, x, y)
    const t = x
    x = y
    y = t
    if ((l & 63) === 63 && !x.every(Number.isFinite)) break
  }
  return x
}

/** The error of a walk count beyond float64's range (the counts grow like (max degree + 1)^length). */
function walkOverflow(fn: string, length: number): Error {
  return new Error(`${fn}: overflow, the number of walks of length ${length} exceeds float64's range (about 1.8e308); use a smaller length`)
}

/**
 * The vertices with an edge crossing the partition (I, Iᶜ) (Razin, Verbin, Cohen 2023, Def. 2):
 * C_I = {i ∈ I : N(i) ∩ Iᶜ ≠ ∅} ∪ {j ∈ Iᶜ : N(j) ∩ I ≠ ∅}, returned sorted ascending.
 * `partition` lists the vertices of I (distinct, in [0, numNodes)).
 * @example boundary(paperGraph, [0, 1, 4, 5]) // Int32Array [1, 2, 5, 6]
 */
export function boundary(graph: Graph, partition: ArrayLike<number>): Int32Array {
  assertGraph(graph)
  const inI = partitionMask(graph, partition)
  const out: number[] = []
  const { offsets, neighborList } = graph
  for (let v = 0; v < graph.numNodes; v++) {
    for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
      if (inI[neighborList[i]!] !== inI[v]) {
        out.push(v)
        break
      }
    }
  }
  return Int32Array.from(out)
}

/** Options of {@link walkIndex}. */
export interface WalkIndexOptions {
  /** Walk length ℓ (the paper's L − 1 for a depth-L GNN); default 1. */
  length?: number
  /** Vertex prediction: count only walks ending at this vertex (default: walks ending anywhere). */
  target?: number
}

/**
 * Walk index of the partition (I, Iᶜ) (Razin, Verbin, Cohen 2023, Def. 3): the number of walks of
 * length ℓ in the graph with self loops that start in the boundary C_I and end anywhere (graph
 * prediction, WI_ℓ(I) = ρ_ℓ(C_I, V) = Σ_{c∈C_I} (Â^ℓ 1)_c) or at `target` t (vertex prediction,
 * WI_{ℓ,t}(I) = ρ_ℓ(C_I, {t}) = Σ_{c∈C_I} (Â^ℓ)_{c,t}). Symmetric in I ↔ Iᶜ, since C_I = C_{Iᶜ}.
 * The separation rank a depth-(ℓ+1) GNN can reach across (I, Iᶜ) grows exponentially in it.
 * @example walkIndex(paperGraph, [0, 1, 4, 5], { length: 2 }) // 48
 */
export function walkIndex(graph: Graph, partition: ArrayLike<number>, options: WalkIndexOptions = {}): number {
  assertGraph(graph)
  assertKnownOptions('walkIndex', options, ['length', 'target'])
  const length = options.length ?? 1
  assertInteger('length', length, { min: 0 })
  const C = boundary(graph, partition)
  let x: Float64Array<ArrayBufferLike>
  if (options.target === undefined) {
    x = walkCountsUnchecked(graph, length)
  } else {
    assertInteger('target', options.target, { min: 0, max: graph.numNodes - 1 })
    // Â is symmetric, so (Â^ℓ)_{c,t} = (Â^ℓ e_t)_c.
    const e = new Float64Array(graph.numNodes)
    e[options.target] = 1
    x = powerTimes(graph, e, length)
  }
  let s = 0
  for (let i = 0; i < C.length; i++) s += x[C[i]!]!
  if (!Number.isFinite(s)) throw walkOverflow('walkIndex', length)
  return s
}

/**
 * The per-vertex walk-index vector that WIS keeps large: s_t = WI_{ℓ,t}({t}), the walk index of the
 * partition ({t}, V∖{t}) for predicting at t. Since C_{t} = N(t) ∪ {t} when t has a neighbour,
 * s_t = Σ_{c∈N̄(t)} (Â^ℓ)_{c,t} = (Â^{ℓ+1})_{tt} (closed walks of length ℓ+1 at t); s_t = 0 for an
 * isolated t. For ℓ = 1: s_t = deg(t) + 1; for ℓ = 2: s_t = 2·triangles(t) + 3·deg(t) + 1.
 * @example vertexWalkIndices(Graph.fromEdges(3, [[0, 1]]), 1) // Float64Array [2, 2, 0]
 */
export function vertexWalkIndices(graph: Graph, length: number): Float64Array {
  assertGraph(graph)
  assertInteger('length', length, { min: 1 })
  const n = graph.numNodes
  const out = new Float64Array(n)
  const bufs = closedWalkBuffers(n)
  for (let t = 0; t < n; t++) out[t] = hasNeighbor(graph, t) ? closedWalks(graph, t, length + 1, bufs) : 0
  for (let t = 0; t < n; t++) if (!Number.isFinite(out[t]!)) throw walkOverflow('vertexWalkIndices', length)
  return out
}

/** @internal Whether t has a neighbour other than itself. */
export function hasNeighbor(graph: Graph, t: number): boolean {
  const { offsets, neighborList } = graph
  for (let i = offsets[t]!; i < offsets[t + 1]!; i++) if (neighborList[i] !== t) return true
  return false
}

/** @internal Scratch space for {@link closedWalks}. */
export interface ClosedWalkBuffers {
  x: Float64Array
  y: Float64Array
  active: Int32Array
  next: Int32Array
  mark: Int32Array
  stamp: number
}

/** @internal */
export function closedWalkBuffers(n: number): ClosedWalkBuffers {
  return { x: new Float64Array(n), y: new Float64Array(n), active: new Int32Array(n), next: new Int32Array(n), mark: new Int32Array(n), stamp: 0 }
}

/**
 * @internal (Â^L)_{tt} by sparse propagation of e_t over ⌈L/2⌉ steps, skipping the edge `skip`
 * (an edge index, or −1): (Â^{2k})_{tt} = ‖Â^k e_t‖², (Â^{2k+1})_{tt} = (Â^k e_t)ᵀ Â (Â^k e_t).
 * Touches only the ball of radius ⌈L/2⌉ around t.
 */
export function closedWalks(graph: Graph, t: number, L: number, b: ClosedWalkBuffers, skip = -1): number {
  const { offsets, neighborList, edgeOfEntry } = graph
  const k = L >> 1
  let { x, y } = b
  let active = b.active
  let next = b.next
  let na = 1
  active[0] = t
  x[t] = 1
  for (let step = 0; step < k; step++) {
    // y = Â x on the support, extend the support by one hop.
    b.stamp++
    let nn = 0
    for (let a = 0; a < na; a++) {
      const v = active[a]!
      if (b.mark[v] !== b.stamp) { b.mark[v] = b.stamp; y[v] = 0; next[nn++] = v }
      for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
        const u = neighborList[i]!
        if (u === v || edgeOfEntry[i] === skip) continue
        if (b.mark[u] !== b.stamp) { b.mark[u] = b.stamp; y[u] = 0; next[nn++] = u }
      }
    }
    for (let a = 0; a < nn; a++) {
      const u = next[a]!
      let s = 0
      // x is zero outside `active`; entries of x from older supports were cleared below.
      s += x[u]!
      for (let i = offsets[u]!; i < offsets[u + 1]!; i++) {
        const w = neighborList[i]!
        if (w === u || edgeOfEntry[i] === skip) continue
        s += x[w]!
      }
      y[u] = s
    }
    for (let a = 0; a < na; a++) x[active[a]!] = 0
    const tx = x; x = y; y = tx
    const ta = active; active = next; next = ta
    na = nn
  }
  let result = 0
  if ((L & 1) === 0) {
    for (let a = 0; a < na; a++) { const v = x[active[a]!]!; result += v * v }
  } else {
    for (let a = 0; a < na; a++) {
      const v = active[a]!
      const xv = x[v]!
      let s = xv
      for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
        const u = neighborList[i]!
        if (u === v || edgeOfEntry[i] === skip) continue
        s += x[u]!
      }
      result += xv * s
    }
  }
  for (let a = 0; a < na; a++) x[active[a]!] = 0
  // Keep the buffers consistent for the next call (x and y may have swapped).
  b.x = x; b.y = y; b.active = active; b.next = next
  return result
}

/** @internal Validate a partition (list of distinct vertices) and return its 0/1 mask. */
export function partitionMask(graph: Graph, partition: ArrayLike<number>): Uint8Array {
  if (partition === null || typeof partition !== 'object' || typeof (partition as ArrayLike<number>).length !== 'number') {
    throw new Error('partition: expected an array of vertex indices')
  }
  const mask = new Uint8Array(graph.numNodes)
  for (let i = 0; i < partition.length; i++) {
    const v = partition[i]!
    if (!Number.isInteger(v) || v < 0 || v >= graph.numNodes) {
      throw new Error(`partition: vertex ${String(v)} at position ${i} is out of range [0, ${graph.numNodes})`)
    }
    if (mask[v]) throw new Error(`partition: vertex ${v} appears twice`)
    mask[v] = 1
  }
  return mask
}
