import { assertInteger, assertKnownOptions } from '@theoryml/core'
import { assertGraph } from './brand'
import { Graph } from './graph'
import { closedWalkBuffers, closedWalks, hasNeighbor, vertexWalkIndices } from './walks'

/** What every sparsifier returns: the removal order (a prefix of it is a smaller removal) and the result. */
export interface SparsifyResult {
  /** Indices (into the input graph's `edges`) of the removed edges, in the order they were removed. */
  order: Int32Array
  /** The input graph without the `order` edges. */
  graph: Graph
}

/** Options of {@link wis}. */
export interface WisOptions {
  /** Number of edges to remove (default: every edge that is not a self loop). */
  removeCount?: number
  /** Walk length ℓ = L − 1 for a depth-L GNN (default 2, i.e. 2-WIS for depth-3 GNNs). */
  length?: number
  /** Edges removed per iteration, best first (default 1, the algorithm exactly as in the paper). */
  chunkSize?: number
}

/**
 * (L−1)-Walk Index Sparsification (Razin, Verbin, Cohen 2023, Algorithm 1) with ℓ = L − 1 = `length`.
 * Each iteration scores every remaining edge e (self loops excluded) by the per-vertex walk-index
 * vector after removing it, s⁽ᵉ⁾ = (WI_{ℓ,t}({t}))_{t∈V} on G∖e, sorted ascending, and removes the edge
 * whose s⁽ᵉ⁾ is lexicographically largest (ties: the lower edge index). With `chunkSize` k > 1 it
 * removes the k best-ranked edges per iteration (the paper's speed-up for large graphs).
 *
 * Exact and fast: s⁽ᵉ⁾ differs from the current vector only at vertices near e, so each edge is
 * summarized by the signed multiset δ_e of values it changes, and sorted vectors are compared through
 * the smallest value where two δs differ. For ℓ = 1, 2 the changes are closed forms
 * (s_t = deg + 1; s_t = 2·triangles + 3·deg + 1); other ℓ count closed walks in a local ball.
 * @example wis(graph, { removeCount: 100, length: 2, chunkSize: 10 }).order
 */
export function wis(graph: Graph, options: WisOptions = {}): SparsifyResult {
  assertGraph(graph)
  assertKnownOptions('wis', options, ['removeCount', 'length', 'chunkSize'])
  const length = options.length ?? 2
  assertInteger('length', length, { min: 1 })
  const chunkSize = options.chunkSize ?? 1
  assertInteger('chunkSize', chunkSize, { min: 1 })
  const candidates = nonLoopEdges(graph)
  const removeCount = options.removeCount ?? candidates.length
  assertInteger('removeCount', removeCount, { min: 0, max: candidates.length })

  const order: number[] = []
  let current = graph
  // original index of each edge of `current`
  let originalOf = Int32Array.from({ length: graph.numEdges }, (_, k) => k)
  const scorer = new EdgeScorer(length)
  while (order.length < removeCount) {
    const take = Math.min(chunkSize, removeCount - order.length)
    const ranked = scorer.rank(current, take)
    for (const e of ranked) order.push(originalOf[e]!)
    const keep: number[] = []
    const drop = new Uint8Array(current.numEdges)
    for (const e of ranked) drop[e] = 1
    for (let k = 0; k < current.numEdges; k++) if (!drop[k]) keep.push(originalOf[k]!)
    current = current.removeEdges(ranked)
    originalOf = Int32Array.from(keep)
  }
  const orderArr = Int32Array.from(order)
  return { order: orderArr, graph: graph.removeEdges(orderArr) }
}

/** Options of {@link oneWis}. */
export interface OneWisOptions {
  /** Number of edges to remove (default: every edge that is not a self loop). */
  removeCount?: number
}

/**
 * 1-WIS, the efficient special case ℓ = 1 of WIS (Razin, Verbin, Cohen 2023, Algorithm 2): since
 * WI_{1,t}({t}) = deg(t) + 1, the lexicographic rule reduces to removing the edge {u, v} with the
 * largest min(deg u, deg v), ties by the largest max(deg u, deg v), then the lower edge index. A
 * max-heap with lazy updates gives O((|E| + Σ_v deg(v)²) log |E|) for a full removal order; it
 * returns the same order as `wis(graph, { length: 1 })`.
 * @example oneWis(graph, { removeCount: 1000 }).order
 */
