import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { karateClub, parseLinqs, planetoidSplit, randomSplit, type NodeSplit } from '../src/index'
import { loadCora, loadLinqs } from '../src/node'

const shipped = path.resolve(__dirname, '../data/cora')
const coraClasses = ['Case_Based', 'Genetic_Algorithms', 'Neural_Networks', 'Probabilistic_Methods', 'Reinforcement_Learning', 'Rule_Learning', 'Theory']
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i)

describe('data sets', () => {
  test('karate club: 34 members, 78 edges, the two clubs', () => {
    const { graph, clubs } = karateClub()
    expect(graph.numNodes).toBe(34)
    expect(graph.numEdges).toBe(78)
    expect(graph.degree(0)).toBe(16)
    expect(graph.degree(33)).toBe(17)
    expect(clubs.reduce((s, c) => s + c, 0)).toBe(17)
  })

  test('loadCora: the shipped Cora, 2708 nodes, 5278 edges, 1433 binary features, 7 classes, checksums of the source', () => {
    const t0 = performance.now()
    const d = loadCora()
    const ms = performance.now() - t0
    expect(ms).toBeLessThan(10_000) // ≈ 0.3 s on an idle core: a loose bound that still catches a pathological slowdown
    expect(d.graph.numNodes).toBe(2708)
    expect(d.graph.numEdges).toBe(5278)
    expect(d.features.rows).toBe(2708)
    expect(d.features.columns).toBe(1433)
    expect(d.classes).toEqual(coraClasses)
    expect(d.ids).toEqual(range(0, 2708).map(String))
    // Checksums computed independently in Python (gzip module, str.split) from the LINQS source files.
    let featureSum = 0
    let weighted = 0
    let nonBinary = 0
    for (let i = 0; i < 2708; i++) {
      const row = d.features.getRow(i)
      for (let j = 0; j < 1433; j++) {
        const x = row[j]!
        featureSum += x
        if (x !== 0) weighted += i * 1433 + j
        if (x !== 0 && x !== 1) nonBinary++
      }
    }
    expect(featureSum).toBe(49216)
    expect(weighted).toBe(94910363407)
    expect(nonBinary).toBe(0)
    expect([0, 1, 2].map((i) => d.features.getRow(i).reduce((a, b) => a + b, 0))).toEqual([9, 23, 19])
    const histogram = new Array<number>(7).fill(0)
    for (const c of d.labels) histogram[c]!++
    expect(histogram).toEqual([351, 217, 418, 818, 426, 298, 180])
    let degreeSum = 0
    for (let v = 0; v < 2708; v++) degreeSum += d.graph.degree(v)
    expect(degreeSum).toBe(10556)
    expect(d.graph.edges.reduce((a, b) => a + b, 0)).toBe(13820218)
  })

  test('loadCora: the Planetoid split (140/500/1000, 20 per class) and the paper\'s random 80/10/10 split, each disjoint', () => {
    const d = loadCora()
    const { planetoid, random } = d.splits
    expect(d.split).toBe(planetoid)
    expect(Array.from(planetoid.train)).toEqual(range(0, 140))
    expect(Array.from(planetoid.val)).toEqual(range(140, 640))
    expect(Array.from(planetoid.test)).toEqual(range(1708, 2708))
    const perClass = new Array<number>(7).fill(0)
    for (const v of planetoid.train) perClass[d.labels[v]!]!++
    expect(perClass).toEqual(new Array(7).fill(20))
    // 80% / 10% / 10% of 2708: ⌊2166.4⌋, ⌊270.8⌋, the rest
    expect([random.train.length, random.val.length, random.test.length]).toEqual([2166, 270, 272])
    const sum = (a: Int32Array): number => a.reduce((s, x) => s + x, 0)
    expect([sum(random.train), sum(random.val), sum(random.test)]).toEqual([2935214, 366761, 363303])
    const expected = randomSplit(2708, { train: 0.8, val: 0.1, rng: 1 })
    for (const k of ['train', 'val', 'test'] as const) expect(Array.from(random[k])).toEqual(Array.from(expected[k]))
    const disjoint = (s: NodeSplit, size: number): void => {
      const all = new Set([...s.train, ...s.val, ...s.test])
      expect(all.size).toBe(s.train.length + s.val.length + s.test.length)
      expect(all.size).toBe(size)
      for (const v of all) expect(v >= 0 && v < 2708).toBe(true)
    }
    disjoint(planetoid, 1640)
    disjoint(random, 2708)
  })

  test('loadLinqs reads plain and gzipped LINQS folders alike, and names the ambiguity of both', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linqs-'))
    try {
      const gz = (f: string): Buffer => readFileSync(path.join(shipped, f))
      // A plain-text copy of the shipped Cora: the same data as the gzipped folder.
      writeFileSync(path.join(dir, 'cora.content'), gunzipSync(gz('cora.content.gz')))
      writeFileSync(path.join(dir, 'cora.cites'), gunzipSync(gz('cora.cites.gz')))
      writeFileSync(path.join(dir, 'planetoid-split.json'), gunzipSync(gz('planetoid-split.json.gz')))
      const plain = loadLinqs(dir)
      const packed = loadLinqs(shipped)
      expect(plain.graph.numEdges).toBe(5278)
      expect(Array.from(plain.graph.edges)).toEqual(Array.from(packed.graph.edges))
      expect(Array.from(plain.labels)).toEqual(Array.from(packed.labels))
      expect(plain.features.sum()).toBe(packed.features.sum())
      expect(Array.from(plain.split!.test)).toEqual(Array.from(packed.split!.test))
      writeFileSync(path.join(dir, 'cora.cites.gz'), gz('cora.cites.gz'))
      expect(() => loadLinqs(dir)).toThrow(/dir: expected exactly one '\*\.cites' or '\*\.cites\.gz' file in .*, found 2/)
      rmSync(path.join(dir, 'cora.cites'))
      writeFileSync(path.join(dir, 'planetoid-split.json.gz'), gz('planetoid-split.json.gz'))
      expect(() => loadLinqs(dir)).toThrow(/found both/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
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
