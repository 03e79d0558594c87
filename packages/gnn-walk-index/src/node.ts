/**
 * Node-only entry of @theoryml/gnn-walk-index (`@theoryml/gnn-walk-index/node`): reading data sets
 * from disk, including the Cora copy shipped inside the package (`loadCora()`). The main entry stays
 * free of Node built-ins so it bundles for the browser.
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
// Through the package's main entry (external in the build), so graphs share one `Graph` class.
import { parseCora, parseLinqs, parseSplit, type CoraDataset, type NodeDataset, type NodeSplit } from '@theoryml/gnn-walk-index'

/**
 * Read a data set in the LINQS text format from a folder holding one `*.content` and one `*.cites`
 * file (e.g. Cora), plus `planetoid-split.json` (`{ train, val, test }` node ids) when present. Each
 * file may instead be gzipped (`*.content.gz`, `*.cites.gz`, `planetoid-split.json.gz`): it is
 * decompressed in memory. Errors name the file and line of a malformed entry.
 * @example const { graph, features, labels, classes, split } = loadLinqs('my-data/citeseer')
 */
export function loadLinqs(dir: string): NodeDataset {
  if (typeof dir !== 'string' || dir === '') throw new Error('dir: expected a folder path')
  if (!existsSync(dir)) throw new Error(`dir: folder '${dir}' does not exist`)
  const files = readdirSync(dir)
  const pick = (ext: string): string => {
    const found = files.filter((f) => f.endsWith(ext) || f.endsWith(`${ext}.gz`))
    if (found.length !== 1) throw new Error(`dir: expected exactly one '*${ext}' or '*${ext}.gz' file in '${dir}', found ${found.length}`)
    return found[0]!
  }
  const contentFile = pick('.content')
  const citesFile = pick('.cites')
  const data = parseLinqs(readText(path.join(dir, contentFile)), readText(path.join(dir, citesFile)), {
    contentName: contentFile,
    citesName: citesFile,
  })
  const splitFile = ['planetoid-split.json', 'planetoid-split.json.gz'].filter((f) => files.includes(f))
  if (splitFile.length > 1) throw new Error(`dir: expected at most one of 'planetoid-split.json' and 'planetoid-split.json.gz' in '${dir}', found both`)
  if (splitFile.length === 1) data.split = readSplit(path.join(dir, splitFile[0]!), data)
  return data
}

/** A file's text, gunzipped first when its name ends in `.gz`. */
function readText(file: string): string {
  return file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8')
}

function readSplit(file: string, data: NodeDataset): NodeSplit {
  return parseSplit(readText(file), data, file)
}

export type { CoraDataset } from '@theoryml/gnn-walk-index'

/** The folder of the shipped Cora files: `data/cora` at the package root, one level above `src/` and `dist/`. */
function coraDir(): string {
  // CJS build: __dirname; ESM build and ESM source: import.meta.url (tsup adds no shims).
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(here, '..', 'data', 'cora')
}

/**
 * The Cora citation graph (McCallum et al. 2000, as distributed by LINQS; Planetoid node order and
 * split of Yang, Cohen & Salakhutdinov 2016), read from the gzipped copy shipped in this package's
 * `data/cora` folder: no argument, no network. 2708 papers (nodes), 5278 undirected citation edges,
 * 1433 binary bag-of-words features, 7 classes. Source, citation and license note:
 * `data/cora/README.md` in the package. Parsing takes ≈ 0.2–0.3 s; call it once and keep the result.
 * @example
 * const cora = loadCora()
 * cora.graph.numEdges              // 5278
 * cora.splits.planetoid.train.length // 140 (= cora.split.train.length)
 * cora.splits.random.train.length    // 2166 (80% of 2708)
 */
export function loadCora(): CoraDataset {
  const dir = coraDir()
  if (!existsSync(dir)) throw new Error(`loadCora: the shipped data folder '${dir}' is missing (is the package's 'data' folder installed?)`)
  const file = (name: string): string => {
    const f = path.join(dir, `${name}.gz`)
    if (!existsSync(f)) throw new Error(`loadCora: '${dir}' has no ${name}.gz`)
    return readText(f)
  }
  return parseCora({ content: file('cora.content'), cites: file('cora.cites'), split: file('planetoid-split.json') })
}