export function oneWis(graph: Graph, options: OneWisOptions = {}): SparsifyResult {
  assertGraph(graph)
  assertKnownOptions('oneWis', options, ['removeCount'])
  const candidates = nonLoopEdges(graph)
  const removeCount = options.removeCount ?? candidates.length
  assertInteger('removeCount', removeCount, { min: 0, max: candidates.length })
  const deg = graph.degrees()
  const { edges, offsets, neighborList, edgeOfEntry } = graph
  const removed = new Uint8Array(graph.numEdges)
  const heap = new EdgeHeap(candidates.length * 2)
  const keyOf = (e: number): [number, number] => {
    const a = deg[edges[2 * e]!]!
    const b = deg[edges[2 * e + 1]!]!
    return a < b ? [a, b] : [b, a]
  }
  for (const e of candidates) {
    const [lo, hi] = keyOf(e)
    heap.push(e, lo, hi)
  }
  const order = new Int32Array(removeCount)
  let count = 0
  while (count < removeCount) {
    const top = heap.pop()
    const e = top.edge
    if (removed[e]) continue
    const [lo, hi] = keyOf(e)
    if (lo !== top.lo || hi !== top.hi) continue // stale entry; the fresh one is in the heap
    removed[e] = 1
    order[count++] = e
    const u = edges[2 * e]!
    const v = edges[2 * e + 1]!
    deg[u]!--
    deg[v]!--
    for (const w of [u, v]) {
      for (let i = offsets[w]!; i < offsets[w + 1]!; i++) {
        const f = edgeOfEntry[i]!
        if (removed[f] || neighborList[i] === w) continue
        const [a, b] = keyOf(f)
        heap.push(f, a, b)
      }
    }
  }
  return { order, graph: graph.removeEdges(order) }
}

/** @internal Indices of the edges that are not self loops. */
export function nonLoopEdges(graph: Graph): number[] {
  const out: number[] = []
  for (let k = 0; k < graph.numEdges; k++) if (graph.edges[2 * k] !== graph.edges[2 * k + 1]) out.push(k)
  return out
}

/** Ranks the edges of a graph by the WIS criterion. */
class EdgeScorer {
  private readonly length: number
  constructor(length: number) {
    this.length = length
  }

  /** The `take` best edges of `g` to remove, best first. */
  rank(g: Graph, take: number): number[] {
    const n = g.numNodes
    const m = g.numEdges
    const val = this.length <= 2 ? closedFormValues(g, this.length) : vertexWalkIndices(g, this.length)
    const deg = g.degrees()
    const tri = this.length === 2 ? triangles(g) : null
    // δ_e as sorted (value, signed count) runs, in one pool.
    const start = new Int32Array(m + 1)
    const poolV: number[] = []
    const poolC: number[] = []
    // scratch for one edge's changes: (value, ±1) pairs, grown on demand, insertion-sorted in place
    let vals = new Float64Array(64)
    let signs = new Int8Array(64)
    let cnt = 0
    const mark = new Int32Array(n).fill(-1)
    const bufs = closedWalkBuffers(n)
    const cands: number[] = []
    const ballMark = new Int32Array(n).fill(-1)
    const ball: number[] = []
    const push = (x: number, sign: number): void => {
      if (cnt === vals.length) {
        const v2 = new Float64Array(cnt * 2); v2.set(vals); vals = v2
        const s2 = new Int8Array(cnt * 2); s2.set(signs); signs = s2
      }
      // insertion sort by value
      let i = cnt++
      while (i > 0 && vals[i - 1]! > x) { vals[i] = vals[i - 1]!; signs[i] = signs[i - 1]!; i-- }
      vals[i] = x
      signs[i] = sign
    }
    const change = (t: number, next: number): void => {
      const old = val[t]!
      if (old === next) return
      push(old, -1)
      push(next, 1)
    }
    for (let e = 0; e < m; e++) {
      start[e] = poolV.length
      const u = g.edges[2 * e]!
      const v = g.edges[2 * e + 1]!
      if (u === v) continue
      cands.push(e)
      cnt = 0
      if (this.length === 1) {
        change(u, deg[u]! > 1 ? deg[u]! : 0)
        change(v, deg[v]! > 1 ? deg[v]! : 0)
      } else if (this.length === 2) {
        // common neighbours of u and v
        for (let i = g.offsets[u]!; i < g.offsets[u + 1]!; i++) mark[g.neighborList[i]!] = e
        let cn = 0
        for (let i = g.offsets[v]!; i < g.offsets[v + 1]!; i++) {
          const w = g.neighborList[i]!
          if (w !== u && w !== v && mark[w] === e) {
            cn++
            change(w, val[w]! - 2)
          }
        }
        const du = deg[u]! - 1
        change(u, du > 0 ? 2 * (tri![u]! - cn) + 3 * du + 1 : 0)
        const dv = deg[v]! - 1
        change(v, dv > 0 ? 2 * (tri![v]! - cn) + 3 * dv + 1 : 0)
      } else {
        // vertices within ⌊ℓ/2⌋ hops of u or v: the only ones with a closed (ℓ+1)-walk through e
        const radius = this.length >> 1
        ball.length = 0
        ballMark[u] = e
        ballMark[v] = e
        ball.push(u, v)
        let lo = 0
        for (let r = 0; r < radius; r++) {
          const hi = ball.length
          for (let a = lo; a < hi; a++) {
            const x = ball[a]!
            for (let i = g.offsets[x]!; i < g.offsets[x + 1]!; i++) {
              const w = g.neighborList[i]!
              if (ballMark[w] !== e) { ballMark[w] = e; ball.push(w) }
            }
          }
          lo = hi
        }
        for (const t of ball) {
          const isolated = (t === u || t === v) ? deg[t]! <= 1 : !hasNeighbor(g, t)
          change(t, isolated ? 0 : closedWalks(g, t, this.length + 1, bufs, e))
        }
      }
      // merge equal values into signed counts
      let i = 0
      while (i < cnt) {
        const x = vals[i]!
        let c = 0
        while (i < cnt && vals[i] === x) c += signs[i++]!
        if (c !== 0) { poolV.push(x); poolC.push(c) }
      }
    }
    start[m] = poolV.length
    const end = (e: number): number => {
      // runs of e end where the next edge's start
      return start[e + 1]!
    }
    // positive when removing e leaves a lexicographically larger sorted vector than removing f
    const better = (e: number, f: number): number => {
      let i = start[e]!
      let j = start[f]!
      const ie = end(e)
      const jf = end(f)
      while (i < ie || j < jf) {
        const xe = i < ie ? poolV[i]! : Infinity
        const xf = j < jf ? poolV[j]! : Infinity
        if (xe === xf) {
          const ce = poolC[i]!
          const cf = poolC[j]!
          if (ce !== cf) return ce < cf ? 1 : -1
          i++
          j++
        } else if (xe < xf) {
          return poolC[i]! < 0 ? 1 : -1
        } else {
          return poolC[j]! > 0 ? 1 : -1
        }
      }
      return 0
    }
    if (take === 1) {
      let best = cands[0]!
      for (let k = 1; k < cands.length; k++) if (better(cands[k]!, best) > 0) best = cands[k]!
      return [best]
    }
    cands.sort((e, f) => -better(e, f) || e - f)
    return cands.slice(0, take)
  }
}

