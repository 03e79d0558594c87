// Core float64 linear algebra and the groupRmsprop step, against numpy/scipy (bench/reference/core.py).
import { Matrix, createRng, groupRmsprop, solveDiscreteLyapunov, svd, symmetricPower, type Params } from '@theoryml/core'
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
    { name: 'svd 200x200', setup: () => gaussian(200, 200, 1), run: (A: Matrix) => svd(A), repeat: 3 },
    {
      name: 'symmetricPower 100x100',
      setup: () => { const G = gaussian(100, 100, 2); return G.mmul(G.transpose()) },
      run: (S: Matrix) => symmetricPower(S, 0.5),
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
    },
  ],
})
