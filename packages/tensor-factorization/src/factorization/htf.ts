/**
 * Hierarchical tensor factorizations (Razin, Maman, Cohen 2022, Sec. 3): a mode tree T over
 * [N] (leaves the single modes), a width R_ν per interior node ν, and weight matrices
 *   leaf {n}:            W^{(n)} ∈ R^{d_n × R_{Pa(n)}}
 *   interior ν ≠ root:   W^{(ν)} ∈ R^{R_ν × R_{Pa(ν)}}
 *   root:                W^{(root)} ∈ R^{R_root × 1}
 * The end tensor is built bottom-up: for a leaf, φ^{(n), s} = W^{(n)}[:, s]; for an interior node,
 *   φ^{(ν), s} = Σ_{r=1}^{R_ν} W^{(ν)}[r, s] · ⊗_{c ∈ C(ν)} φ^{(c), r},
 * and the tensor is φ^{(root), 1} (modes put back in natural order). The r-th local component at
 * ν is (W^{(ν)}[r, :], (W^{(c)}[:, r])_{c ∈ C(ν)}); a tree of depth one is a CP factorization.
 */
import { Matrix, assertInteger, assertKnownOptions, assertPositive, fromFlat, ndarray, permuteAxes, resolveRng, singularValues, toFlat, type MatrixLike, type NdArray, type Rng } from '@theoryml/core'
import { checkShapeArg } from './cp'
import { checkTensor, unfold } from './tensor'

/** A mode tree: a leaf is a mode index, an interior node the array of its children. */
export type ModeTree = number | readonly ModeTree[]

/** A node of an HTF (post-order: children before parents, the root last). */
export interface HtfNode {
  /** The modes under this node, ascending. */
  modes: number[]
  /** Indices (in `nodes`) of the children; empty for a leaf. */
  children: number[]
  /** Index of the parent; -1 for the root. */
  parent: number
  /** The mode of a leaf; -1 for an interior node. */
  mode: number
  /** Width R_ν of an interior node (number of local components); d_n for a leaf. */
  width: number
}

/** A hierarchical tensor factorization: shape, tree, nodes (post-order) and one weight matrix a node. */
export interface Htf {
  shape: number[]
  tree: ModeTree
  nodes: HtfNode[]
  /** weights[k] is W^{(nodes[k])}: d_n × R_Pa (leaf), R_ν × R_Pa (interior), R_root × 1 (root). */
  weights: Matrix[]
}

/**
 * The balanced binary tree over adjacent modes 0 … order−1 (the left half gets the extra mode).
 * @example balancedTree(4) // [[0, 1], [2, 3]]
 */
export function balancedTree(order: number): ModeTree {
  assertInteger('order', order, { min: 1 })
  const build = (lo: number, hi: number): ModeTree => {
    if (hi - lo === 1) return lo
    const mid = lo + Math.ceil((hi - lo) / 2)
    return [build(lo, mid), build(mid, hi)]
  }
  return build(0, order)
}

/**
 * Validate a mode tree over `order` modes and list its nodes in post-order (root last). Throws
 * when the leaves are not exactly the modes 0 … order−1 or an interior node has < 2 children.
 * @example treeNodes([[0, 1], [2, 3]], 4).map((n) => n.modes) // [[0], [1], [0, 1], [2], [3], [2, 3], [0, 1, 2, 3]]
 */
