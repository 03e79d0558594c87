import { assertAllocation, assertInteger, Matrix } from '@theoryml/core'
import GraphologyCtor from 'graphology'
// Types from graphology-types (a plain declaration package): graphology's own `exports` map hides its
// types from `moduleResolution: node16/nodenext` consumers, where the default import is a namespace.
import type { AbstractGraph as GraphologyGraph } from 'graphology-types'
import { assertGraph, GRAPH_BRAND } from './brand'

/** Edges given as `[u, v]` pairs or as a flat `Int32Array` `[u0, v0, u1, v1, …]`. */
export type EdgesLike = Int32Array | ArrayLike<readonly [number, number] | readonly number[]>

/**
 * An undirected simple graph on vertices 0 … numNodes−1 (self loops allowed, no duplicate edges).
 * Edges are stored once each as a flat `Int32Array` of pairs `(u, v)` with u ≤ v, in the order given;
 * an edge's index in that list is how sparsifiers name it. Adjacency is kept in CSR form.
 * @example
 * const g = Graph.fromEdges(3, [[0, 1], [1, 2]])
 * g.degree(1) // 2
 */
export class Graph {
  /** Brand recognized across duplicate copies of this module (bundles, several installs). */
  readonly [GRAPH_BRAND] = true
  /** Number of vertices. */
  readonly numNodes: number
  /** Edge list as flat pairs `[u0, v0, u1, v1, …]`, u ≤ v; edge k is `(edges[2k], edges[2k+1])`. */
  readonly edges: Int32Array
  /** CSR offsets: the neighbours of v are `neighborList[offsets[v] … offsets[v+1])`, sorted ascending. */
  readonly offsets: Int32Array
  /** CSR neighbour list (a self loop lists v among its own neighbours once). */
  readonly neighborList: Int32Array
  /** For each CSR entry, the index of the edge it comes from. */
  readonly edgeOfEntry: Int32Array

  private constructor(numNodes: number, edges: Int32Array) {
    this.numNodes = numNodes
    this.edges = edges
    const m = edges.length / 2
    const counts = new Int32Array(numNodes + 1)
    for (let k = 0; k < m; k++) {
      const u = edges[2 * k] as number
      const v = edges[2 * k + 1] as number
      counts[u + 1]!++
      if (u !== v) counts[v + 1]!++
    }
    for (let v = 0; v < numNodes; v++) counts[v + 1]! += counts[v]!
    this.offsets = counts
    const fill = counts.slice(0, numNodes)
    const nbr = new Int32Array(counts[numNodes]!)
    const eoe = new Int32Array(counts[numNodes]!)
    for (let k = 0; k < m; k++) {
      const u = edges[2 * k] as number
      const v = edges[2 * k + 1] as number
      nbr[fill[u]!] = v
      eoe[fill[u]!++] = k
      if (u !== v) {
        nbr[fill[v]!] = u
        eoe[fill[v]!++] = k
      }
    }
    // Sort each neighbour list (with its edge ids) ascending.
    for (let v = 0; v < numNodes; v++) {
      const a = counts[v]!
      const b = counts[v + 1]!
      for (let i = a + 1; i < b; i++) {
        const x = nbr[i]!
        const e = eoe[i]!
        let j = i - 1
        while (j >= a && nbr[j]! > x) {
          nbr[j + 1] = nbr[j]!
          eoe[j + 1] = eoe[j]!
          j--
        }
        nbr[j + 1] = x
        eoe[j + 1] = e
      }
      for (let i = a + 1; i < b; i++) {
        if (nbr[i] === nbr[i - 1]) throw new Error(`edges: duplicate edge (${Math.min(v, nbr[i]!)}, ${Math.max(v, nbr[i]!)})`)
      }
    }
    this.neighborList = nbr
    this.edgeOfEntry = eoe
  }

  /**
   * Build a graph from an edge list (pairs or flat Int32Array). Each undirected edge must appear once;
   * (u, v) and (v, u) are the same edge. Vertices must be integers in [0, numNodes).
   * @example Graph.fromEdges(4, [[0, 1], [1, 2], [2, 3]]).numEdges // 3
   */
  static fromEdges(numNodes: number, edges: EdgesLike): Graph {
    assertInteger('numNodes', numNodes, { min: 0, max: 2 ** 31 - 1 })
    // The CSR offsets (numNodes + 1 int32) and per-vertex work arrays of 8 bytes.
    assertAllocation('numNodes', numNodes + 1, 8)
    const flat = flattenEdges(edges, numNodes)
    for (let k = 0; k < flat.length; k += 2) {
      const u = flat[k]!
      const v = flat[k + 1]!
      if (u > v) {
        flat[k] = v
        flat[k + 1] = u
      }
    }
    return new Graph(numNodes, flat)
  }

