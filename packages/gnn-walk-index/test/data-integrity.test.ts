// Loaders and splits that check their data (issue 21): BOM, stray whitespace, strict numbers, file
// names in JSON errors, disjoint splits.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { initTf } from '@theoryml/core/tf'
import { beforeAll, describe, expect, test } from 'vitest'
import { karateClub, parseLinqs } from '../src/index'
import { loadLinqs } from '../src/node'
import { linearPropagation, trainNodeClassifier } from '../src/tf'

const content = 'a\t1\t0\tX\nb\t0\t1\tY\nc\t1\t1\tX\n'
const cites = 'a\tb\nb\tc\n'

describe('parseLinqs edge cases', () => {
  test('a UTF-8 BOM and trailing whitespace (a stray tab, CRLF) are handled, not blamed on the data', () => {
    const d = parseLinqs('\uFEFF' + content.replace(/\n/g, '\t\r\n'), '\uFEFF' + cites)
    expect(d.ids).toEqual(['a', 'b', 'c'])
    expect(d.classes).toEqual(['X', 'Y'])
    expect(d.graph.numEdges).toBe(2)
  })
  test('only plain decimal numbers are features; an empty label is an error naming the line', () => {
    expect(() => parseLinqs('a\t0x10\t0\tX\n', '')).toThrow(/content line 1: feature 1 is not a number \('0x10'; expected a plain decimal\)/)
    expect(() => parseLinqs('a\tInfinity\t0\tX\n', '')).toThrow(/not a number/)
    expect(parseLinqs('a\t1.5e-1\t-2\tX\n', '').features.to2DArray()).toEqual([[0.15, -2]])
    expect(() => parseLinqs('a\t1\t0\t\tY\nb\t1\t0\t\tY\n', '')).toThrow(/content line 1: feature 3 is not a number \(''/)
    expect(() => parseLinqs('a\t1\t0\tX\nb\t1\t0\t \n', '')).toThrow(/content line 2: expected 4 fields/)
  })
})

describe('split files and splits', () => {
  const folder = (split: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'linqs-split-'))
    writeFileSync(path.join(dir, 'toy.content'), content)
    writeFileSync(path.join(dir, 'toy.cites'), cites)
    writeFileSync(path.join(dir, 'planetoid-split.json'), split)
    return dir
  }
  test('malformed JSON names the file; overlapping or repeated ids are errors', () => {
    expect(() => loadLinqs(folder('{"train": [a'))).toThrow(/planetoid-split.json: not valid JSON/)
    expect(() => loadLinqs(folder('[1, 2]'))).toThrow(/planetoid-split.json: expected an object/)
    expect(() => loadLinqs(folder('{"train": ["a"], "val": ["b"], "test": ["a"]}'))).toThrow(/planetoid-split.json.test: vertex 0 is also in planetoid-split.json.train/)
    expect(() => loadLinqs(folder('{"train": ["a", "a"], "val": [], "test": []}'))).toThrow(/planetoid-split.json.train: vertex 0 appears twice/)
    expect(loadLinqs(folder('{"train": ["a"], "val": ["b"], "test": ["c"]}')).split?.test).toEqual(Int32Array.of(2))
  })
  test('trainNodeClassifier refuses a split whose test set overlaps its train set', async () => {
    await initTf()
    const { graph, clubs } = karateClub()
    const n = graph.numNodes
    const features = Array.from({ length: n }, (_, i) => [i % 2, 1])
    const train = Int32Array.from({ length: 20 }, (_, i) => i)
    await expect(trainNodeClassifier({ model: linearPropagation({ depth: 1 }), graph, features, featureDim: 2, labels: clubs, split: { train, val: Int32Array.of(), test: train }, steps: 2 }))
      .rejects.toThrow(/split.test: vertex 0 is also in split.train/)
  })
})

beforeAll(async () => { await initTf() })