export function treeNodes(tree: unknown, order: number, name = 'tree'): HtfNode[] {
  const nodes: HtfNode[] = []
  const seen = new Set<number>()
  const visit = (t: unknown, path: string): number => {
    if (typeof t === 'number') {
      if (!Number.isInteger(t) || t < 0 || t >= order) throw new Error(`${name}: leaf ${path} is ${t}, expected a mode index in [0, ${order - 1}]`)
      if (seen.has(t)) throw new Error(`${name}: mode ${t} appears twice; every mode must be exactly one leaf`)
      seen.add(t)
      nodes.push({ modes: [t], children: [], parent: -1, mode: t, width: 0 })
      return nodes.length - 1
    }
    if (!Array.isArray(t)) throw new Error(`${name}: node ${path} must be a mode index or an array of children`)
    if (t.length < 2) throw new Error(`${name}: interior node ${path} has ${t.length} child, expected at least 2`)
    const children = t.map((c, i) => visit(c, `${path}[${i}]`))
    const modes = children.flatMap((c) => (nodes[c] as HtfNode).modes).sort((a, b) => a - b)
    nodes.push({ modes, children, parent: -1, mode: -1, width: 0 })
    const self = nodes.length - 1
    for (const c of children) (nodes[c] as HtfNode).parent = self
    return self
  }
  if (order === 1 && tree === 0) {
    return [{ modes: [0], children: [], parent: -1, mode: 0, width: 0 }]
  }
  visit(tree, 'root')
  if (seen.size !== order) {
    const missing = Array.from({ length: order }, (_, i) => i).filter((i) => !seen.has(i))
    throw new Error(`${name}: does not cover the modes; missing ${missing.join(', ')} of 0 … ${order - 1}`)
  }
  return nodes
}

/** Rows and columns of node k's weight matrix. */
export function weightShape(nodes: readonly HtfNode[], k: number, shape: readonly number[]): [number, number] {
  const node = nodes[k] as HtfNode
  const rows = node.mode >= 0 ? (shape[node.mode] as number) : node.width
  const cols = node.parent < 0 ? 1 : (nodes[node.parent] as HtfNode).width
  return [rows, cols]
}

/** Resolve widths (one number for all interior nodes, or one per interior node in post-order). */
function assignWidths(nodes: HtfNode[], shape: readonly number[], widths: unknown): void {
  const interior = nodes.filter((n) => n.mode < 0)
  if (typeof widths === 'number') {
    assertInteger('widths', widths, { min: 1 })
    for (const n of interior) n.width = widths
  } else if (Array.isArray(widths)) {
    if (widths.length !== interior.length) throw new Error(`widths: expected ${interior.length} widths (one per interior node, post-order), got ${widths.length}`)
    interior.forEach((n, i) => {
      assertInteger(`widths[${i}]`, widths[i], { min: 1 })
      n.width = widths[i] as number
    })
  } else {
    throw new Error('widths: expected a positive integer or an array of them (one per interior node)')
  }
  for (const n of nodes) if (n.mode >= 0) n.width = shape[n.mode] as number
}

/** Options of {@link htf}. */
export interface HtfOptions {
  /** Shape (d_1, …, d_N). */
  shape: readonly number[]
  /** The mode tree (default: the balanced binary tree over adjacent modes). */
  tree?: ModeTree
  /** Width R_ν of every interior node, or one per interior node in post-order. */
  widths: number | readonly number[]
  /** Standard deviation of the i.i.d. Gaussian weights (default 1). */
  initStd?: number
  /** Seed or stream (default 0). */
  rng?: Rng | number
}

/**
 * A random hierarchical tensor factorization: every weight i.i.d. N(0, initStd²).
 * @example const h = htf({ shape: [8, 8, 8, 8], widths: 3, rng: 0 }); htfToTensor(h).shape // [8, 8, 8, 8]
 */
export function htf(options: HtfOptions): Htf {
  assertKnownOptions('htf', options, ['shape', 'tree', 'widths', 'initStd', 'rng'])
  const shape = checkShapeArg(options?.shape)
  const tree = options.tree ?? balancedTree(shape.length)
  const nodes = treeNodes(tree, shape.length)
  assignWidths(nodes, shape, options.widths)
  const std = options.initStd ?? 1
  assertPositive('initStd', std)
  const rng = resolveRng(options.rng ?? 0)
  const weights = nodes.map((_, k) => {
    const [r, c] = weightShape(nodes, k, shape)
    return fromFlat(rng.fillNormal(new Float64Array(r * c), std), r, c)
  })
  return { shape, tree, nodes, weights }
}

