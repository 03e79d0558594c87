/**
 * Tensor completion with a hierarchical tensor factorization trained by gradient descent
 * (Razin, Maman, Cohen 2022): the mean squared error over observed entries, closed-form gradients.
 */
import { assertInteger, assertKnownOptions, assertPositive, relativeError, resolveRng, train, type History, type NdArray, type Params, type Rng } from '@theoryml/core'
import type { StopReason } from '@theoryml/core'
import { checkShapeArg } from './cp'
import { balancedTree, checkHtf, findNode, htf, htfTensorFromFlats, localNormsFromFlats, treeNodes, weightShape, type Htf, type HtfNode, type ModeTree } from './htf'
import { packObservations, resolveOptimizer, topK, type Observations, type OptimizerChoice, type PackedObservations } from './observations'
import { checkTensor, fromFlat } from './tensor'

/**
 * The HTF completion objective, buffers allocated once. For an entry ω, bottom-up:
 *   leaf n: v_n = W^{(n)}[ω_n, :];  interior ν: u_ν[r] = Π_{c∈C(ν)} v_c[r],  v_ν = u_νᵀ W^{(ν)};
 *   Ŵ_ω = v_root. L = (1/|Ω|) Σ_ω (Ŵ_ω − y_ω)².
 * Top-down with δ_root = 2(Ŵ_ω − y_ω)/|Ω|: ∂L/∂W^{(ν)}[r, s] += u_ν[r] δ_ν[s],
 * δu_ν = W^{(ν)} δ_ν, δ_c[r] = δu_ν[r] Π_{c'≠c} v_{c'}[r], and ∂L/∂W^{(n)}[ω_n, s] += δ_n[s].
 * v_ν depends on ω only through its indices in ν's modes, so each node computes it once per
 * distinct observed sub-index (a node over modes {1, 2} of an 8 × 8 × … tensor: at most 64 times).
 */
export class HtfObjective {
  private readonly K: number
  private readonly rows: Int32Array
  private readonly cols: Int32Array
  private readonly isLeaf: Uint8Array
  private readonly kids: Int32Array[]
  /** Distinct keys per node; for interior nodes childKeys[q·nc + ci] is child ci's key of key q. */
  private readonly nKeys: Int32Array
  private readonly childKeys: Int32Array[]
  private readonly rootKey: Int32Array
  private readonly U: Float64Array[]
  private readonly V: Float64Array[]
  private readonly dV: Float64Array[]
  private readonly du: Float64Array
  private readonly tmp: Float64Array

