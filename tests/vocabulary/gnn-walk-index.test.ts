// The training vocabulary (issue 16) as @theoryml/gnn-walk-index speaks it: every trainer of the
// package (trainNodeClassifier, on the tfjs track) takes core's common options and returns its
// learned parameters plus core's history, steps and stoppedBy.
import { createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { Graph, randomSplit } from '@theoryml/gnn-walk-index'
import { gcn, linearPropagation, trainNodeClassifier, type NodeClassifierState } from '@theoryml/gnn-walk-index/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => {
  await initTf()
})

/** A 40-vertex two-community graph with informative features. */
function data() {
  const rng = createRng(3)
  const n = 40
  const labels = Int32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1))
  const pairs: [number, number][] = []
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (rng.uniform() < (labels[u] === labels[v] ? 0.2 : 0.02)) pairs.push([u, v])
  const features = Array.from({ length: n }, (_, i) => [rng.normal() + (labels[i] === 0 ? 1 : 0), rng.normal() + (labels[i] === 1 ? 1 : 0)])
  return { graph: Graph.fromEdges(n, pairs), features, labels, split: randomSplit(n, { train: 0.5, val: 0.25, rng: 1 }) }
}

describe('trainNodeClassifier speaks the common trainer vocabulary', () => {
  const common = () => {
    const seen: number[] = []
    return {
      seen,
      options: {
        optimizer: 'adam' as const,
        lr: 0.02,
        steps: 12,
        every: 4,
        record: { extra: (s: NodeClassifierState) => s.step * 10 + s.valAccuracy },
        onStep: (s: NodeClassifierState) => void seen.push(s.step),
        signal: new AbortController().signal,
        rng: 5,
      },
    }
  }

  test('all common options; the common result', async () => {
    const { seen, options } = common()
    const r = await trainNodeClassifier({ model: gcn({ depth: 2, hidden: 8 }), ...data(), ...options })
    expect(r.stoppedBy).toBe('steps')
    expect(r.steps).toBe(12)
    expect(r.history.step).toEqual([0, 4, 8, 12])
    expect(r.history.loss).toHaveLength(4)
    expect(r.history.extra).toHaveLength(4)
    expect((r.history.extra as number[]).map((v) => Math.floor(v / 10))).toEqual([0, 4, 8, 12])
    expect(seen).toEqual([0, 4, 8, 12])
    // the learned parameters, by name
    expect(Object.keys(r.params)).toEqual(['layer0.weight', 'layer0.bias', 'layer0.norm.gain', 'layer0.norm.shift', 'layer1.weight', 'layer1.bias'])
    expect(r.params['layer0.weight']!.shape).toEqual([2, 8])
    for (const v of Object.values(r.params)) expect(v.data.every(Number.isFinite)).toBe(true)
    // rng: the same seed gives the same run
    const again = await trainNodeClassifier({ model: gcn({ depth: 2, hidden: 8 }), ...data(), ...common().options })
    expect(again.history.loss).toEqual(r.history.loss)
  })

  test('stopWhen, stopAtLoss and signal stop the run and say so', async () => {
    const { seen, options } = common()
    const byWhen = await trainNodeClassifier({ model: linearPropagation(), ...data(), ...options, stopWhen: (s) => s.step === 6 })
    expect(byWhen.stoppedBy).toBe('stopWhen')
    expect(byWhen.steps).toBe(6)
    expect(byWhen.history.step).toEqual([0, 4, 6])
    expect(byWhen.history.extra).toHaveLength(3)
    expect(seen).toEqual([0, 4, 6])
    expect(Object.keys(byWhen.params)).toEqual(['weight', 'bias'])

    const byLoss = await trainNodeClassifier({ model: linearPropagation(), ...data(), ...common().options, stopAtLoss: 10 })
    expect(byLoss.stoppedBy).toBe('stopAtLoss')
    expect(byLoss.steps).toBe(0)

    const controller = new AbortController()
    const bySignal = await trainNodeClassifier({
      model: linearPropagation(), ...data(), ...common().options, signal: controller.signal, every: 1,
      onStep: (s) => { if (s.step === 2) controller.abort() },
    })
    expect(bySignal.stoppedBy).toBe('signal')
    expect(bySignal.steps).toBe(3)

    // optimizer as a spec
    const spec = await trainNodeClassifier({ model: linearPropagation(), ...data(), steps: 3, optimizer: { type: 'momentum', lr: 0.1 } })
    expect(spec.history.step).toEqual([0, 1, 2, 3])
  })
})