/** Validate an Htf object; returns its weights as row-major flats. */
export function checkHtf(h: unknown, name = 'htf'): { h: Htf; flats: Float64Array[] } {
  if (!h || typeof h !== 'object') throw new Error(`${name}: expected an Htf (from htf() or htfCompletion())`)
  const x = h as Htf
  const shape = checkShapeArg(x.shape, `${name}.shape`)
  const nodes = treeNodes(x.tree, shape.length, `${name}.tree`)
  if (!Array.isArray(x.nodes) || x.nodes.length !== nodes.length) throw new Error(`${name}.nodes: expected ${nodes.length} nodes matching the tree`)
  nodes.forEach((n, k) => (n.width = (x.nodes[k] as HtfNode).width))
  if (!Array.isArray(x.weights) || x.weights.length !== nodes.length) throw new Error(`${name}.weights: expected ${nodes.length} weight matrices`)
  const flats = x.weights.map((w, k) => {
    const [r, c] = weightShape(nodes, k, shape)
    if (!Matrix.isMatrix(w) || w.rows !== r || w.columns !== c) throw new Error(`${name}.weights[${k}]: expected a ${r}×${c} Matrix`)
    return toFlat(w)
  })
  return { h: { shape, tree: x.tree, nodes, weights: x.weights }, flats }
}

/** Modes of a node in the tree's left-to-right leaf order. */
function leafOrder(nodes: readonly HtfNode[], k: number): number[] {
  const node = nodes[k] as HtfNode
  if (node.mode >= 0) return [node.mode]
  return node.children.flatMap((c) => leafOrder(nodes, c))
}

/** The end tensor from row-major weight flats. */
export function htfTensorFromFlats(nodes: readonly HtfNode[], flats: readonly Float64Array[], shape: readonly number[]): NdArray {
  // M_k: (Π_{modes of k, leaf order} d) × cols_k, row-major.
  const M = new Array<{ rows: number; data: Float64Array }>(nodes.length)
  nodes.forEach((node, k) => {
    const [rows, cols] = weightShape(nodes, k, shape)
    const W = flats[k] as Float64Array
    if (node.mode >= 0) {
      M[k] = { rows, data: W }
      return
    }
    const R = node.width
    // U = face-splitting product of the children's M (first child slowest), rows × R
    let U = new Float64Array((M[node.children[0] as number] as { data: Float64Array }).data)
    let uRows = (M[node.children[0] as number] as { rows: number }).rows
    for (let ci = 1; ci < node.children.length; ci++) {
      const B = M[node.children[ci] as number] as { rows: number; data: Float64Array }
      const next = new Float64Array(uRows * B.rows * R)
      for (let i = 0; i < uRows; i++) {
        for (let j = 0; j < B.rows; j++) {
          const dst = (i * B.rows + j) * R
          for (let r = 0; r < R; r++) next[dst + r] = (U[i * R + r] as number) * (B.data[j * R + r] as number)
        }
      }
      U = next
      uRows *= B.rows
    }
    const out = new Float64Array(uRows * cols)
    for (let i = 0; i < uRows; i++) {
      for (let r = 0; r < R; r++) {
        const u = U[i * R + r] as number
        if (u === 0) continue
        for (let s = 0; s < cols; s++) out[i * cols + s] = (out[i * cols + s] as number) + u * (W[r * cols + s] as number)
      }
    }
    M[k] = { rows: uRows, data: out }
  })
  const rootIdx = nodes.length - 1
  const order = leafOrder(nodes, rootIdx)
  const t = ndarray((M[rootIdx] as { data: Float64Array }).data, order.map((m) => shape[m] as number))
  if (order.every((m, i) => m === i)) return t
  return permuteAxes(t, shape.map((_, m) => order.indexOf(m)))
}

/**
 * The end tensor of a hierarchical tensor factorization (see the module formula), in natural
 * mode order whatever the tree's leaf order.
 * @example htfToTensor(htf({ shape: [4, 4, 4, 4], widths: 2 })).shape // [4, 4, 4, 4]
 */
export function htfToTensor(h: Htf): NdArray {
  const { h: x, flats } = checkHtf(h)
  return htfTensorFromFlats(x.nodes, flats, x.shape)
}