  constructor(readonly nodes: readonly HtfNode[], readonly shape: readonly number[], private readonly obs: PackedObservations) {
    const K = nodes.length
    this.K = K
    const dims = nodes.map((_, k) => weightShape(nodes, k, shape))
    this.rows = Int32Array.from(dims, (d) => d[0])
    this.cols = Int32Array.from(dims, (d) => d[1])
    this.isLeaf = Uint8Array.from(nodes, (n) => (n.mode >= 0 ? 1 : 0))
    this.kids = nodes.map((n) => Int32Array.from(n.children))
    const { count: m, order: N, index } = obs
    const obsKey: Int32Array[] = []
    this.nKeys = new Int32Array(K)
    this.childKeys = []
    nodes.forEach((node, k) => {
      const keys = new Int32Array(m)
      if (node.mode >= 0) {
        for (let j = 0; j < m; j++) keys[j] = index[j * N + node.mode] as number
        this.nKeys[k] = shape[node.mode] as number
        this.childKeys.push(new Int32Array(0))
      } else {
        const ids = new Map<string, number>()
        const ck: number[] = []
        for (let j = 0; j < m; j++) {
          const tuple = node.children.map((c) => (obsKey[c] as Int32Array)[j] as number)
          const key = tuple.join(',')
          let q = ids.get(key)
          if (q === undefined) {
            q = ids.size
            ids.set(key, q)
            ck.push(...tuple)
          }
          keys[j] = q
        }
        this.nKeys[k] = ids.size
        this.childKeys.push(Int32Array.from(ck))
      }
      obsKey.push(keys)
    })
    this.rootKey = obsKey[K - 1] as Int32Array
    this.U = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * n.width))
    this.V = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * (this.cols[k] as number)))
    this.dV = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * (this.cols[k] as number)))
    const maxW = Math.max(1, ...nodes.map((n) => (n.mode >= 0 ? 0 : n.width)))
    this.du = new Float64Array(maxW)
    this.tmp = new Float64Array(maxW)
  }

  /** Loss at the weights (row-major flats, node order); writes gradients into `grads`. */
  evaluate(weights: readonly Float64Array[], grads: readonly Float64Array[]): number {
    const { K, rows: rowsOf, cols: colsOf, isLeaf, kids, nKeys, childKeys, U, V, dV, du, tmp } = this
    // value table of node c: its weights for a leaf (row = index), V for an interior node
    const vals = (c: number): Float64Array => (isLeaf[c] ? (weights[c] as Float64Array) : (V[c] as Float64Array))
    const dvals = (c: number): Float64Array => (isLeaf[c] ? (grads[c] as Float64Array) : (dV[c] as Float64Array))
    for (let k = 0; k < K; k++) {
      ;(grads[k] as Float64Array).fill(0)
      ;(dV[k] as Float64Array).fill(0)
    }
    // forward, post-order
    for (let k = 0; k < K; k++) {
      if (isLeaf[k]) continue
      const R = rowsOf[k] as number
      const cols = colsOf[k] as number
      const W = weights[k] as Float64Array
      const Uk = U[k] as Float64Array
      const Vk = V[k] as Float64Array
      const ch = kids[k] as Int32Array
      const nc = ch.length
      const ck = childKeys[k] as Int32Array
      const nq = nKeys[k] as number
      for (let q = 0; q < nq; q++) {
        const uo = q * R
        const v0 = vals(ch[0] as number)
        const o0 = (ck[q * nc] as number) * R
        for (let r = 0; r < R; r++) Uk[uo + r] = v0[o0 + r] as number
        for (let ci = 1; ci < nc; ci++) {
          const vc = vals(ch[ci] as number)
          const oc = (ck[q * nc + ci] as number) * R
          for (let r = 0; r < R; r++) Uk[uo + r] = (Uk[uo + r] as number) * (vc[oc + r] as number)
        }
        const vo = q * cols
        for (let s = 0; s < cols; s++) Vk[vo + s] = 0
        for (let r = 0; r < R; r++) {
          const ur = Uk[uo + r] as number
          const o = r * cols
          for (let s = 0; s < cols; s++) Vk[vo + s] = (Vk[vo + s] as number) + ur * (W[o + s] as number)
        }
      }
    }
    const { count: m, values } = this.obs
    const scale = 2 / m
    const Vr = V[K - 1] as Float64Array
    const dVr = dV[K - 1] as Float64Array
    const rootKey = this.rootKey
    let loss = 0
    for (let j = 0; j < m; j++) {
      const q = rootKey[j] as number
      const res = (Vr[q] as number) - (values[j] as number)
      loss += res * res
      dVr[q] = (dVr[q] as number) + scale * res
    }
    // backward, reverse post-order
    for (let k = K - 1; k >= 0; k--) {
      if (isLeaf[k]) continue
      const R = rowsOf[k] as number
      const cols = colsOf[k] as number
      const W = weights[k] as Float64Array
      const G = grads[k] as Float64Array
      const Uk = U[k] as Float64Array
      const dVk = dV[k] as Float64Array
      const ch = kids[k] as Int32Array
      const nc = ch.length
      const ck = childKeys[k] as Int32Array
      const nq = nKeys[k] as number
      for (let q = 0; q < nq; q++) {
        const uo = q * R
        const vo = q * cols
        for (let r = 0; r < R; r++) {
          const ur = Uk[uo + r] as number
          const o = r * cols
          let acc = 0
          for (let s = 0; s < cols; s++) {
            const d = dVk[vo + s] as number
            G[o + s] = (G[o + s] as number) + ur * d
            acc += (W[o + s] as number) * d
          }
          du[r] = acc
        }
        for (let ci = 0; ci < nc; ci++) {
          for (let r = 0; r < R; r++) tmp[r] = du[r] as number
          for (let cj = 0; cj < nc; cj++) {
            if (cj === ci) continue
            const vc = vals(ch[cj] as number)
            const oc = (ck[q * nc + cj] as number) * R
            for (let r = 0; r < R; r++) tmp[r] = (tmp[r] as number) * (vc[oc + r] as number)
          }
          const dc = dvals(ch[ci] as number)
          const od = (ck[q * nc + ci] as number) * R
          for (let r = 0; r < R; r++) dc[od + r] = (dc[od + r] as number) + (tmp[r] as number)
        }
      }
    }
    return loss / m
  }
}

