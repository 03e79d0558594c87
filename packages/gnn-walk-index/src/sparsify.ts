import { assertInteger, assertKnownOptions, assertPositive, dmath, inverse, Matrix, resolveRng, type Rng } from '@theoryml/core'
import { assertGraph } from './brand'
import type { Graph } from './graph'
import { nonLoopEdges, type SparsifyResult } from './wis'

/** Options of {@link randomSparsify}. */
export interface RandomSparsifyOptions {
  /** Number of edges to remove (default: every edge that is not a self loop). */
  removeCount?: number
  /** Seed or stream (default 0). */
  rng?: Rng | number
}

/**
 * Random edge removal, the baseline of the paper's sparsification experiments: a uniformly random
 * order of the edges (self loops excluded), of which the first `removeCount` are removed.
 * @example randomSparsify(graph, { removeCount: 100, rng: 1 }).order
 */
export function randomSparsify(graph: Graph, options: RandomSparsifyOptions = {}): SparsifyResult {
  assertGraph(graph)
  assertKnownOptions('randomSparsify', options, ['removeCount', 'rng'])
  const candidates = nonLoopEdges(graph)
  const removeCount = options.removeCount ?? candidates.length
  assertInteger('removeCount', removeCount, { min: 0, max: candidates.length })
  const rng = resolveRng(options.rng)
  rng.shuffle(candidates)
  const order = Int32Array.from(candidates.slice(0, removeCount))
  return { order, graph: graph.removeEdges(order) }
}

/** Options of {@link effectiveResistances}. */
export interface EffectiveResistanceOptions {
  /** 'exact' (dense inverse, O(n³)), 'approx' (Spielman–Srivastava random projections), or 'auto' (exact up to 400 vertices). */
  method?: 'auto' | 'exact' | 'approx'
  /** Random projections for 'approx' (default 64; relative error about √(2/k)). */
  projections?: number
  /** Relative residual of the conjugate-gradient solves (default 1e-6). */
  tolerance?: number
  /** Seed or stream for the projections (default 0). */
  rng?: Rng | number
}

/**
 * Effective resistance of every edge, R_e = (e_u − e_v)ᵀ L⁺ (e_u − e_v) with L = D − A the Laplacian
 * (self loops ignored; 0 for a self loop). 'exact' inverts L + Σ_c 1_c1_cᵀ/n_c over connected
 * components c (whose inverse is L⁺ + Σ_c 1_c1_cᵀ/n_c, and the extra term cancels within an edge);
 * 'approx' is Spielman & Srivastava (2011): Z = Q B L⁺ with Q a k × m random ±1/√k matrix, each row
 * of Z one Jacobi-preconditioned conjugate-gradient solve, R_e ≈ ‖Z(e_u − e_v)‖².
 * @example effectiveResistances(Graph.fromEdges(2, [[0, 1]])) // Float64Array [1]
 */
export function effectiveResistances(graph: Graph, options: EffectiveResistanceOptions = {}): Float64Array {
  assertGraph(graph)
  assertKnownOptions('effectiveResistances', options, ['method', 'projections', 'tolerance', 'rng'])
  const method = options.method ?? 'auto'
  if (!['auto', 'exact', 'approx'].includes(method)) throw new Error(`method: expected 'auto', 'exact' or 'approx', got '${String(method)}'`)
  const n = graph.numNodes
  const m = graph.numEdges
  const deg = graph.degrees()
  const { edges, offsets, neighborList } = graph
  const R = new Float64Array(m)
  if (method === 'exact' || (method === 'auto' && n <= 400)) {
    const comp = components(graph)
    const size = new Float64Array(n)
    for (let v = 0; v < n; v++) size[comp[v]!]!++
    const M = new Matrix(n, n)
    for (let v = 0; v < n; v++) {
      M.set(v, v, deg[v]!)
      for (let i = offsets[v]!; i < offsets[v + 1]!; i++) if (neighborList[i] !== v) M.set(v, neighborList[i]!, -1)
    }
    for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) if (comp[u] === comp[v]) M.set(u, v, M.get(u, v) + 1 / size[comp[u]!]!)
    const Minv = inverse(M)
    for (let k = 0; k < m; k++) {
      const u = edges[2 * k]!
      const v = edges[2 * k + 1]!
      R[k] = u === v ? 0 : Minv.get(u, u) + Minv.get(v, v) - 2 * Minv.get(u, v)
    }
    return R
  }
  const k = options.projections ?? 64
  assertInteger('projections', k, { min: 1 })
  const tol = options.tolerance ?? 1e-6
  assertPositive('tolerance', tol)
  const rng = resolveRng(options.rng)
  const b = new Float64Array(n)
  const z = new Float64Array(n)
  const cg = conjugateGradient(graph, deg)
  const scale = 1 / Math.sqrt(k)
  for (let p = 0; p < k; p++) {
    // b = Bᵀ q, q_e = ±1/√k, B row e = e_u − e_v.
    b.fill(0)
    for (let e = 0; e < m; e++) {
      const u = edges[2 * e]!
      const v = edges[2 * e + 1]!
      if (u === v) continue
      const q = rng.uniform() < 0.5 ? -scale : scale
      b[u] = b[u]! + q
      b[v] = b[v]! - q
    }
    cg(b, z, tol)
    for (let e = 0; e < m; e++) {
      const d = z[edges[2 * e]!]! - z[edges[2 * e + 1]!]!
      R[e] = R[e]! + d * d
    }
  }
  return R
}

