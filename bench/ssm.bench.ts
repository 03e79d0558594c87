// Training a diagonal SSM with closed-form float64 gradients (@theoryml/ssm) against PyTorch autograd
// (bench/reference/ssm.py): d = 10, L = 6, 8 baseline + 10 special Gaussian sequences, teacher A* = B* = C* = 1,
// A, B, C trained for 20 000 full-batch steps, MSE loss.
import { baselineSequences, dataset, lowDimTeacher, specialSequences, studentInit, trainSsm } from '@theoryml/ssm'
import { defineBench } from './harness'

function setup() {
  const data = dataset({
    teacher: lowDimTeacher(1),
    sequences: [
      baselineSequences({ length: 6, count: 8, positions: [0, 1], values: 'gaussian', rng: 1 }),
      specialSequences({ length: 6, count: 10, values: 'gaussian', rng: 2 }),
    ],
  })
  return { data, initial: studentInit({ dim: 10, std: 0.01, rng: 3 }) }
}

type S = ReturnType<typeof setup>

export default defineBench({
  name: 'ssm',
  reference: 'ssm.py',
  workloads: [
    {
      name: 'trainSsm d=10 L=6 n=18, 20000 steps, adaptive step',
      setup,
      run: (s: S) => trainSsm({ initial: s.initial, data: s.data, optimizer: 'adaptiveGd', lr: 0.01, steps: 20_000, every: 1000 }),
      target: 'ahead', repeat: 5,
    },
    {
      name: 'trainSsm d=10 L=6 n=18, 20000 steps, gd',
      setup,
      run: (s: S) => trainSsm({ initial: s.initial, data: s.data, optimizer: 'gd', lr: 0.01, steps: 20_000, every: 1000 }),
      target: 'ahead', repeat: 5,
    },
  ],
})
