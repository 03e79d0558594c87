import { describe, expect, test } from 'vitest'
import UndirectedGraph from 'graphology'
import { Graph, fromEdges, fromGraphology, toGraphology } from '../src/index'
import { paperGraph } from './helpers'

describe('Graph', () => {
  test('edge list, CSR adjacency and degrees', () => {
    const g = paperGraph()
    expect(g.numNodes).toBe(7)
    expect(g.numEdges).toBe(8)
    expect(Array.from(g.degrees())).toEqual([2, 3, 2, 2, 2, 2, 3])
    expect(Array.from(g.neighbors(1))).toEqual([0, 2, 6])
    expect(g.hasEdge(6, 3)).toBe(true)
    expect(g.hasEdge(0, 3)).toBe(false)
    expect(g.edgeIndex(3, 6)).toBe(7)
    expect(g.edge(7)).toEqual([3, 6])
    const A = g.toDenseAdjacency()
    expect(A.isSymmetric()).toBe(true)
    expect(A.sum()).toBe(16)
  })

  test('flat Int32Array input and normalization of (v, u) to (u, v)', () => {
    const g = fromEdges(3, Int32Array.from([2, 1, 0, 1]))
    expect(Array.from(g.edges)).toEqual([1, 2, 0, 1])
  })

  test('withSelfLoops, removeEdges and subgraph', () => {
    const g = paperGraph()
    const s = g.withSelfLoops()
    expect(s.numEdges).toBe(15)
    expect(s.hasSelfLoops()).toBe(true)
    expect(s.degree(1)).toBe(3)
    expect(s.withSelfLoops().numEdges).toBe(15)
    const r = g.removeEdges([0, 7])
    expect(r.numEdges).toBe(6)
    expect(r.hasEdge(0, 1)).toBe(false)
    expect(r.hasEdge(3, 6)).toBe(false)
    expect(r.hasEdge(0, 4)).toBe(true)
    const sub = g.subgraph([1, 2, 3, 6])
    // b2–r3, b2–r7, r3–r4, r7–r4 → a 4-cycle
    expect(sub.numEdges).toBe(4)
    expect(Array.from(sub.degrees())).toEqual([2, 2, 2, 2])
  })

  test('graphology round trip', () => {
    const g = paperGraph()
    const gg = toGraphology(g, UndirectedGraph)
    expect(gg.order).toBe(7)
    expect(gg.size).toBe(8)
    const { graph, keys } = fromGraphology(gg)
    expect(keys).toEqual(['0', '1', '2', '3', '4', '5', '6'])
    expect(Array.from(graph.edges)).toEqual(Array.from(g.edges))
    expect(g.toGraphology().size).toBe(8)
    const named = g.toGraphology(UndirectedGraph, ['b1', 'b2', 'r3', 'r4', 'b5', 'b6', 'r7'])
    expect(named.hasEdge('b2', 'r7')).toBe(true)
  })

  test('bad input names the argument', () => {
    expect(() => Graph.fromEdges(3, [[0, 3]])).toThrow(/edges: vertex 3 of edge 0 is out of range/)
    expect(() => Graph.fromEdges(3, [[0, 1], [1, 0]])).toThrow(/edges: duplicate edge \(0, 1\)/)
    expect(() => Graph.fromEdges(-1, [])).toThrow(/numNodes/)
    expect(() => Graph.fromEdges(3, Int32Array.from([0]))).toThrow(/even length/)
    expect(() => Graph.fromEdges(3, [[0, 1.5]])).toThrow(/edges: vertex 1.5/)
    const g = paperGraph()
    expect(() => g.removeEdges([8])).toThrow(/indices: edge index 8/)
    expect(() => g.removeEdges([1, 1])).toThrow(/appears twice/)
    expect(() => g.subgraph([0, 9])).toThrow(/nodes: vertex 9/)
    expect(() => g.degree(7)).toThrow(/v: expected a vertex in \[0, 7\)/)
    expect(() => fromGraphology({} as never)).toThrow(/g: expected a graphology graph/)
  })
})
