import { assertInteger, assertKnownOptions, Matrix, resolveRng, type Rng } from '@theoryml/core'
import UndirectedGraph from 'graphology'
import karate from 'graphology-generators/social/karate-club.js'
import { Graph } from './graph'
import { assertDisjointSplit } from './split-check'

/** A node-classification data set: graph, node features, integer labels and class names. */
export interface NodeDataset {
  graph: Graph
  /** numNodes × numFeatures feature matrix. */
  features: Matrix
  /** Class index of each node (into `classes`). */
  labels: Int32Array
  /** Class names, sorted. */
  classes: string[]
  /** The original node ids, in node order. */
  ids: string[]
  /** A train/val/test split shipped with the data set (e.g. `planetoid-split.json`), if any. */
  split?: NodeSplit
}

/** Disjoint node index sets for training, model selection and testing. */
export interface NodeSplit {
  train: Int32Array
  val: Int32Array
  test: Int32Array
}

/**
 * Zachary's karate club (34 members, 78 friendships), from graphology-generators; vertex i is
 * member i. `clubs[i]` is 0 for Mr. Hi's club and 1 for the Officer's.
 * @example karateClub().graph.numEdges // 78
 */
export function karateClub(): { graph: Graph; clubs: Int32Array } {
  const g = (karate as unknown as (ctor: unknown) => UndirectedGraph)(UndirectedGraph)
  const { graph, keys } = Graph.fromGraphology(g)
  const clubs = Int32Array.from(keys, (k) => (g.getNodeAttribute(k, 'club') === 'Mr. Hi' ? 0 : 1))
  // keys are '0' … '33' in order
  keys.forEach((k, i) => {
    if (k !== String(i)) throw new Error('karateClub: unexpected node order')
  })
  return { graph, clubs }
}

/** Options of {@link parseLinqs}. */
export interface ParseLinqsOptions {
  /** File names used in error messages (default 'content' and 'cites'). */
  contentName?: string
  citesName?: string
}

/** A plain decimal number (no hex, binary, Infinity or NaN spellings that `Number()` accepts). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * Parse the LINQS text format: `content` has one node a line, `id <tab> f₁ … f_d <tab> label`;
 * `cites` one edge a line, `id <tab> id` (direction, duplicates and self loops are dropped: the
 * graph is undirected and simple). Errors name the file and line.
 * @example const { graph, features, labels, classes } = parseLinqs(contentText, citesText)
 */
export function parseLinqs(content: string, cites: string, options: ParseLinqsOptions = {}): NodeDataset {
  assertKnownOptions('parseLinqs', options, ['contentName', 'citesName'])
  if (typeof content !== 'string') throw new Error('content: expected the text of a LINQS .content file')
  if (typeof cites !== 'string') throw new Error('cites: expected the text of a LINQS .cites file')
  const cName = options.contentName ?? 'content'
  const eName = options.citesName ?? 'cites'
  // A UTF-8 byte order mark is not part of the first id; trailing whitespace (a stray tab) is not a field.
  content = content.replace(/^\uFEFF/, '')
  cites = cites.replace(/^\uFEFF/, '')
  const ids: string[] = []
  // Non-zero features as (node, feature, value) triplets: bag-of-words rows are ~99% zeros, and
  // setting only these into a zero matrix is several times faster than building dense rows.
  const nzNode: number[] = []
  const nzFeature: number[] = []
  const nzValue: number[] = []
  const labelNames: string[] = []
  const index = new Map<string, number>()
  let width = -1
  const lines = content.split('\n')
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.replace(/\s+$/, '')
    if (line.trim() === '') continue
    const fields = line.includes(' ') ? line.split(/\t| +/) : line.split('\t')
    if (fields.length < 3) throw new Error(`${cName} line ${ln + 1}: expected 'id, features…, label' (at least 3 tab-separated fields), got ${fields.length}`)
    if (width === -1) width = fields.length
    else if (fields.length !== width) throw new Error(`${cName} line ${ln + 1}: expected ${width} fields like the first line, got ${fields.length}`)
    const id = fields[0]!
    if (index.has(id)) throw new Error(`${cName} line ${ln + 1}: duplicate node id '${id}'`)
    const node = ids.length
    for (let j = 1; j < width - 1; j++) {
      const f = fields[j]!
      if (f === '0') continue
      const x = DECIMAL.test(f) ? Number(f) : Number.NaN
      if (!Number.isFinite(x)) throw new Error(`${cName} line ${ln + 1}: feature ${j} is not a number ('${f}'; expected a plain decimal)`)
      if (x === 0) continue
      nzNode.push(node)
      nzFeature.push(j - 1)
      nzValue.push(x)
    }
    index.set(id, node)
    ids.push(id)
    const label = fields[width - 1]!
    if (label === '') throw new Error(`${cName} line ${ln + 1}: empty class label`)
    labelNames.push(label)
  }
  if (ids.length === 0) throw new Error(`${cName}: no nodes found`)
  const classes = [...new Set(labelNames)].sort()
  const classIndex = new Map(classes.map((c, i) => [c, i]))
  const labels = Int32Array.from(labelNames, (c) => classIndex.get(c)!)
  const n = ids.length
  const seen = new Set<number>()
  const pairs: number[] = []
  const elines = cites.split('\n')
  for (let ln = 0; ln < elines.length; ln++) {
    const line = elines[ln]!.replace(/\r$/, '')
    if (line.trim() === '') continue
    const fields = line.trim().split(/\s+/)
    if (fields.length !== 2) throw new Error(`${eName} line ${ln + 1}: expected 2 node ids, got ${fields.length} fields`)
    const a = index.get(fields[0]!)
    const b = index.get(fields[1]!)
    if (a === undefined) throw new Error(`${eName} line ${ln + 1}: unknown node id '${fields[0]}'`)
    if (b === undefined) throw new Error(`${eName} line ${ln + 1}: unknown node id '${fields[1]}'`)
    if (a === b) continue
    const u = Math.min(a, b)
    const v = Math.max(a, b)
    const key = u * n + v
    if (seen.has(key)) continue
    seen.add(key)
    pairs.push(u, v)
  }
  const features = new Matrix(n, width - 2)
  for (let k = 0; k < nzNode.length; k++) features.set(nzNode[k]!, nzFeature[k]!, nzValue[k]!)
  return { graph: Graph.fromEdges(n, Int32Array.from(pairs)), features, labels, classes, ids }
}

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** Fraction of the vertices used for training (default 0.8, as the paper's code). */
  train?: number
  /** Fraction used for validation (default 0.1); the rest is the test set. */
  val?: number
  /** Seed or stream (default 0). */
  rng?: Rng | number
}

