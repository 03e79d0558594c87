import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { Graph, karateClub, oneWis, wis } from '../src/index'
import { loadCora } from '../src/node'

// tests/fixtures/make_gnn_walk_index.py: WIS in numpy, independently of this package.
const fixture = JSON.parse(readFileSync(path.resolve(__dirname, '../../../tests/fixtures/gnn-walk-index.json'), 'utf8')) as {
  karateEdges: [number, number][]
  karate: { length: number; chunkSize: number; order: number[] }[]
  cora: { oneWis: number[]; wis2Chunk100First300: number[] }
}

describe('WIS against the numpy fixture', () => {
  test('karate club: the paper-code-style dense WIS (ℓ = 1, 2, 3; chunks 1 and 5) gives the same orders', () => {
    const { graph } = karateClub()
    expect(Array.from(graph.edges)).toEqual(fixture.karateEdges.flat())
    const g = Graph.fromEdges(34, fixture.karateEdges)
    for (const c of fixture.karate) {
      expect(Array.from(wis(g, { length: c.length, chunkSize: c.chunkSize }).order)).toEqual(c.order)
    }
  })

  test('Cora: the full 1-WIS order and the first 300 edges of chunked 2-WIS match numpy', () => {
    const g = loadCora().graph
    expect(Array.from(oneWis(g).order)).toEqual(fixture.cora.oneWis)
    expect(Array.from(wis(g, { length: 2, chunkSize: 100, removeCount: 300 }).order)).toEqual(fixture.cora.wis2Chunk100First300)
  })
})
