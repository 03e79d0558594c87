import { Matrix } from '@theoryml/core'
import { pseudoInverse } from 'ml-matrix'
import { describe, expect, test } from 'vitest'
import { effectiveResistances, Graph, karateClub, randomSparsify, spectralSparsify } from '../src/index'
import { randomGraph } from './helpers'

function laplacian(g: Graph): Matrix {
  const A = g.toDenseAdjacency()
  const L = Matrix.mul(A, -1)
  const d = g.degrees()
  for (let v = 0; v < g.numNodes; v++) L.set(v, v, d[v]!)
  return L
}

describe('baselines: random and spectral sparsification', () => {
  test('exact effective resistances match the Laplacian pseudo-inverse; Foster: Σ R_e = n − #components', () => {
    // two components plus an isolated vertex
    const a = randomGraph(10, 0.5, 3)
    const edges = [...Array.from({ length: a.numEdges }, (_, k) => a.edge(k)), [10, 11], [11, 12], [10, 12], [12, 13]] as [number, number][]
    const g = Graph.fromEdges(15, edges)
    const Lp = pseudoInverse(laplacian(g))
    const R = effectiveResistances(g, { method: 'exact' })
    for (let k = 0; k < g.numEdges; k++) {
      const [u, v] = g.edge(k)
      expect(R[k]).toBeCloseTo(Lp.get(u, u) + Lp.get(v, v) - 2 * Lp.get(u, v), 9)
    }
    const sum = R.reduce((s, r) => s + r, 0)
    expect(sum).toBeCloseTo(15 - 3, 9) // components: the G(10, .5) graph (connected for this seed), the 4-vertex one, vertex 14
    expect(R[g.edgeIndex(12, 13)]).toBeCloseTo(1, 12) // a bridge
  })

  test('Spielman–Srivastava projections approximate the exact resistances', () => {
    const { graph } = karateClub()
    const exact = effectiveResistances(graph, { method: 'exact' })
    const approx = effectiveResistances(graph, { method: 'approx', projections: 400, rng: 1, tolerance: 1e-10 })
    let worst = 0
    for (let k = 0; k < graph.numEdges; k++) worst = Math.max(worst, Math.abs(approx[k]! / exact[k]! - 1))
    expect(worst).toBeLessThan(0.3)
    let num = 0
    let den = 0
    for (let k = 0; k < graph.numEdges; k++) { num += (approx[k]! - exact[k]!) ** 2; den += exact[k]! ** 2 }
    expect(Math.sqrt(num / den)).toBeLessThan(0.1)
  })

  test('random and spectral orders are seeded permutations of the edges', () => {
    const { graph } = karateClub()
    for (const f of [randomSparsify, spectralSparsify]) {
      const a = f(graph, { rng: 3 })
      expect(new Set(a.order).size).toBe(graph.numEdges)
      expect(Array.from(f(graph, { rng: 3 }).order)).toEqual(Array.from(a.order))
      expect(Array.from(f(graph, { rng: 4 }).order)).not.toEqual(Array.from(a.order))
      const p = f(graph, { rng: 3, removeCount: 20 })
      expect(Array.from(p.order)).toEqual(Array.from(a.order.slice(0, 20)))
      expect(p.graph.numEdges).toBe(58)
    }
  })

  test('spectral keeps high-resistance edges: the leaf edge 0–11 of the karate club outlives most edges', () => {
    const { graph } = karateClub()
    const leaf = graph.edgeIndex(0, 11)
    const R = effectiveResistances(graph)
    const low = Array.from(R).indexOf(Math.min(...R))
    let leafRank = 0
    let lowRank = 0
    for (let seed = 0; seed < 30; seed++) {
      const order = Array.from(spectralSparsify(graph, { rng: seed }).order)
      leafRank += order.indexOf(leaf) / 30
      lowRank += order.indexOf(low) / 30
    }
    // uniform removal would put both at (m − 1)/2 = 38.5 on average
    expect(leafRank).toBeGreaterThan(50)
    expect(lowRank).toBeLessThan(38.5)
  })

  test('bad input names the argument', () => {
    const { graph } = karateClub()
    expect(() => randomSparsify(graph, { removeCount: 79 })).toThrow(/removeCount: expected an integer in \[0, 78\]/)
    expect(() => spectralSparsify(graph, { removeCount: 1.5 })).toThrow(/removeCount/)
    expect(() => effectiveResistances(graph, { method: 'dense' as never })).toThrow(/method/)
    expect(() => effectiveResistances(graph, { method: 'approx', projections: 0 })).toThrow(/projections/)
    expect(() => randomSparsify(graph, { rng: 'x' as never })).toThrow(/rng/)
  })
})