/** Find a node by its mode set, 'root', or index. */
export function findNode(nodes: readonly HtfNode[], node: unknown): number {
  if (node === 'root') return nodes.length - 1
  if (typeof node === 'number') {
    assertInteger('node', node, { min: 0, max: nodes.length - 1 })
    return node
  }
  if (Array.isArray(node)) {
    const key = [...node].sort((a, b) => a - b).join(',')
    const k = nodes.findIndex((n) => n.modes.join(',') === key)
    if (k < 0) throw new Error(`node: no node of the tree has modes {${node.join(', ')}}`)
    return k
  }
  throw new Error("node: expected 'root', a node index, or the node's set of modes (number[])")
}

/** Local component norms of interior node k from flats, into `out`. */
export function localNormsFromFlats(nodes: readonly HtfNode[], flats: readonly Float64Array[], shape: readonly number[], k: number, out?: Float64Array): Float64Array {
  const node = nodes[k] as HtfNode
  const R = node.width
  const res = out ?? new Float64Array(R)
  const [, cols] = weightShape(nodes, k, shape)
  const W = flats[k] as Float64Array
  for (let r = 0; r < R; r++) {
    let s = 0
    for (let j = 0; j < cols; j++) s += (W[r * cols + j] as number) ** 2
    res[r] = Math.sqrt(s)
  }
  for (const c of node.children) {
    const [rows] = weightShape(nodes, c, shape)
    const Wc = flats[c] as Float64Array
    for (let r = 0; r < R; r++) {
      let s = 0
      for (let i = 0; i < rows; i++) s += (Wc[i * R + r] as number) ** 2
      res[r] = (res[r] as number) * Math.sqrt(s)
    }
  }
  return res
}

/**
 * Norms of the local components at an interior node ν: for r ∈ [R_ν],
 * ‖W^{(ν)}[r, :]‖ · Π_{c ∈ C(ν)} ‖W^{(c)}[:, r]‖ (2022 paper, Def. 2). `node` is 'root', an index
 * into `htf.nodes`, or the node's mode set.
 * @example localComponentNorms(h, 'root') // Float64Array of length R_root
 */
export function localComponentNorms(h: Htf, node: 'root' | number | readonly number[]): Float64Array {
  const { h: x, flats } = checkHtf(h)
  const k = findNode(x.nodes, node)
  if ((x.nodes[k] as HtfNode).mode >= 0) throw new Error(`node: ${String(node)} is a leaf; local components live at interior nodes`)
  return localNormsFromFlats(x.nodes, flats, x.shape, k)
}

/** What {@link hierarchicalRank} returns. */
export interface HierarchicalRank {
  /** The non-root nodes' mode sets, post-order. */
  nodes: number[][]
  /** rank(unfold(tensor, nodes[k])) for each node. */
  ranks: number[]
  /** The singular values of each matricization. */
  singularValues: Float64Array[]
}

/**
 * Hierarchical tensor rank w.r.t. a mode tree (2022 paper, Def. 1): the tuple of ranks of the
 * matricizations unfold(T, ν) over the non-root nodes ν of the tree, each rank the number of
 * singular values above tol·σ_max (default tol 1e-6).
 * @example hierarchicalRank(htfToTensor(htf({ shape: [6, 6, 6, 6], widths: 2 })), [[0, 1], [2, 3]]).ranks // [2, 2, 2, 2, 2, 2]
 */
export function hierarchicalRank(tensor: NdArray, tree?: ModeTree, options: { tol?: number } = {}): HierarchicalRank {
  const t = checkTensor('tensor', tensor, 2)
  assertKnownOptions('hierarchicalRank', options, ['tol'])
  const tol = options.tol ?? 1e-6
  assertPositive('tol', tol)
  const nodes = treeNodes(tree ?? balancedTree(t.shape.length), t.shape.length)
  const out: HierarchicalRank = { nodes: [], ranks: [], singularValues: [] }
  for (const node of nodes) {
    if (node.parent < 0) continue
    const s = singularValues(unfold(t, node.modes) as MatrixLike)
    const smax = s[0] ?? 0
    let rank = 0
    for (const v of s) if (v > tol * smax && v > 0) rank++
    out.nodes.push(node.modes)
    out.ranks.push(rank)
    out.singularValues.push(s)
  }
  return out
}
