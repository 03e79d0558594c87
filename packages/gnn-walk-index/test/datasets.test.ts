import path from 'node:path'
import { existsSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { karateClub, parseLinqs, planetoidSplit, randomSplit } from '../src/index'
import { loadLinqs } from '../src/node'

const coraDir = process.env.THEORYML_CORA_DIR ?? path.resolve(process.cwd(), '../shared/data/cora')

describe('data sets', () => {
  test('karate club: 34 members, 78 edges, the two clubs', () => {
    const { graph, clubs } = karateClub()
    expect(graph.numNodes).toBe(34)
    expect(graph.numEdges).toBe(78)
    expect(graph.degree(0)).toBe(16)
    expect(graph.degree(33)).toBe(17)
    expect(clubs.reduce((s, c) => s + c, 0)).toBe(17)
  })

  test.skipIf(!existsSync(coraDir))('loadLinqs reads the shared Cora: 2708 nodes, 5278 edges, 1433 features, 7 classes', () => {
    const d = loadLinqs(coraDir)
    expect(d.graph.numNodes).toBe(2708)
    expect(d.graph.numEdges).toBe(5278)
    expect(d.features.rows).toBe(2708)
    expect(d.features.columns).toBe(1433)
    expect(d.classes).toEqual(['Case_Based', 'Genetic_Algorithms', 'Neural_Networks', 'Probabilistic_Methods', 'Reinforcement_Learning', 'Rule_Learning', 'Theory'])
    expect(d.labels.length).toBe(2708)
    expect(d.split!.train.length).toBe(140)
    expect(d.split!.val.length).toBe(500)
    expect(d.split!.test.length).toBe(1000)
    // Planetoid split: 20 training nodes per class
    const perClass = new Array(7).fill(0)
    for (const v of d.split!.train) perClass[d.labels[v]!]++
    expect(perClass).toEqual(new Array(7).fill(20))
    // binary bag-of-words features
    expect(d.features.max()).toBe(1)
    expect(d.features.min()).toBe(0)
  })

  test('parseLinqs: ids, undirected de-duplicated edges, and line numbers in errors', () => {
    const content = 'a\t1\t0\tX\nb\t0\t1\tY\n\nc\t1\t1\tX\n'
    const d = parseLinqs(content, 'a\tb\nb\ta\nc\tb\nc\tc\n')
    expect(d.ids).toEqual(['a', 'b', 'c'])
    expect(d.classes).toEqual(['X', 'Y'])
    expect(Array.from(d.labels)).toEqual([0, 1, 0])
    expect(d.graph.numEdges).toBe(2)
    expect(d.features.to2DArray()).toEqual([[1, 0], [0, 1], [1, 1]])
    expect(() => parseLinqs('a\t1\t0\tX\nb\t1\tY\n', '')).toThrow(/content line 2: expected 4 fields like the first line, got 3/)
    expect(() => parseLinqs('a\t1\t0\tX\nb\t1\tz\tY\n', '')).toThrow(/content line 2: feature 2 is not a number/)
    expect(() => parseLinqs('a\t1\t0\tX\nb\t0\t1\tY\n', 'a\tb\nb\n')).toThrow(/cites line 2: expected 2 node ids, got 1/)
    expect(() => parseLinqs('a\t1\t0\tX\nb\t0\t1\tY\n', 'a\tb\na\tq\n', { citesName: 'x.cites' })).toThrow(/x.cites line 2: unknown node id 'q'/)
    expect(() => parseLinqs('a\t1\t0\tX\na\t0\t1\tY\n', '')).toThrow(/content line 2: duplicate node id 'a'/)
    expect(() => parseLinqs('', '')).toThrow(/no nodes/)
    expect(() => loadLinqs('/nonexistent/folder')).toThrow(/dir: folder/)
  })

  test('randomSplit: fractions of a seeded permutation, disjoint and covering', () => {
    const s = randomSplit(2708, { rng: 1 })
    expect([s.train.length, s.val.length, s.test.length]).toEqual([2166, 270, 272])
    const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 2708 }, (_, i) => i))
    expect(Array.from(randomSplit(2708, { rng: 1 }).val)).toEqual(Array.from(s.val))
    expect(Array.from(randomSplit(2708, { rng: 2 }).val)).not.toEqual(Array.from(s.val))
    expect(randomSplit(10, { train: 0.5, val: 0.5 }).test.length).toBe(0)
    expect(() => randomSplit(10, { train: 0.8, val: 0.3 })).toThrow(/train \+ val/)
    expect(() => randomSplit(10, { train: -0.1 })).toThrow(/train: expected a fraction/)
    expect(() => randomSplit(0)).toThrow(/numNodes/)
  })

  test('planetoidSplit: per-class training nodes, disjoint val/test, seeded', () => {
    const labels = Int32Array.from({ length: 300 }, (_, i) => i % 3)
    const s = planetoidSplit(labels, { perClass: 5, val: 50, test: 100, rng: 1 })
    expect(s.train.length).toBe(15)
    const all = new Set([...s.train, ...s.val, ...s.test])
    expect(all.size).toBe(165)
    expect(Array.from(planetoidSplit(labels, { perClass: 5, val: 50, test: 100, rng: 1 }).test)).toEqual(Array.from(s.test))
    expect(() => planetoidSplit(labels, { val: 1000 })).toThrow(/val \+ test/)
    expect(() => planetoidSplit([0, -1])).toThrow(/labels: expected non-negative integers, got -1 at index 1/)
  })
})
