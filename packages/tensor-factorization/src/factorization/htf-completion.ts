/**
 * Tensor completion with a hierarchical tensor factorization trained by gradient descent
 * (Razin, Maman, Cohen 2022): the mean squared error over observed entries, closed-form gradients.
 */
import { assertKnownOptions, fromFlat, packObservations, resolveRng, TRAINER_OPTION_KEYS, type Matrix, type NdArray } from '@theoryml/core'
import type { Observations, PackedObservations, Recorder, TrainerOptions, TrainerResult, TrainerState } from '@theoryml/core'
import { checkShapeArg } from './cp'
import { balancedTree, checkHtf, findNode, htf, htfTensorFromFlats, localNormsFromFlats, treeNodes, weightShape, type Htf, type HtfNode, type ModeTree } from './htf'
import { completionProblem, runCompletion, topK } from './completion'

/** One interior node as the passes read it: weight shape R × cols, buffers U (keys × R), V and dV (keys × cols), children, child keys. */
interface InteriorNode {
  R: number
  cols: number
  U: Float64Array
  V: Float64Array
  dV: Float64Array
  ch: Int32Array
  nc: number
  ck: Int32Array
  nq: number
}

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
  private readonly isLeaf: Uint8Array
  /** Distinct keys per node; for interior nodes childKeys[q·nc + ci] is child ci's key of key q. */
  private readonly nKeys: Int32Array
  private readonly childKeys: Int32Array[]
  private readonly rootKey: Int32Array
  private readonly V: Float64Array[]
  private readonly dV: Float64Array[]
  /** What the forward and the backward pass read of each interior node (null for a leaf). */
  private readonly interior: (InteriorNode | null)[]
  private readonly du: Float64Array
  private readonly tmp: Float64Array

  constructor(readonly nodes: readonly HtfNode[], readonly shape: readonly number[], private readonly obs: PackedObservations) {
    const K = nodes.length
    this.K = K
    const dims = nodes.map((_, k) => weightShape(nodes, k, shape))
    this.isLeaf = Uint8Array.from(nodes, (n) => (n.mode >= 0 ? 1 : 0))
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
    const cols = (k: number): number => (dims[k] as [number, number])[1]
    const U = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * n.width))
    this.V = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * cols(k)))
    this.dV = nodes.map((n, k) => new Float64Array(n.mode >= 0 ? 0 : (this.nKeys[k] as number) * cols(k)))
    this.interior = nodes.map((n, k) => {
      if (n.mode >= 0) return null
      const ch = Int32Array.from(n.children)
      const R = (dims[k] as [number, number])[0]
      return { R, cols: cols(k), U: U[k] as Float64Array, V: this.V[k] as Float64Array, dV: this.dV[k] as Float64Array, ch, nc: ch.length, ck: this.childKeys[k] as Int32Array, nq: this.nKeys[k] as number }
    })
    const maxW = Math.max(1, ...nodes.map((n) => (n.mode >= 0 ? 0 : n.width)))
    this.du = new Float64Array(maxW)
    this.tmp = new Float64Array(maxW)
  }

  /** Loss at the weights (row-major flats, node order); writes gradients into `grads`. */
  evaluate(weights: readonly Float64Array[], grads: readonly Float64Array[]): number {
    const { K, isLeaf, interior, V, dV, du, tmp } = this
    // value table of node c: its weights for a leaf (row = index), V for an interior node
    const vals = (c: number): Float64Array => (isLeaf[c] ? (weights[c] as Float64Array) : (V[c] as Float64Array))
    const dvals = (c: number): Float64Array => (isLeaf[c] ? (grads[c] as Float64Array) : (dV[c] as Float64Array))
    for (let k = 0; k < K; k++) {
      ;(grads[k] as Float64Array).fill(0)
      ;(dV[k] as Float64Array).fill(0)
    }
    // forward, post-order
    for (let k = 0; k < K; k++) {
      const node = interior[k]
      if (!node) continue
      const { R, cols, U: Uk, V: Vk, ch, nc, ck, nq } = node
      const W = weights[k] as Float64Array
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
      const node = interior[k]
      if (!node) continue
      const { R, cols, U: Uk, dV: dVk, ch, nc, ck, nq } = node
      const W = weights[k] as Float64Array
      const G = grads[k] as Float64Array
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
 * The HTF completion loss and its closed-form gradient at `h` (see {@link HtfObjective}):
 * L = (1/|Ω|) Σ_{ω∈Ω} (Ŵ_ω − y_ω)², grad[k] = ∂L/∂W^{(nodes[k])} (one Matrix per node, the shapes of `h.weights`).
 * @example const { loss, grad } = htfCompletionLossAndGrad(h, observations) // grad[k]: like h.weights[k]
 */
export function htfCompletionLossAndGrad(h: Htf, observations: Observations): { loss: number; grad: Matrix[] } {
  const { h: x, flats } = checkHtf(h)
  const obs = packObservations(x.shape, observations)
  const grads = flats.map((f) => new Float64Array(f.length))
  const loss = new HtfObjective(x.nodes, x.shape, obs).evaluate(flats, grads)
  return { loss, grad: grads.map((g, k) => fromFlat(g, ...weightShape(x.nodes, k, x.shape))) }
}

/** What `record`, `onStep` and `stopWhen` see in {@link htfCompletion} (computed on access). */
export interface HtfCompletionState extends TrainerState {
  /** The current factorization (weights copied). */
  readonly htf: Htf
  /** ∂L/∂W^{(nodes[k])} at `htf`, one Matrix per node (copies). */
  readonly grad: Matrix[]
  /** The local component norms at the `node` option's node, in component order (2022 paper, Def. 2). */
  readonly componentNorms: Float64Array
  /** ‖Ŵ − target‖_F / ‖target‖_F; present only when `target` was given. */
  readonly relError?: number
}

/** Options of {@link htfCompletion}: the common trainer options plus the problem and the initialization. */
export interface HtfCompletionOptions extends TrainerOptions<HtfCompletionState> {
  /** Shape (d_1, …, d_N) of the tensor to complete. */
  shape: readonly number[]
  /** The observed entries Ω and their values (e.g. from core's `sampleObservations`). */
  observations: Observations
  /** The mode tree (default: balanced binary over adjacent modes). */
  tree?: ModeTree
  /** Width of every interior node, or one per interior node (post-order). Required unless `initial` is given. */
  widths?: number | readonly number[]
  /** The initialization scheme: 'gaussian', every weight i.i.d. N(0, initStd²) drawn from `rng` (default). */
  init?: 'gaussian'
  /**
   * Standard deviation of the 'gaussian' initialization (default 0.1: with products of 2N − 1
   * weights per entry this is already small, ~1e-5 per entry at order 4 and widths 16; much
   * smaller values stall below the optimizer's ε).
   */
  initStd?: number
  /** An explicit starting factorization (copied), e.g. from `htf()`; instead of `init`/`initStd`/`widths`/`tree`. */
  initial?: Htf
  /** How many of the largest local component norms the `componentNorms` history column keeps, descending (default 10; 0: no column). */
  topK?: number
  /** The interior node whose local component norms are recorded: 'root' (default), an index into the nodes, or its mode set. */
  node?: 'root' | number | readonly number[]
  /** The full ground-truth tensor: adds the history column relError = ‖Ŵ − target‖_F / ‖target‖_F. */
  target?: NdArray
}

/** What {@link htfCompletion} returns. */
export interface HtfCompletionResult extends TrainerResult {
  /** The learned factorization. */
  htf: Htf
}

/**
 * The defaults of {@link htfCompletion}: init 'gaussian' with std 0.1, GroupRMSprop with lr 1e-2, up
 * to 10000 steps, the top 10 local component norms at the root recorded, seed 0; a history row
 * every max(1, ⌊steps/100⌋) steps.
 */
export const HTF_COMPLETION_DEFAULTS = { init: 'gaussian', initStd: 0.1, optimizer: 'groupRmsprop', lr: 1e-2, steps: 10000, topK: 10, node: 'root', rng: 0 } as const

const HTF_COMPLETION_KEYS = ['shape', 'observations', 'tree', 'widths', 'init', 'initStd', 'initial', 'topK', 'node', 'target', ...TRAINER_OPTION_KEYS]

/**
 * Tensor completion by gradient descent over a hierarchical tensor factorization (2022 paper):
 * min (1/|Ω|) Σ_ω (Ŵ_ω − y_ω)² from weights ~ N(0, initStd²). Local component norms at each node
 * grow one at a time from a small initialization, which biases toward low hierarchical rank.
 * History columns: step, loss, componentNorms (top `topK` local norms at `node`, descending),
 * relError (with a `target`), then `record`'s. Defaults: {@link HTF_COMPLETION_DEFAULTS}.
 * @example const { htf, history } = htfCompletion({ shape: [8, 8, 8, 8], observations, widths: 16, steps: 3000, topK: 3, target })
 */
export function htfCompletion(options: HtfCompletionOptions): HtfCompletionResult {
  assertKnownOptions('htfCompletion', options, HTF_COMPLETION_KEYS)
  const D = HTF_COMPLETION_DEFAULTS
  const shape = checkShapeArg(options.shape)
  const problem = completionProblem(options, shape, D)
  let start: Htf
  if (options.initial !== undefined) {
    for (const key of ['init', 'initStd', 'widths'] as const) {
      if (options[key] !== undefined) throw new Error(`initial: give an explicit factorization (initial) or a random scheme (init, initStd, widths), not both (got ${key})`)
    }
    start = options.initial
  } else {
    const init = options.init ?? D.init
    if (init !== 'gaussian') throw new Error(`init: expected 'gaussian' (weights i.i.d. N(0, initStd²)), got ${JSON.stringify(init)}; give an explicit factorization as \`initial\``)
    if (options.widths === undefined) throw new Error('widths: required (a positive integer, or one per interior node) unless `initial` is given')
    const tree = options.tree ?? balancedTree(shape.length)
    treeNodes(tree, shape.length)
    start = htf({ shape, tree, widths: options.widths, initStd: options.initStd ?? D.initStd, rng: resolveRng(options.rng ?? D.rng) })
  }
  const { h, flats } = checkHtf(start, options.initial !== undefined ? 'initial' : 'htf')
  if (h.shape.some((d, n) => d !== shape[n]) || h.shape.length !== shape.length) throw new Error(`initial: expected shape [${shape.join(', ')}], got [${h.shape.join(', ')}]`)
  if (options.initial !== undefined && options.tree !== undefined && JSON.stringify(options.tree) !== JSON.stringify(h.tree)) throw new Error('tree: differs from the tree of `initial`; omit it')
  const nodes = h.nodes
  const recNode = findNode(nodes, options.node ?? D.node)
  if ((nodes[recNode] as HtfNode).mode >= 0) throw new Error('node: expected an interior node')
  const grads = flats.map((f) => new Float64Array(f.length))
  const objective = new HtfObjective(nodes, shape, problem.obs)
  const normsBuf = new Float64Array((nodes[recNode] as HtfNode).width)
  const kTop = problem.topK
  const columns: Record<string, Recorder<HtfCompletionState>> = {}
  if (kTop > 0) columns.componentNorms = () => topK(localNormsFromFlats(nodes, flats, shape, recNode, normsBuf), kTop)
  const matrices = (bufs: readonly Float64Array[]): Matrix[] => bufs.map((b, k) => fromFlat(b, ...weightShape(nodes, k, shape)))
  const state = {
    step: 0,
    loss: NaN,
    get htf() {
      return { shape, tree: h.tree, nodes, weights: matrices(flats) }
    },
    get grad() {
      return matrices(grads)
    },
    get componentNorms() {
      return localNormsFromFlats(nodes, flats, shape, recNode)
    },
  } as HtfCompletionState
  const evaluate = (): number => objective.evaluate(flats, grads)
  const tensor = (): NdArray => htfTensorFromFlats(nodes, flats, shape)
  const result = runCompletion(options, problem, { state, flats, grads, prefix: 'W', evaluate, tensor, columns, defaultSteps: D.steps })
  return { htf: { shape, tree: h.tree, nodes, weights: matrices(flats) }, ...result }
}
