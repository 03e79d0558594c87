import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parseCora, parseSplit } from '../src'
import { loadCora } from '../src/node'

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'cora')

describe('parseCora (the browser-safe half of loadCora)', () => {
  test('from the texts of the shipped files it gives what loadCora gives', async () => {
    // The browser's way: DecompressionStream('gzip') over the .gz bytes (Node 18+ has it too).
    const viaStream = async (f: string): Promise<string> =>
      new Response(new Blob([readFileSync(path.join(dir, `${f}.gz`))]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    const cora = parseCora({ content: await viaStream('cora.content'), cites: await viaStream('cora.cites'), split: await viaStream('planetoid-split.json') })
    const ref = loadCora()
    expect(cora.graph.numNodes).toBe(2708)
    expect(cora.graph.numEdges).toBe(5278)
    expect(Array.from(cora.graph.edges)).toEqual(Array.from(ref.graph.edges))
    expect(Array.from(cora.labels)).toEqual(Array.from(ref.labels))
    const bytes = (m: typeof ref.features): Buffer => Buffer.from(Float64Array.from(m.to1DArray()).buffer)
    expect(bytes(cora.features).equals(bytes(ref.features))).toBe(true)
    expect(cora.classes).toEqual(ref.classes)
    for (const s of ['planetoid', 'random'] as const) {
      for (const p of ['train', 'val', 'test'] as const) expect(Array.from(cora.splits[s][p])).toEqual(Array.from(ref.splits[s][p]))
    }
    expect(cora.split).toBe(cora.splits.planetoid)
  }, 60_000)

  test('errors name the argument and the file', () => {
    expect(() => parseCora({ content: 'x', cites: '' } as never)).toThrow(/split: expected the text of Cora's planetoid-split.json/)
    expect(() => parseCora({ content: '', cites: '', split: '{}', extra: 1 } as never)).toThrow(/extra/)
    const data = { ids: ['a', 'b', 'c'] }
    expect(() => parseSplit('{', data, 'my-split.json')).toThrow(/my-split.json: not valid JSON/)
    expect(() => parseSplit('{"train":["a"],"val":["z"],"test":[]}', data)).toThrow(/split: 'val' names unknown node id 'z'/)
    expect(() => parseSplit('{"train":["a"],"val":["a"],"test":[]}', data)).toThrow(/also in/)
    expect(Array.from(parseSplit('{"train":["c"],"val":["a"],"test":["b"]}', data).train)).toEqual([2])
  })
})
