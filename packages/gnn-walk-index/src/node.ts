/**
 * Node-only entry of @theoryml/gnn-walk-index (`@theoryml/gnn-walk-index/node`): reading data sets
 * from disk. The main entry stays free of Node built-ins so it bundles for the browser.
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
// Through the package's main entry (external in the build), so graphs share one `Graph` class.
import { parseLinqs, type NodeDataset, type NodeSplit } from '@theoryml/gnn-walk-index'

/**
 * Read a data set in the LINQS text format from a folder holding one `*.content` and one `*.cites`
 * file (e.g. Cora), plus `planetoid-split.json` (`{ train, val, test }` node indices) when present.
 * Errors name the file and line of a malformed entry.
 * @example const { graph, features, labels, classes, split } = loadLinqs('../shared/data/cora')
 */
export function loadLinqs(dir: string): NodeDataset {
  if (typeof dir !== 'string' || dir === '') throw new Error('dir: expected a folder path')
  if (!existsSync(dir)) throw new Error(`dir: folder '${dir}' does not exist`)
  const files = readdirSync(dir)
  const pick = (ext: string): string => {
    const found = files.filter((f) => f.endsWith(ext))
    if (found.length !== 1) throw new Error(`dir: expected exactly one '*${ext}' file in '${dir}', found ${found.length}`)
    return found[0]!
  }
  const contentFile = pick('.content')
  const citesFile = pick('.cites')
  const data = parseLinqs(readFileSync(path.join(dir, contentFile), 'utf8'), readFileSync(path.join(dir, citesFile), 'utf8'), {
    contentName: contentFile,
    citesName: citesFile,
  })
  const splitFile = path.join(dir, 'planetoid-split.json')
  if (existsSync(splitFile)) data.split = readSplit(splitFile, data)
  return data
}

function readSplit(file: string, data: NodeDataset): NodeSplit {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  const byId = new Map(data.ids.map((id, i) => [id, i]))
  const part = (name: 'train' | 'val' | 'test'): Int32Array => {
    const list = raw[name]
    if (!Array.isArray(list)) throw new Error(`${file}: expected an array '${name}'`)
    return Int32Array.from(list, (id: unknown) => {
      const i = byId.get(String(id))
      if (i === undefined) throw new Error(`${file}: '${name}' names unknown node id '${String(id)}'`)
      return i
    })
  }
  return { train: part('train'), val: part('val'), test: part('test') }
}
