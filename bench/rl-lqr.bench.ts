/**
 * @theoryml/rl-lqr against PyTorch (policy gradient: n = 5, H = 5, 10⁵ steps of gradient descent on
 * K from K₀ = 0, one training state, the paper's setting) and scipy (solve_discrete_are, n = 50).
 * Reference: bench/reference/rl-lqr.py.
 */
import { Matrix, createRng } from '@theoryml/core'
import { basisStates, policyGradient, randomSystem, solveDare } from '@theoryml/rl-lqr'
import { defineBench } from './harness'

function dareProblem(n: number, m: number, seed: number): { A: Matrix; B: Matrix; Q: Matrix; R: Matrix } {
  const rng = createRng(seed)
  const A = new Matrix(n, n)
  const B = new Matrix(n, m)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.set(i, j, rng.normal(0, 1.1 / Math.sqrt(n)))
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) B.set(i, j, rng.normal())
  return { A, B, Q: new Matrix(Matrix.eye(n, n)), R: new Matrix(Matrix.eye(m, m)) }
}

export default defineBench({
  name: 'rl-lqr',
  reference: 'rl-lqr.py',
  workloads: [
    {
      name: 'policy gradient n=5 H=5 1e5 steps',
      setup: () => ({ system: randomSystem(5, 5, 0), trainStates: basisStates(5, 0, 1) }),
      run: (s: { system: ReturnType<typeof randomSystem>; trainStates: Matrix }) =>
        policyGradient({ system: s.system, trainStates: s.trainStates, lr: 1e-3, steps: 100_000, every: 100_000 }),
      repeat: 3,
      target: 'ahead',
    },
    {
      name: 'solveDare n=50',
      setup: () => dareProblem(50, 10, 1),
      run: (p: { A: Matrix; B: Matrix; Q: Matrix; R: Matrix }) => solveDare(p.A, p.B, p.Q, p.R),
      repeat: 5,
    },
  ],
})
