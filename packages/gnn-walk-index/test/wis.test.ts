import { describe, expect, test } from 'vitest'
import { Graph, karateClub, oneWis, wis } from '../src/index'
import { matrixPower, randomGraph, selfLoopAdjacency } from './helpers'

/** Algorithm 1 exactly as written: dense Â^{ℓ+1} of G∖e for every e, sort, lexicographic argmax. */
function bruteForceWis(g: Graph, length: number, removeCount: number): number[] {
  const order: number[] = []
  const removed = new Set<number>()
  for (let step = 0; step < removeCount; step++) {
    let best: number[] | null = null
    let bestEdge = -1
    for (let e = 0; e < g.numEdges; e++) {
      if (removed.has(e)) continue
      const h = g.removeEdges([...removed, e])
      const P = matrixPower(selfLoopAdjacency(h), length + 1)
      const deg = h.degrees()
      const s = Array.from({ length: h.numNodes }, (_, t) => (deg[t]! > 0 ? P.get(t, t) : 0)).sort((a, b) => a - b)
      if (best === null || lexGreater(s, best)) {
        best = s
        bestEdge = e
      }
    }
    removed.add(bestEdge)
    order.push(bestEdge)
  }
  return order
}

function lexGreater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!
  return false
}

describe('Walk Index Sparsification', () => {
  test('wis matches the brute-force Algorithm 1 on tiny graphs (ℓ = 1, 2, 3)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const g = randomGraph(9, 0.4, seed)
      for (const length of [1, 2, 3]) {
        const k = g.numEdges
        expect(Array.from(wis(g, { length, removeCount: k }).order)).toEqual(bruteForceWis(g, length, k))
      }
    }
  })

  test('oneWis equals wis with ℓ = 1 (full order) and removes the max-(min degree, max degree) edge', () => {
    for (const seed of [5, 6, 7]) {
      const g = randomGraph(20, 0.25, seed)
      expect(Array.from(oneWis(g).order)).toEqual(Array.from(wis(g, { length: 1 }).order))
    }
    const { graph } = karateClub()
    const order = oneWis(graph).order
    expect(Array.from(order)).toEqual(Array.from(wis(graph, { length: 1 }).order))
    // first removal: among edges, the largest min-degree (karate: 0–33 has degrees 16, 17)
    const deg = graph.degrees()
    const [u, v] = graph.edge(order[0]!)
    let bestMin = 0
    for (let e = 0; e < graph.numEdges; e++) bestMin = Math.max(bestMin, Math.min(deg[graph.edges[2 * e]!]!, deg[graph.edges[2 * e + 1]!]!))
    expect(Math.min(deg[u]!, deg[v]!)).toBe(bestMin)
  })

  test('the removal order is a permutation of a subset of the edges; prefixes are consistent', () => {
    const { graph } = karateClub()
    for (const r of [oneWis(graph, { removeCount: 40 }), wis(graph, { removeCount: 40, length: 2, chunkSize: 5 }), wis(graph, { removeCount: 40, length: 3 })]) {
      expect(r.order.length).toBe(40)
      expect(new Set(r.order).size).toBe(40)
      for (const e of r.order) expect(e >= 0 && e < graph.numEdges).toBe(true)
      expect(r.graph.numEdges).toBe(graph.numEdges - 40)
      for (const e of r.order) expect(r.graph.hasEdge(...graph.edge(e))).toBe(false)
    }
    const full = wis(graph, { length: 2 }).order
    expect(Array.from(wis(graph, { length: 2, removeCount: 10 }).order)).toEqual(Array.from(full.slice(0, 10)))
    expect(new Set(full).size).toBe(graph.numEdges)
  })

  test('chunked WIS ranks the first chunk like the exact first step and skips self loops', () => {
    const g = randomGraph(25, 0.2, 9)
    const exactFirst = wis(g, { length: 2, removeCount: 1 }).order[0]
    expect(wis(g, { length: 2, removeCount: 10, chunkSize: 10 }).order[0]).toBe(exactFirst)
    const loops = g.withSelfLoops()
    const r = wis(loops, { length: 2 })
    expect(r.order.length).toBe(g.numEdges)
    expect(r.graph.numEdges).toBe(25)
    expect(() => oneWis(loops, { removeCount: g.numEdges + 1 })).toThrow(/removeCount/)
  })

  test('bad input names the argument', () => {
    const g = randomGraph(8, 0.5, 1)
    expect(() => wis(g, { removeCount: g.numEdges + 1 })).toThrow(new RegExp(`removeCount: expected an integer in \\[0, ${g.numEdges}\\]`))
    expect(() => oneWis(g, { removeCount: -1 })).toThrow(/removeCount/)
    expect(() => wis(g, { length: 0 })).toThrow(/length/)
    expect(() => wis(g, { chunkSize: 0 })).toThrow(/chunkSize/)
    expect(() => wis(g, { chunk: 3 } as never)).toThrow(/unknown option 'chunk'/)
    expect(() => oneWis([] as never)).toThrow(/graph: expected a Graph/)
  })
})
