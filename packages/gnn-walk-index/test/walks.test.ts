import { Matrix } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { boundary, Graph, vertexWalkIndices, walkCounts, walkIndex } from '../src/index'
import { matrixPower, paperGraph, randomGraph, selfLoopAdjacency } from './helpers'

describe('walk counts and the walk index', () => {
  test("the paper's figure: boundary, 2-walk index 48, 1-walk index 14", () => {
    const g = paperGraph()
    const I = [0, 1, 4, 5]
    expect(Array.from(boundary(g, I))).toEqual([1, 2, 5, 6])
    expect(walkIndex(g, I, { length: 2 })).toBe(48)
    expect(walkIndex(g, I, { length: 1 })).toBe(14)
    expect(walkIndex(g, I, { length: 0 })).toBe(4)
  })

  test('walkCounts equals Â^ℓ 1 by dense matrix powers', () => {
    for (const seed of [1, 2, 3]) {
      const g = randomGraph(12, 0.3, seed)
      const A = selfLoopAdjacency(g)
      for (const l of [0, 1, 2, 3, 5]) {
        const expected = matrixPower(A, l).mmul(Matrix.ones(g.numNodes, 1)).to1DArray()
        expect(Array.from(walkCounts(g, l))).toEqual(expected)
      }
    }
  })

  test('walk index with a target equals Σ_{c∈C} (Â^ℓ)_{c,t}', () => {
    const g = randomGraph(10, 0.35, 7)
    const A = selfLoopAdjacency(g)
    const I = [0, 2, 3, 7]
    const C = boundary(g, I)
    for (const l of [1, 2, 3]) {
      const P = matrixPower(A, l)
      for (let t = 0; t < g.numNodes; t++) {
        let s = 0
        for (const c of C) s += P.get(c, t)
        expect(walkIndex(g, I, { length: l, target: t })).toBe(s)
      }
    }
  })

  test('symmetric in (I, Iᶜ) and unchanged by existing self loops', () => {
    for (const seed of [4, 5, 6]) {
      const g = randomGraph(15, 0.25, seed)
      const I = [0, 1, 2, 3, 4, 9, 12]
      const Ic = Array.from({ length: 15 }, (_, i) => i).filter((v) => !I.includes(v))
      for (const l of [1, 2, 3]) {
        expect(walkIndex(g, I, { length: l })).toBe(walkIndex(g, Ic, { length: l }))
        expect(walkIndex(g, I, { length: l, target: 5 })).toBe(walkIndex(g, Ic, { length: l, target: 5 }))
        expect(walkIndex(g.withSelfLoops(), I, { length: l })).toBe(walkIndex(g, I, { length: l }))
      }
    }
  })

  test('non-increasing as edges are removed', () => {
    const g = randomGraph(14, 0.3, 11)
    const I = [1, 3, 5, 7, 9]
    let cur = g
    let prev = walkIndex(cur, I, { length: 2 })
    let prevT = walkIndex(cur, I, { length: 2, target: 0 })
    while (cur.numEdges > 0) {
      cur = cur.removeEdges([cur.numEdges - 1])
      const wi = walkIndex(cur, I, { length: 2 })
      const wt = walkIndex(cur, I, { length: 2, target: 0 })
      expect(wi).toBeLessThanOrEqual(prev)
      expect(wt).toBeLessThanOrEqual(prevT)
      prev = wi
      prevT = wt
    }
    expect(prev).toBe(0)
  })

  test('vertexWalkIndices: (Â^{ℓ+1})_tt, 0 for isolated vertices, closed forms for ℓ = 1, 2', () => {
    const g = Graph.fromEdges(12, randomGraph(11, 0.4, 3).edges) // vertex 11 isolated
    const A = selfLoopAdjacency(g)
    const deg = g.degrees()
    for (const l of [1, 2, 3, 4]) {
      const P = matrixPower(A, l + 1)
      const s = vertexWalkIndices(g, l)
      for (let t = 0; t < 12; t++) expect(s[t]).toBe(deg[t]! > 0 ? P.get(t, t) : 0)
      // definition: WI_{ℓ,t}({t})
      for (let t = 0; t < 12; t++) expect(s[t]).toBe(walkIndex(g, [t], { length: l, target: t }))
    }
    const A3 = matrixPower(g.toDenseAdjacency(), 3)
    const s2 = vertexWalkIndices(g, 2)
    const s1 = vertexWalkIndices(g, 1)
    for (let t = 0; t < 11; t++) {
      expect(s1[t]).toBe(deg[t]! + 1)
      expect(s2[t]).toBe(A3.get(t, t) + 3 * deg[t]! + 1)
    }
  })

  test('bad input names the argument', () => {
    const g = paperGraph()
    expect(() => walkIndex(g, [0, 7], { length: 2 })).toThrow(/partition: vertex 7 at position 1 is out of range \[0, 7\)/)
    expect(() => walkIndex(g, [0, 0])).toThrow(/partition: vertex 0 appears twice/)
    expect(() => walkIndex(g, [0, -1])).toThrow(/partition: vertex -1/)
    expect(() => boundary(g, 'abc' as never)).toThrow(/partition/)
    expect(() => walkIndex(g, [0], { length: -1 })).toThrow(/length/)
    expect(() => walkIndex(g, [0], { length: 1, target: 7 })).toThrow(/target/)
    expect(() => walkIndex(g, [0], { lenght: 1 } as never)).toThrow(/unknown option 'lenght'/)
    expect(() => walkCounts({} as never, 1)).toThrow(/graph: expected a Graph/)
    expect(() => vertexWalkIndices(g, 0)).toThrow(/length/)
  })
})
