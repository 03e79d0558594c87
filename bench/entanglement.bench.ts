/**
 * @theoryml/tensor-factorization, entanglement module: the data-tensor entanglement of 500 samples ×
 * 64 features at level 1 (two 500×500 Gram matrices, their factorizations and the cross spectrum),
 * the surrogate over the level-3 partitions, and the feature rearrangement; reference:
 * bench/reference/entanglement.py (numpy/scipy/networkx).
 */
import { createRng, Matrix } from '@theoryml/core'
import {
  averageSurrogateEntanglement,
  canonicalPartitions,
  dataTensorEntanglement,
  permuteFeatures,
  rearrangeFeatures,
} from '@theoryml/tensor-factorization'
import { defineBench } from './harness'

/** Correlated data shared with the reference: x_mf = Σ_{g≤f} z_mg / √(f+1) (a normalized random walk), labels from the first half. */
function data(M: number, D: number, seed: number): { X: Matrix; y: number[] } {
  const rng = createRng(seed)
  const X = new Matrix(M, D)
  const y: number[] = []
  for (let m = 0; m < M; m++) {
    let s = 0
    let half = 0
    for (let f = 0; f < D; f++) {
      s += rng.normal()
      const v = s / Math.sqrt(f + 1)
      X.set(m, f, v)
      if (f < D / 2) half += v
    }
    y.push(half > 0 ? 1 : -1)
  }
  return { X, y }
}

const entanglementRun = (s: { X: Matrix; y: number[]; K: number[] }) => dataTensorEntanglement(s.X, s.y, s.K)
const entanglementSetup = () => ({ ...data(500, 64, 0), K: canonicalPartitions(64, 1)[0] as number[] })

export default defineBench({
  name: 'entanglement',
  reference: 'entanglement.py',
  workloads: [
    { name: 'entanglement 500x64 level 1 (ref: paper route, 3 SVDs)', setup: entanglementSetup, run: entanglementRun, repeat: 5 },
    { name: 'entanglement 500x64 level 1 (ref: eigh route)', setup: entanglementSetup, run: entanglementRun, repeat: 5 },
    {
      name: 'surrogate 500x64 level 3',
      setup: () => data(500, 64, 1).X,
      run: (X: Matrix) => averageSurrogateEntanglement(X, 3),
      repeat: 10,
    },
    {
      name: 'rearrangeFeatures 500x64',
      setup: () => permuteFeatures(data(500, 64, 2).X, createRng(3).permutation(64)),
      run: (X: Matrix) => rearrangeFeatures(X),
      repeat: 5,
    },
  ],
})