/**
 * The HTF completion loss and its closed-form gradients (one Matrix per node) at `h`.
 * @example const { loss, gradients } = htfCompletionGradient(h, observations)
 */
export function htfCompletionGradient(h: Htf, observations: Observations): { loss: number; gradients: ReturnType<typeof fromFlat>[] } {
  const { h: x, flats } = checkHtf(h)
  const obs = packObservations(x.shape, observations)
  const grads = flats.map((f) => new Float64Array(f.length))
  const loss = new HtfObjective(x.nodes, x.shape, obs).evaluate(flats, grads)
  return { loss, gradients: grads.map((g, k) => fromFlat(g, ...weightShape(x.nodes, k, x.shape))) }
}

/** Options of {@link htfCompletion}. */
export interface HtfCompletionOptions {
  shape: readonly number[]
  observations: Observations
  /** The mode tree (default: balanced binary over adjacent modes). */
  tree?: ModeTree
  /** Width of every interior node, or one per interior node (post-order). */
  widths: number | readonly number[]
  /**
   * Standard deviation of the Gaussian initialization (default 0.1: with products of 2N − 1
   * weights per entry this is already small, ~1e-5 per entry at order 4 and widths 16; much
   * smaller values stall below the optimizer's ε).
   */
  initStd?: number
  /** A starting factorization instead of the random one (copied). */
  init?: Htf
  /** 'gd' | 'momentum' | 'adam' | 'groupRmsprop' (with `lr`), a spec, or an optimizer (default 'groupRmsprop'). */
  optimizer?: OptimizerChoice
  /** Learning rate when `optimizer` is a name (default 1e-2). */
  lr?: number
  /** Maximum number of steps (default 10000). */
  steps?: number
  /** Stop once the loss is at most this (default 0: run all steps). */
  stopAtLoss?: number
  /** Record every `every` steps (default steps/100) the top `topK` (default 10) local component norms at `node` (default 'root'). */
  record?: { every?: number; topK?: number; node?: 'root' | number | readonly number[] }
  /** Ground truth, to record relError = ‖Ŵ − target‖_F / ‖target‖_F. */
  target?: NdArray
  rng?: Rng | number
  signal?: AbortSignal
}

/** What {@link htfCompletion} returns. */
export interface HtfCompletionResult {
  /** The learned factorization. */
  htf: Htf
  /** Columns `step`, `loss`, `componentNorms` (local component norms at the recorded node, top k) and, with a target, `relError`. */
  history: History
  steps: number
  stoppedBy: StopReason
}

/**
 * Tensor completion by gradient descent over a hierarchical tensor factorization (2022 paper):
 * min (1/|Ω|) Σ_ω (Ŵ_ω − y_ω)² from weights ~ N(0, initStd²). Local component norms at each node
 * grow one at a time from a small initialization, which biases toward low hierarchical rank.
 * @example const { htf, history } = htfCompletion({ shape: [8, 8, 8, 8], observations, widths: 16, steps: 3000, target })
 */