/**
 * A uniformly random train/validation/test split by fractions (the split of the paper's edge-removal
 * experiments: 80% / 10% / 10% of the vertices, fixed across runs): a random permutation, the first
 * ⌊train·n⌋ vertices for training, the next ⌊val·n⌋ for validation, the rest for test.
 * @example const split = randomSplit(2708, { train: 0.8, val: 0.1, rng: 1 }) // 2166 / 270 / 272
 */
export function randomSplit(numNodes: number, options: RandomSplitOptions = {}): NodeSplit {
  assertKnownOptions('randomSplit', options, ['train', 'val', 'rng'])
  assertInteger('numNodes', numNodes, { min: 1 })
  const fTrain = options.train ?? 0.8
  const fVal = options.val ?? 0.1
  for (const [name, f] of [['train', fTrain], ['val', fVal]] as const) {
    if (!Number.isFinite(f) || f < 0 || f > 1) throw new Error(`${name}: expected a fraction in [0, 1], got ${f}`)
  }
  if (fTrain + fVal > 1) throw new Error(`train + val: expected fractions summing to at most 1, got ${fTrain} + ${fVal}`)
  const perm = resolveRng(options.rng).permutation(numNodes)
  const nTrain = Math.floor(fTrain * numNodes)
  const nVal = Math.floor(fVal * numNodes)
  const sort = (a: ArrayLike<number>): Int32Array => Int32Array.from(a).sort()
  return { train: sort(perm.slice(0, nTrain)), val: sort(perm.slice(nTrain, nTrain + nVal)), test: sort(perm.slice(nTrain + nVal)) }
}

/** Options of {@link planetoidSplit}. */
export interface PlanetoidSplitOptions {
  /** Training nodes per class (default 20). */
  perClass?: number
  /** Validation nodes (default 500). */
  val?: number
  /** Test nodes (default 1000). */
  test?: number
  /** Seed or stream (default 0). */
  rng?: Rng | number
}

/**
 * A Planetoid-style split (Yang, Cohen, Salakhutdinov 2016; Kipf & Welling 2017): `perClass` random
 * training nodes of each class, then `val` and `test` random nodes among the rest.
 * @example const { train, val, test } = planetoidSplit(labels, { rng: 0 })
 */
