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
import { parseLinqs, randomSplit, type NodeDataset, type NodeSplit } from '@theoryml/gnn-walk-index'
import { assertDisjointSplit } from './split-check'

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
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(readText(file)) as Record<string, unknown>
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected an object { train, val, test } of node ids`)
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
  const split = { train: part('train'), val: part('val'), test: part('test') }
  assertDisjointSplit(split, path.basename(file))
  return split
}

/** Cora as {@link loadCora} returns it: a {@link NodeDataset} with both of its standard splits. */
export interface CoraDataset extends NodeDataset {
  /** The Planetoid split (140 / 500 / 1000 nodes), the same object as `splits.planetoid`. */
  split: NodeSplit
  splits: {
    /** Yang, Cohen & Salakhutdinov (2016): 20 training nodes per class, 500 validation, 1000 test. */
    planetoid: NodeSplit
    /**
     * The uniformly random 80% / 10% / 10% split of the walk-index paper's edge-removal experiments
     * (2166 / 270 / 272 nodes): `randomSplit(2708, { train: 0.8, val: 0.1, rng: 1 })`.
     */
    random: NodeSplit
  }
}

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
  const data = loadLinqs(dir)
  if (!data.split) throw new Error(`loadCora: '${dir}' has no planetoid-split.json.gz`)
  const planetoid = data.split
  const random = randomSplit(data.graph.numNodes, { train: 0.8, val: 0.1, rng: 1 })
  return { ...data, split: planetoid, splits: { planetoid, random } }
}