export function htfCompletion(options: HtfCompletionOptions): HtfCompletionResult {
  assertKnownOptions('htfCompletion', options, ['shape', 'observations', 'tree', 'widths', 'initStd', 'init', 'optimizer', 'lr', 'steps', 'stopAtLoss', 'record', 'target', 'rng', 'signal'])
  const shape = checkShapeArg(options.shape)
  const tree = options.tree ?? balancedTree(shape.length)
  treeNodes(tree, shape.length)
  const obs = packObservations(shape, options.observations)
  const initStd = options.initStd ?? 0.1
  assertPositive('initStd', initStd)
  const steps = options.steps ?? 10000
  assertInteger('steps', steps, { min: 0 })
  const stopAtLoss = options.stopAtLoss ?? 0
  assertPositive('stopAtLoss', stopAtLoss, true)
  assertKnownOptions('record', options.record, ['every', 'topK', 'node'])
  const kTop = options.record?.topK ?? 10
  assertInteger('record.topK', kTop, { min: 1 })
  const every = options.record?.every ?? Math.max(1, Math.floor(steps / 100))
  assertInteger('record.every', every, { min: 1 })
  const target = options.target === undefined ? undefined : checkTensor('target', options.target)
  if (target && (target.shape.length !== shape.length || target.shape.some((d, n) => d !== shape[n]))) {
    throw new Error(`target: expected shape [${shape.join(', ')}], got [${target.shape.join(', ')}]`)
  }
  const optimizer = resolveOptimizer(options.optimizer ?? 'groupRmsprop', options.lr ?? 1e-2)
  const start = options.init !== undefined ? options.init : htf({ shape, tree, widths: options.widths, initStd, rng: resolveRng(options.rng ?? 0) })
  const { h, flats } = checkHtf(start, options.init !== undefined ? 'init' : 'htf')
  if (h.shape.some((d, n) => d !== shape[n]) || h.shape.length !== shape.length) throw new Error(`init: expected shape [${shape.join(', ')}]`)
  const nodes = h.nodes
  const recNode = findNode(nodes, options.record?.node ?? 'root')
  if ((nodes[recNode] as HtfNode).mode >= 0) throw new Error('record.node: expected an interior node')
  const keys = nodes.map((_, k) => `W${k}`)
  const params: Params = {}
  flats.forEach((f, k) => (params[keys[k] as string] = f))
  const objective = new HtfObjective(nodes, shape, obs)
  const ws = new Array<Float64Array>(nodes.length)
  const gs = new Array<Float64Array>(nodes.length)
  const normsBuf = new Float64Array((nodes[recNode] as HtfNode).width)
  const current = (p: Params): Float64Array[] => keys.map((key) => p[key] as Float64Array)
  const record: Record<string, (s: { params: Params }) => number | number[]> = {
    componentNorms: (s) => topK(localNormsFromFlats(nodes, current(s.params), shape, recNode, normsBuf), kTop),
  }
  if (target) record.relError = (s) => relativeError(htfTensorFromFlats(nodes, current(s.params), shape), target)
  const result = train({
    params,
    optimizer,
    steps,
    every,
    record,
    lossAndGrad: (p, g) => {
      for (let k = 0; k < keys.length; k++) {
        ws[k] = p[keys[k] as string] as Float64Array
        gs[k] = g[keys[k] as string] as Float64Array
      }
      return objective.evaluate(ws, gs)
    },
    ...(stopAtLoss > 0 ? { stopWhen: (s: { loss: number }) => s.loss <= stopAtLoss } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const weights = keys.map((key, k) => fromFlat(params[key] as Float64Array, ...weightShape(nodes, k, shape)))
  return { htf: { shape, tree, nodes, weights }, history: result.history, steps: result.steps, stoppedBy: result.stoppedBy }
}