/** Options of {@link spectralSparsify}. */
export interface SpectralSparsifyOptions extends RandomSparsifyOptions {
  /** How effective resistances are computed (see {@link effectiveResistances}). */
  resistance?: EffectiveResistanceOptions
}

/**
 * Spectral sparsification by effective-resistance sampling (Spielman & Srivastava 2011), the
 * paper's spectral baseline, as a removal order: the kept edges are a weighted sample without
 * replacement with probabilities ∝ R_e (Efraimidis–Spirakis keys log(U_e)/R_e); edges are removed
 * in increasing key order, so every prefix leaves a resistance-weighted sample. Edges with high
 * resistance (bridges, edges to leaves; R_e = 1) are the most likely to stay.
 * @example spectralSparsify(graph, { removeCount: 1000, rng: 0 }).order
 */
export function spectralSparsify(graph: Graph, options: SpectralSparsifyOptions = {}): SparsifyResult {
  assertGraph(graph)
  assertKnownOptions('spectralSparsify', options, ['removeCount', 'rng', 'resistance'])
  const candidates = nonLoopEdges(graph)
  const removeCount = options.removeCount ?? candidates.length
  assertInteger('removeCount', removeCount, { min: 0, max: candidates.length })
  const rng = resolveRng(options.rng)
  const R = effectiveResistances(graph, { rng: rng.fork('resistance'), ...(options.resistance ?? {}) })
  const key = new Float64Array(graph.numEdges)
  for (const e of candidates) {
    let u = rng.uniform()
    while (u === 0) u = rng.uniform()
    key[e] = dmath.log(u) / Math.max(R[e]!, 1e-12)
  }
  candidates.sort((a, b) => key[a]! - key[b]! || a - b)
  const order = Int32Array.from(candidates.slice(0, removeCount))
  return { order, graph: graph.removeEdges(order) }
}

/** Connected component index of every vertex. */
function components(graph: Graph): Int32Array {
  const n = graph.numNodes
  const comp = new Int32Array(n).fill(-1)
  const stack = new Int32Array(n)
  let c = 0
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue
    let top = 0
    stack[top++] = s
    comp[s] = c
    while (top > 0) {
      const v = stack[--top]!
      for (let i = graph.offsets[v]!; i < graph.offsets[v + 1]!; i++) {
        const u = graph.neighborList[i]!
        if (comp[u] === -1) { comp[u] = c; stack[top++] = u }
      }
    }
    c++
  }
  return comp
}

/** Jacobi-preconditioned CG for L z = b (b ⟂ each component's constant vector), buffers allocated once. */
function conjugateGradient(graph: Graph, deg: Float64Array): (b: Float64Array, z: Float64Array, tol: number) => void {
  const n = graph.numNodes
  const r = new Float64Array(n)
  const p = new Float64Array(n)
  const q = new Float64Array(n)
  const s = new Float64Array(n)
  const { offsets, neighborList } = graph
  const lap = (x: Float64Array, out: Float64Array): void => {
    for (let v = 0; v < n; v++) {
      let acc = deg[v]! * x[v]!
      for (let i = offsets[v]!; i < offsets[v + 1]!; i++) {
        const u = neighborList[i]!
        if (u !== v) acc -= x[u]!
      }
      out[v] = acc
    }
  }
  return (b, z, tol) => {
    z.fill(0)
    r.set(b)
    let bnorm = 0
    for (let v = 0; v < n; v++) bnorm += b[v]! * b[v]!
    bnorm = Math.sqrt(bnorm)
    if (bnorm === 0) return
    for (let v = 0; v < n; v++) s[v] = deg[v]! > 0 ? r[v]! / deg[v]! : 0
    p.set(s)
    let rs = 0
    for (let v = 0; v < n; v++) rs += r[v]! * s[v]!
    for (let it = 0; it < 10 * n; it++) {
      lap(p, q)
      let pq = 0
      for (let v = 0; v < n; v++) pq += p[v]! * q[v]!
      if (pq <= 0) break
      const alpha = rs / pq
      let rn = 0
      for (let v = 0; v < n; v++) {
        z[v] = z[v]! + alpha * p[v]!
        r[v] = r[v]! - alpha * q[v]!
        rn += r[v]! * r[v]!
      }
      if (Math.sqrt(rn) <= tol * bnorm) return
      for (let v = 0; v < n; v++) s[v] = deg[v]! > 0 ? r[v]! / deg[v]! : 0
      let rsNew = 0
      for (let v = 0; v < n; v++) rsNew += r[v]! * s[v]!
      const beta = rsNew / rs
      rs = rsNew
      for (let v = 0; v < n; v++) p[v] = s[v]! + beta * p[v]!
    }
  }
}
