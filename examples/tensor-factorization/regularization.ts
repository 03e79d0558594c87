/**
 * Experiment 5 (Razin, Maman, Cohen 2022, Sec. 5): the explicit regularizer against locality on a
 * 1D "is same class" task whose informative segments are far apart, with a small locally connected
 * network on the tfjs track.
 */
import type * as TF from '@tensorflow/tfjs'
import type { Rng } from '@theoryml/core'
import type { Figure } from '@theoryml/lab'
import { initTf } from '@theoryml/core/tf'
import { isSameClassSequences, type SequenceSet } from '@theoryml/tensor-factorization'
import { locallyConnected, trainLocallyConnected, type LocallyConnectedModel } from '@theoryml/tensor-factorization/tf'

export interface RegularizationConfig {
  length: number
  channels: number
  segment: number
  classes: number
  noise: number
  /** Std of the positions between the segments. */
  background: number
  train: number
  test: number
  hidden: number
  activation: 'relu' | 'tanh' | 'softplus'
  steps: number
  batchSize: number
  lr: number
  lambda: number
  seeds: number
}

export interface RegularizationResult {
  gap: number
  plain: number[]
  regularized: number[]
  figure: Figure
}

function accuracy(tf: typeof TF, model: LocallyConnectedModel, set: SequenceSet): number {
  const n = set.y.length
  const f = tf.tidy(() => model.predict(tf.tensor3d(set.x, [n, model.length, model.channels])).dataSync())
  let correct = 0
  for (let i = 0; i < n; i++) if (((f[i] as number) > 0 ? 1 : 0) === set.y[i]) correct++
  return correct / n
}

/** Test accuracy with λ = 0 and λ = config.lambda over `seeds` seeds at the largest gap. */
export async function regularization(config: RegularizationConfig, rng: Rng, progress: (f: number) => void): Promise<RegularizationResult> {
  const { tf } = await initTf()
  const gap = config.length - 2 * config.segment
  const plain: number[] = []
  const regularized: number[] = []
  const lines: Array<{ name: string; x: number[]; y: number[] }> = []
  for (let s = 0; s < config.seeds; s++) {
    const seedRng = rng.fork(`seed${s}`)
    const task = isSameClassSequences({ length: config.length, channels: config.channels, segment: config.segment, gap, classes: config.classes, noise: config.noise, background: config.background, train: config.train, test: config.test, rng: seedRng.fork('task') })
    for (const lambda of [0, config.lambda]) {
      const model = locallyConnected({ length: config.length, channels: config.channels, hidden: config.hidden, activation: config.activation, rng: seedRng.fork('init') })
      const { history } = trainLocallyConnected(model, {
        x: task.train.x,
        y: task.train.y,
        steps: config.steps,
        batchSize: config.batchSize,
        optimizer: 'adam',
        lr: config.lr,
        rng: seedRng.fork('batches'),
        ...(lambda > 0 ? { regularizer: { lambda, patch: task.patch, swap: task.swap } } : {}),
      })
      ;(lambda > 0 ? regularized : plain).push(accuracy(tf, model, task.test))
      if (s === 0) lines.push({ name: `λ = ${lambda}: training loss`, x: history.step, y: history.loss })
      model.dispose()
    }
    progress((s + 1) / config.seeds)
  }
  return {
    gap,
    plain,
    regularized,
    figure: { kind: 'line', title: `Is-same-class at gap ${gap}: locally connected net, seed 0`, x: { label: 'step' }, y: { label: 'logistic loss (train batch)' }, lines },
  }
}