/** s_t for ℓ ∈ {1, 2} in closed form. */
function closedFormValues(g: Graph, length: number): Float64Array {
  const deg = g.degrees()
  const out = new Float64Array(g.numNodes)
  if (length === 1) {
    for (let t = 0; t < g.numNodes; t++) out[t] = deg[t]! > 0 ? deg[t]! + 1 : 0
    return out
  }
  const tri = triangles(g)
  for (let t = 0; t < g.numNodes; t++) out[t] = deg[t]! > 0 ? 2 * tri[t]! + 3 * deg[t]! + 1 : 0
  return out
}

/** Number of triangles through each vertex (self loops ignored). */
function triangles(g: Graph): Float64Array {
  const n = g.numNodes
  const tri = new Float64Array(n)
  const mark = new Int32Array(n).fill(-1)
  const { offsets, neighborList } = g
  for (let u = 0; u < n; u++) {
    for (let i = offsets[u]!; i < offsets[u + 1]!; i++) mark[neighborList[i]!] = u
    for (let i = offsets[u]!; i < offsets[u + 1]!; i++) {
      const v = neighborList[i]!
      if (v <= u) continue
      for (let j = offsets[v]!; j < offsets[v + 1]!; j++) {
        const w = neighborList[j]!
        if (w > v && mark[w] === u) {
          tri[u]!++
          tri[v]!++
          tri[w]!++
        }
      }
    }
  }
  return tri
}

/** Max-heap of edges keyed by (lo, hi) descending, then edge index ascending. */
class EdgeHeap {
  private e: Int32Array
  private lo: Int32Array
  private hi: Int32Array
  private size = 0
  constructor(capacity: number) {
    const c = Math.max(16, capacity)
    this.e = new Int32Array(c)
    this.lo = new Int32Array(c)
    this.hi = new Int32Array(c)
  }
  private above(i: number, j: number): boolean {
    const a = this.lo[i]!
    const b = this.lo[j]!
    if (a !== b) return a > b
    const c = this.hi[i]!
    const d = this.hi[j]!
    if (c !== d) return c > d
    return this.e[i]! < this.e[j]!
  }
  private swap(i: number, j: number): void {
    const { e, lo, hi } = this
    let t = e[i]!; e[i] = e[j]!; e[j] = t
    t = lo[i]!; lo[i] = lo[j]!; lo[j] = t
    t = hi[i]!; hi[i] = hi[j]!; hi[j] = t
  }
  push(edge: number, lo: number, hi: number): void {
    if (this.size === this.e.length) {
      const grow = (a: Int32Array): Int32Array => { const b = new Int32Array(a.length * 2); b.set(a); return b }
      this.e = grow(this.e); this.lo = grow(this.lo); this.hi = grow(this.hi)
    }
    let i = this.size++
    this.e[i] = edge; this.lo[i] = lo; this.hi[i] = hi
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.above(i, p)) break
      this.swap(i, p)
      i = p
    }
  }
  pop(): { edge: number; lo: number; hi: number } {
    if (this.size === 0) throw new Error('oneWis: internal error, heap exhausted')
    const top = { edge: this.e[0]!, lo: this.lo[0]!, hi: this.hi[0]! }
    this.size--
    if (this.size > 0) {
      this.e[0] = this.e[this.size]!; this.lo[0] = this.lo[this.size]!; this.hi[0] = this.hi[this.size]!
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < this.size && this.above(l, m)) m = l
        if (r < this.size && this.above(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }
}