export function planetoidSplit(labels: ArrayLike<number>, options: PlanetoidSplitOptions = {}): NodeSplit {
  assertKnownOptions('planetoidSplit', options, ['perClass', 'val', 'test', 'rng'])
  if (!labels || typeof labels.length !== 'number') throw new Error('labels: expected an array of class indices')
  const perClass = options.perClass ?? 20
  const nVal = options.val ?? 500
  const nTest = options.test ?? 1000
  assertInteger('perClass', perClass, { min: 0 })
  assertInteger('val', nVal, { min: 0 })
  assertInteger('test', nTest, { min: 0 })
  const n = labels.length
  let numClasses = 0
  for (let i = 0; i < n; i++) {
    const c = labels[i]!
    if (!Number.isInteger(c) || c < 0) throw new Error(`labels: expected non-negative integers, got ${c} at index ${i}`)
    numClasses = Math.max(numClasses, c + 1)
  }
  const rng = resolveRng(options.rng)
  const perm = rng.permutation(n)
  const taken = new Int32Array(numClasses)
  const train: number[] = []
  const rest: number[] = []
  for (const i of perm) {
    const c = labels[i]!
    if (taken[c]! < perClass) {
      taken[c]!++
      train.push(i)
    } else rest.push(i)
  }
  if (nVal + nTest > rest.length) throw new Error(`val + test: expected at most ${rest.length} nodes outside the training set, got ${nVal + nTest}`)
  const sort = (a: number[]): Int32Array => Int32Array.from(a).sort()
  return { train: sort(train), val: sort(rest.slice(0, nVal)), test: sort(rest.slice(nVal, nVal + nTest)) }
}

/**
 * Parse a split file's text, a JSON object `{ train, val, test }` of node ids (as in LINQS
 * `planetoid-split.json`), into node indices of `data` (its `ids`). The parts must be disjoint.
 * Errors name the file (`name`, default 'split') and the unknown id.
 * @example const split = parseSplit('{"train":["35"],"val":["1033"],"test":["103482"]}', data)
 */
export function parseSplit(text: string, data: Pick<NodeDataset, 'ids'>, name = 'split'): NodeSplit {
  if (typeof text !== 'string') throw new Error(`text: expected the text of a split JSON file (${name})`)
  if (!data || !Array.isArray(data.ids)) throw new Error('data: expected a data set with node ids (parseLinqs output)')
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new Error(`${name}: not valid JSON (${(err as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${name}: expected an object { train, val, test } of node ids`)
  const byId = new Map(data.ids.map((id, i) => [id, i]))
  const part = (key: 'train' | 'val' | 'test'): Int32Array => {
    const list = raw[key]
    if (!Array.isArray(list)) throw new Error(`${name}: expected an array '${key}'`)
    return Int32Array.from(list, (id: unknown) => {
      const i = byId.get(String(id))
      if (i === undefined) throw new Error(`${name}: '${key}' names unknown node id '${String(id)}'`)
      return i
    })
  }
  const split = { train: part('train'), val: part('val'), test: part('test') }
  assertDisjointSplit(split, name.replace(/^.*[\\/]/, ''))
  return split
}

/** Cora as `loadCora()` (from `@theoryml/gnn-walk-index/node`) and {@link parseCora} return it: a {@link NodeDataset} with both of its standard splits. */
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

/** Texts of the three Cora files that {@link parseCora} takes (already decompressed). */
export interface CoraTexts {
  /** `cora.content`: one paper a line, id, 1433 binary features, class. */
  content: string
  /** `cora.cites`: one citation a line, two paper ids. */
  cites: string
  /** `planetoid-split.json`: `{ train, val, test }` paper ids. */
  split: string
}

/**
 * Cora from the texts of its three files: the browser-safe half of `loadCora()` (which reads and
 * gunzips the copy shipped in this package's `data/cora`, then calls this). In a browser, fetch
 * the `.gz` files and decompress them with `DecompressionStream('gzip')`. Returns the data set with
 * the Planetoid split and the walk-index paper's random 80/10/10 split
 * (`randomSplit(n, { train: 0.8, val: 0.1, rng: 1 })`). Errors name the file and line.
 * @example
 * const text = async (f) => new Response((await fetch(`data/cora/${f}.gz`)).body.pipeThrough(new DecompressionStream('gzip'))).text()
 * const cora = parseCora({ content: await text('cora.content'), cites: await text('cora.cites'), split: await text('planetoid-split.json') })
 * cora.graph.numEdges // 5278
 */
export function parseCora(texts: CoraTexts): CoraDataset {
  if (!texts || typeof texts !== 'object') throw new Error('texts: expected { content, cites, split } (the texts of the three Cora files)')
  assertKnownOptions('parseCora', texts, ['content', 'cites', 'split'])
  for (const k of ['content', 'cites', 'split'] as const) {
    if (typeof texts[k] !== 'string') throw new Error(`${k}: expected the text of Cora's ${k === 'split' ? 'planetoid-split.json' : `cora.${k}`} file`)
  }
  const data = parseLinqs(texts.content, texts.cites, { contentName: 'cora.content', citesName: 'cora.cites' })
  const planetoid = parseSplit(texts.split, data, 'planetoid-split.json')
  const random = randomSplit(data.graph.numNodes, { train: 0.8, val: 0.1, rng: 1 })
  return { ...data, split: planetoid, splits: { planetoid, random } }
}
