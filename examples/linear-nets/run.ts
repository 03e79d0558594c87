/**
 * Deep linear networks: end-to-end dynamics, implicit acceleration by overparameterization, and the
 * implicit low-rank bias of deep matrix factorization (which norms do not explain).
 * Cohen & Razin, lecture notes on linear neural networks; Arora, Cohen, Hazan 2018; Arora, Cohen,
 * Hu, Luo 2019; Razin & Cohen 2020. Uses only the public APIs of @theoryml/linear-nets and core.
 */
import { defineExperiment, type Claim, type Figure } from '@theoryml/lab'
import { runAcceleration, type AccelerationConfig } from './acceleration'
import { runCompletion, type CompletionConfig } from './completion'
import { runDynamics, type DynamicsConfig } from './dynamics'
import { runNorms, type NormsConfig } from './norms'

interface Config {
  dynamics: DynamicsConfig
  acceleration: AccelerationConfig
  completion: CompletionConfig
  norms: NormsConfig
}


export default defineExperiment<Config>({
  name: 'linear-nets',
  title: 'Deep linear networks: end-to-end dynamics, implicit acceleration, implicit low-rank bias',
  paper: 'Arora, Cohen, Hazan 2018; Arora, Cohen, Hu, Luo 2019; Razin & Cohen 2020',
  defaults: {
    dynamics: { dims: [5, 5, 5, 5], scale: 2, lr: 1e-2, horizon: 1 },
    acceleration: { samples: 500, features: 20, decay: 2, noise: 0.1, steps: 1000, initNorm: 1e-2, lrGrid: Array.from({ length: 10 }, (_, k) => 2 ** (k - 6)), datasets: 3 },
    completion: { size: 30, rank: 2, norm: 30, observations: 250, depths: [1, 2, 3], initScale: 1e-3, lr: 1e-2, steps: 4000, every: 20 },
    norms: { depth: 3, initScale: 0.1, lr: 1e-2, levels: [1e-1, 1e-2, 1e-3], maxSteps: 200_000, every: 50 },
  },
  quick: {},
  full: {
    acceleration: { samples: 500, features: 20, decay: 2, noise: 0.1, steps: 1000, initNorm: 1e-2, lrGrid: Array.from({ length: 10 }, (_, k) => 2 ** (k - 6)), datasets: 10 },
    completion: { size: 100, rank: 5, norm: 100, observations: 2000, depths: [1, 2, 3], initScale: 1e-3, lr: 1e-2, steps: 10_000, every: 100 },
    norms: { depth: 3, initScale: 0.1, lr: 1e-3, levels: [1e-1, 1e-2, 1e-3], maxSteps: 2_000_000, every: 500 },
  },
  run(config, ctx) {
    const metrics: Record<string, unknown> = {}
    const figures: Record<string, Figure> = {}
    const claims: Claim[] = []
    const parts: Array<[string, () => { metrics: Record<string, unknown>; figures: Record<string, Figure>; claims: Claim[] }]> = [
      ['dynamics', () => runDynamics(config.dynamics, ctx.rng.fork('dynamics'))],
      ['acceleration', () => runAcceleration(config.acceleration, ctx.rng.fork('acceleration'), (f) => ctx.progress(0.1 + 0.3 * f, 'acceleration'))],
      ['completion', () => runCompletion(config.completion, ctx.rng.fork('completion'), (f) => ctx.progress(0.4 + 0.5 * f, 'completion'))],
      ['norms', () => runNorms(config.norms, ctx.rng.fork('norms'))],
    ]
    for (const [name, part] of parts) {
      const t0 = performance.now()
      const out = part()
      metrics[name] = { ...out.metrics, seconds: (performance.now() - t0) / 1000 }
      Object.assign(figures, out.figures)
      claims.push(...out.claims)
      ctx.log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    ctx.progress(1, 'done')
    return { metrics, figures, claims }
  },
})