  /**
   * Import a graphology graph (edges treated as undirected, parallel edges merged). Vertex i is the
   * i-th key of `g.nodes()`; the keys are returned as `keys`.
   * @example const { graph, keys } = Graph.fromGraphology(karate)
   */
  static fromGraphology(g: GraphologyGraph): { graph: Graph; keys: string[] } {
    if (!g || typeof (g as { nodes?: unknown }).nodes !== 'function') throw new Error('g: expected a graphology graph')
    const keys = g.nodes()
    const index = new Map<string, number>()
    keys.forEach((k, i) => index.set(k, i))
    const seen = new Set<number>()
    const pairs: number[] = []
    g.forEachEdge((_e, _attr, s, t) => {
      const a = index.get(s)!
      const b = index.get(t)!
      const u = Math.min(a, b)
      const v = Math.max(a, b)
      const key = u * keys.length + v
      if (seen.has(key)) return
      seen.add(key)
      pairs.push(u, v)
    })
    return { graph: new Graph(keys.length, Int32Array.from(pairs)), keys }
  }

  /** Number of (undirected) edges, self loops included. */
  get numEdges(): number {
    return this.edges.length / 2
  }

  /** The endpoints `[u, v]` (u ≤ v) of edge `k`. */
  edge(k: number): [number, number] {
    assertInteger('k', k, { min: 0, max: this.numEdges - 1 })
    return [this.edges[2 * k]!, this.edges[2 * k + 1]!]
  }

  /**
   * Degree of v: number of neighbours other than v itself (self loops do not count).
   * @example Graph.fromEdges(2, [[0, 1]]).degree(0) // 1
   */
  degree(v: number): number {
    this.checkVertex('v', v)
    let d = this.offsets[v + 1]! - this.offsets[v]!
    if (this.hasEdge(v, v)) d--
    return d
  }

  /** All degrees (self loops not counted) as a Float64Array. */
  degrees(): Float64Array {
    const d = new Float64Array(this.numNodes)
    for (let v = 0; v < this.numNodes; v++) {
      let c = 0
      for (let i = this.offsets[v]!; i < this.offsets[v + 1]!; i++) if (this.neighborList[i] !== v) c++
      d[v] = c
    }
    return d
  }

  /** The sorted neighbours of v (v itself included only when it has a self loop). */
  neighbors(v: number): Int32Array {
    this.checkVertex('v', v)
    return this.neighborList.subarray(this.offsets[v]!, this.offsets[v + 1]!)
  }

  /** Whether the edge {u, v} is present (binary search in u's sorted neighbour list). */
  hasEdge(u: number, v: number): boolean {
    return this.edgeIndex(u, v) >= 0
  }

  /** Index of the edge {u, v} in `edges`, or −1 when absent. */
  edgeIndex(u: number, v: number): number {
    this.checkVertex('u', u)
    this.checkVertex('v', v)
    let lo = this.offsets[u]!
    let hi = this.offsets[u + 1]! - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const x = this.neighborList[mid]!
      if (x === v) return this.edgeOfEntry[mid]!
      if (x < v) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  /**
   * Dense 0/1 adjacency matrix A (symmetric; A_vv = 1 for a self loop).
   * @example Graph.fromEdges(2, [[0, 1]]).toDenseAdjacency().to2DArray() // [[0, 1], [1, 0]]
   */
  toDenseAdjacency(): Matrix {
    const A = new Matrix(this.numNodes, this.numNodes)
    for (let k = 0; k < this.numEdges; k++) {
      const u = this.edges[2 * k]!
      const v = this.edges[2 * k + 1]!
      A.set(u, v, 1)
      A.set(v, u, 1)
    }
    return A
  }

  /**
   * The same graph with a self loop at every vertex (Â = A + I, as the paper's GNNs use); existing
   * self loops are kept, the new ones are appended after the original edges.
   * @example Graph.fromEdges(2, [[0, 1]]).withSelfLoops().numEdges // 3
   */
  withSelfLoops(): Graph {
    const extra: number[] = []
    for (let v = 0; v < this.numNodes; v++) if (!this.hasEdge(v, v)) extra.push(v, v)
    const flat = new Int32Array(this.edges.length + extra.length)
    flat.set(this.edges)
    flat.set(extra, this.edges.length)
    return new Graph(this.numNodes, flat)
  }

  /** Whether any vertex has a self loop. */
  hasSelfLoops(): boolean {
    for (let k = 0; k < this.numEdges; k++) if (this.edges[2 * k] === this.edges[2 * k + 1]) return true
    return false
  }

  /**
   * A new graph without the edges at the given indices (into `edges`); the remaining edges keep
   * their relative order. Indices must be distinct and in range.
   * @example Graph.fromEdges(3, [[0, 1], [1, 2]]).removeEdges([0]).numEdges // 1
   */
  removeEdges(indices: ArrayLike<number>): Graph {
    const drop = new Uint8Array(this.numEdges)
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!
      if (!Number.isInteger(k) || k < 0 || k >= this.numEdges) {
        throw new Error(`indices: edge index ${k} at position ${i} is out of range [0, ${this.numEdges})`)
      }
      if (drop[k]) throw new Error(`indices: edge index ${k} appears twice`)
      drop[k] = 1
    }
    const flat = new Int32Array(this.edges.length - 2 * indices.length)
    let j = 0
    for (let k = 0; k < this.numEdges; k++) {
      if (drop[k]) continue
      flat[j++] = this.edges[2 * k]!
      flat[j++] = this.edges[2 * k + 1]!
    }
    return new Graph(this.numNodes, flat)
  }

