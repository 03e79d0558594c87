// Core float64 linear algebra and the groupRmsprop step, against numpy/scipy (bench/reference/core.py).
import { Matrix, createRng, groupRmsprop, matmul, solveDiscreteLyapunov, svd, symmetricPower, type Params } from '@theoryml/core'
import { defineBench } from './harness'

function gaussian(n: number, m: number, seed: number): Matrix {
  const rng = createRng(seed)
  const A = new Matrix(n, m)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) A.set(i, j, rng.normal())
  return A
}

export default defineBench({
  name: 'core',
  reference: 'core.py',
  workloads: [
    // flops: Golub–Reinsch SVD with thin U and V, 14mn² + 8n³ (Golub & Van Loan, Table 8.6.1)
    { name: 'svd 200x200', setup: () => gaussian(200, 200, 1), run: (A: Matrix) => svd(A), repeat: 3, target: 2, flops: 22 * 200 ** 3, engine: 'js' },
    {
      name: 'symmetricPower 100x100',
      setup: () => { const G = gaussian(100, 100, 2); return G.mmul(G.transpose()) },
      run: (S: Matrix) => symmetricPower(S, 0.5),
      // symmetric QR with eigenvectors 9n³ (Golub & Van Loan, Table 8.3.1) + Q diag(f) Qᵀ 2n³
      target: 2, flops: 11 * 100 ** 3, engine: 'js',
    },
    {
      name: 'solveDiscreteLyapunov 20x20',
      setup: () => {
        const A = gaussian(20, 20, 3).mul(0.9 / Math.sqrt(20) / 2)
        const G = gaussian(20, 20, 4)
        return { A, Q: G.mmul(G.transpose()) }
      },
      run: (s: { A: Matrix; Q: Matrix }) => solveDiscreteLyapunov(s.A, s.Q),
      repeat: 20,
      // ρ(A) ≈ 0.45: 7 doubling steps (2 products each) + 6 squarings + a residual (2): 22 products of 2n³
      target: 2, flops: 22 * 2 * 20 ** 3, engine: 'js',
    },
    {
      name: 'groupRmsprop step 1e6 params',
      setup: () => {
        const rng = createRng(5)
        const params: Params = { w: rng.fillNormal(new Float64Array(1_000_000)) }
        const grads: Params = { w: rng.fillNormal(new Float64Array(1_000_000)) }
        return { opt: groupRmsprop({ lr: 1e-3 }), params, grads }
      },
      run: (s: { opt: ReturnType<typeof groupRmsprop>; params: Params; grads: Params }) => s.opt.step(s.params, s.grads),
      repeat: 20,
      // memory-bound: read g (Σg²), then read g and p and write p: 4 × 8 MB
      bytes: 4 * 8 * 1_000_000, engine: 'js',
    },
  ],
  peaks: [
    {
      // The plain-TypeScript float64 compute peak: core's register-tiled matmul at a size that fits in cache.
      name: 'core matmul 256³',
      setup: () => ({ A: createRng(6).fillNormal(new Float64Array(256 * 256)), B: createRng(7).fillNormal(new Float64Array(256 * 256)), C: new Float64Array(256 * 256) }),
      run: (s: { A: Float64Array; B: Float64Array; C: Float64Array }) => matmul(s.C, s.A, s.B, 256, 256, 256),
      repeat: 9,
      flops: 2 * 256 ** 3,
      engine: 'js',
    },
    {
      // The memory-stream peak of a TypeScript loop: p ← p − s·g over 4·10⁶ entries (read p, g; write p).
      name: 'stream p − s·g, 4e6',
      setup: () => ({ p: new Float64Array(4_000_000).fill(1), g: new Float64Array(4_000_000).fill(1e-9) }),
      run: (s: { p: Float64Array; g: Float64Array }) => { const { p, g } = s; for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - 1e-3 * (g[i] as number) },
      repeat: 9,
      bytes: 3 * 8 * 4_000_000,
      engine: 'js',
    },
  ],
})
