/**
 * @theoryml/linear-nets benchmark: deep matrix factorization for completion (100×100 target of rank
 * 5, 2000 observed entries, depth 3, hidden width 100, float64, GroupRMSprop, 1000 steps), beside
 * the PyTorch float64 autograd reference in bench/reference/linear-nets.py; and the example's quick
 * setting (30×30, rank 2, 250 entries, 4000 steps).
 */
import { sampleObservations } from '@theoryml/core'
import { lowRankMatrix, matrixCompletion } from '@theoryml/linear-nets'
import { defineBench } from './harness'

export default defineBench({
  name: 'linear-nets',
  reference: 'linear-nets.py',
  workloads: [
    {
      name: 'completion 100x100 depth 3, 1000 steps',
      setup: () => {
        const target = lowRankMatrix({ shape: [100, 100], rank: 5, norm: 100, rng: 0 })
        return { target, observations: sampleObservations(target, { count: 2000, rng: 1 }) }
      },
      // Two history rows (steps 0 and 1000), each with an SVD of the product.
      run: ({ target, observations }) =>
        matrixCompletion({ target, observations, depth: 3, init: 'gaussian', scale: 1e-3, optimizer: 'groupRmsprop', lr: 1e-3, steps: 1000, every: 1000, rng: 2 }),
      repeat: 5,
    },
    {
      name: 'completion 30x30 depth 3, 4000 steps',
      setup: () => {
        const target = lowRankMatrix({ shape: [30, 30], rank: 2, norm: 30, rng: 0 })
        return { target, observations: sampleObservations(target, { count: 250, rng: 1 }) }
      },
      run: ({ target, observations }) =>
        matrixCompletion({ target, observations, depth: 3, init: 'gaussian', scale: 1e-3, optimizer: 'groupRmsprop', lr: 1e-2, steps: 4000, every: 4000, rng: 2 }),
      repeat: 5,
      target: 'ahead',
    },
  ],
})
