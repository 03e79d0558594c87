// @theoryml/preference-opt: one full-batch DPO step of the unconstrained features model (exact float64
// gradient + GD update) and CHES on long responses, against PyTorch (bench/reference/preference-opt.py).
import { createRng, gd, type Params } from '@theoryml/core'
import { ches, preferenceObjective, ufmPolicy, type PreferencePair } from '@theoryml/preference-opt'
import { defineBench } from './harness'

/** The same sizes as the reference script: vocab V, dim d, n pairs of responses of length L. */
function ufmStep(V: number, d: number, n: number, L: number) {
  return () => {
    const rng = createRng(1)
    const model = ufmPolicy({ vocab: V, dim: d, rng: 2 })
    const pairs: PreferencePair[] = Array.from({ length: n }, (_, i) => ({
      prompt: i,
      chosen: Array.from({ length: L }, () => rng.int(V)),
      rejected: Array.from({ length: L }, () => rng.int(V)),
    }))
    const obj = preferenceObjective(model, pairs, { loss: { type: 'dpo', beta: 0.1 } })
    const grad: Params = {}
    for (const [k, v] of Object.entries(obj.params)) grad[k] = new Float64Array(v.length)
    return { obj, grad, opt: gd({ lr: 1e-3 }) }
  }
}
type StepState = ReturnType<ReturnType<typeof ufmStep>>
const step = (s: StepState) => { s.obj.lossAndGrad(s.obj.params, s.grad); s.opt.step(s.obj.params, s.grad) }

export default defineBench({
  name: 'preference-opt',
  reference: 'preference-opt.py',
  workloads: [
    { name: 'ufm dpo step V=8 d=32 200x(8+8)', setup: ufmStep(8, 32, 200, 8), run: step, repeat: 20 },
    { name: 'ufm dpo step V=1000 d=64 32x(16+16)', setup: ufmStep(1000, 64, 32, 16), run: step, repeat: 5 },
    {
      name: 'ches 300x4096 float32',
      setup: () => {
        const rng = createRng(3)
        const rows = (n: number) => Array.from({ length: n }, () => rng.fillNormal(new Float32Array(4096)))
        return { a: rows(300), b: rows(300) }
      },
      run: (s: { a: Float32Array[]; b: Float32Array[] }) => ches(s.a, s.b),
      repeat: 10,
    },
  ],
})
