/**
 * cpCompletion (closed-form float64 gradients) against the same model in PyTorch (float64
 * autograd, bench/reference/tensor-factorization.py): plain gradient descent on the mean squared
 * error over observed entries, identical sizes, step counts and learning rate.
 */
import { createRng, sampleObservations, type Observations } from '@theoryml/core'
import { cpCompletion, cpToTensor, randomCp } from '@theoryml/tensor-factorization'
import { defineBench } from './harness'

interface Setup { shape: number[]; observations: Observations; rank: number; steps: number }

function setup(shape: number[], targetRank: number, observed: number, rank: number, steps: number): () => Setup {
  return () => {
    const rng = createRng(0)
    const target = cpToTensor(randomCp(shape, targetRank, rng.fork('target')))
    return { shape, observations: sampleObservations(target, { count: observed, rng: rng.fork('obs') }), rank, steps }
  }
}

const run = (s: Setup): unknown =>
  cpCompletion({ shape: s.shape, observations: s.observations, rank: s.rank, initStd: 1e-3, optimizer: 'gd', lr: 1e-2, steps: s.steps, every: s.steps })

export default defineBench({
  name: 'tensor-factorization',
  reference: 'tensor-factorization.py',
  workloads: [
    { name: 'cpCompletion order 4, size 10, R 100, 2000 obs, 1000 steps', setup: setup([10, 10, 10, 10], 5, 2000, 100, 1000), run, repeat: 3, target: 'ahead' },
    { name: 'cpCompletion order 3, size 8, R 20, 300 obs, 1000 steps', setup: setup([8, 8, 8], 3, 300, 20, 1000), run, repeat: 5 },
  ],
})
