import { createRng, Matrix } from '@theoryml/core'
import { Graph } from '../src/graph'

/** The 7-vertex graph of the paper's figure: b1 b2 r3 r4 b5 b6 r7 → 0 … 6. */
export function paperGraph(): Graph {
  // b1–b2, b1–b5, b5–b6, b2–r3, b2–r7, b6–r7, r3–r4, r7–r4
  return Graph.fromEdges(7, [[0, 1], [0, 4], [4, 5], [1, 2], [1, 6], [5, 6], [2, 3], [6, 3]])
}

/** An Erdős–Rényi graph G(n, p) from a seed. */
export function randomGraph(n: number, p: number, seed: number): Graph {
  const rng = createRng(seed)
  const pairs: [number, number][] = []
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (rng.uniform() < p) pairs.push([u, v])
  return Graph.fromEdges(n, pairs)
}

/** Â = A + I as a dense Matrix. */
export function selfLoopAdjacency(g: Graph): Matrix {
  const A = g.toDenseAdjacency()
  for (let v = 0; v < g.numNodes; v++) A.set(v, v, 1)
  return A
}

export function matrixPower(A: Matrix, k: number): Matrix {
  let P = Matrix.eye(A.rows)
  for (let i = 0; i < k; i++) P = P.mmul(A)
  return P
}