  /**
   * The induced subgraph on `nodes` (distinct vertices); vertex `nodes[i]` becomes vertex i.
   * @example Graph.fromEdges(4, [[0, 1], [1, 2], [2, 3]]).subgraph([1, 2, 3]).numEdges // 2
   */
  subgraph(nodes: ArrayLike<number>): Graph {
    const map = new Int32Array(this.numNodes).fill(-1)
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i]!
      if (!Number.isInteger(v) || v < 0 || v >= this.numNodes) {
        throw new Error(`nodes: vertex ${v} at position ${i} is out of range [0, ${this.numNodes})`)
      }
      if (map[v] !== -1) throw new Error(`nodes: vertex ${v} appears twice`)
      map[v] = i
    }
    const pairs: number[] = []
    for (let k = 0; k < this.numEdges; k++) {
      const a = map[this.edges[2 * k]!]!
      const b = map[this.edges[2 * k + 1]!]!
      if (a >= 0 && b >= 0) pairs.push(Math.min(a, b), Math.max(a, b))
    }
    return new Graph(nodes.length, Int32Array.from(pairs))
  }

  /**
   * Export to an undirected graphology graph with node keys '0' … 'n−1' (or `keys`), built with
   * `GraphCtor` (default: graphology's `Graph` as resolved by this package; pass your own to share
   * your graphology instance).
   * @example const g = graph.toGraphology(); g.order // graph.numNodes
   */
  toGraphology(GraphCtor: new (options?: object) => GraphologyGraph = GraphologyCtor, keys?: readonly string[]): GraphologyGraph {
    if (typeof GraphCtor !== 'function') throw new Error('GraphCtor: expected the graphology Graph constructor')
    if (keys !== undefined && keys.length !== this.numNodes) throw new Error(`keys: expected ${this.numNodes} keys, got ${keys.length}`)
    const g = new GraphCtor({ type: 'undirected', allowSelfLoops: true, multi: false })
    for (let v = 0; v < this.numNodes; v++) g.addNode(keys ? keys[v]! : String(v))
    for (let k = 0; k < this.numEdges; k++) {
      const u = this.edges[2 * k]!
      const v = this.edges[2 * k + 1]!
      g.addUndirectedEdge(keys ? keys[u]! : String(u), keys ? keys[v]! : String(v))
    }
    return g
  }

  /** @internal */
  checkVertex(name: string, v: number): void {
    if (!Number.isInteger(v) || v < 0 || v >= this.numNodes) {
      throw new Error(`${name}: expected a vertex in [0, ${this.numNodes}), got ${String(v)}`)
    }
  }
}

/**
 * Build a graph from an edge list; same as {@link Graph.fromEdges}.
 * @example fromEdges(3, [[0, 1], [1, 2]]).numEdges // 2
 */
export function fromEdges(numNodes: number, edges: EdgesLike): Graph {
  return Graph.fromEdges(numNodes, edges)
}

/**
 * Import a graphology graph; same as {@link Graph.fromGraphology}.
 * @example const { graph, keys } = fromGraphology(g)
 */
export function fromGraphology(g: GraphologyGraph): { graph: Graph; keys: string[] } {
  return Graph.fromGraphology(g)
}

/**
 * Export a graph to graphology; same as `graph.toGraphology(GraphCtor, keys)`.
 * @example toGraphology(graph).size // graph.numEdges
 */
export function toGraphology(graph: Graph, GraphCtor: new (options?: object) => GraphologyGraph = GraphologyCtor, keys?: readonly string[]): GraphologyGraph {
  assertGraph(graph)
  return graph.toGraphology(GraphCtor, keys)
}

function flattenEdges(edges: EdgesLike, numNodes: number): Int32Array {
  const check = (x: number, k: number): void => {
    if (!Number.isInteger(x) || x < 0 || x >= numNodes) {
      throw new Error(`edges: vertex ${x} of edge ${k} is out of range [0, ${numNodes})`)
    }
  }
  if (edges instanceof Int32Array) {
    if (edges.length % 2 !== 0) throw new Error(`edges: a flat edge list needs an even length, got ${edges.length}`)
    for (let i = 0; i < edges.length; i++) check(edges[i]!, i >> 1)
    return edges.slice()
  }
  if (edges === null || typeof edges !== 'object' || typeof (edges as ArrayLike<unknown>).length !== 'number') {
    throw new Error('edges: expected [u, v] pairs or a flat Int32Array')
  }
  const flat = new Int32Array(2 * edges.length)
  for (let k = 0; k < edges.length; k++) {
    const p = edges[k]
    if (!p || p.length !== 2) throw new Error(`edges: edge ${k} is not a [u, v] pair`)
    const u = p[0]!
    const v = p[1]!
    check(u, k)
    check(v, k)
    flat[2 * k] = u
    flat[2 * k + 1] = v
  }
  return flat
}
