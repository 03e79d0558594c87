/**
 * Experiment 1 — end-to-end dynamics (Arora, Cohen, Hazan 2018, Theorem 1): one gradient descent
 * step on a balanced deep net moves the product as endToEndStep predicts, up to O(η²); along a
 * trajectory of fixed length t = η·steps, balancedness drifts by O(η).
 */
import { Matrix, type Rng } from '@theoryml/core'
import { claim, type Claim, type Figure } from '@theoryml/lab'
import { balancednessGap, endToEnd, endToEndStep, initDeepLinear, layerGrad } from '@theoryml/linear-nets'

export interface DynamicsConfig {
  /** Layer widths of the balanced net. */
  dims: number[]
  /** Frobenius norm of the initial product. */
  scale: number
  /** The larger learning rate η (the other is η/10). */
  lr: number
  /** Trajectory length in time units t = η · steps. */
  horizon: number
}

interface Out { metrics: Record<string, number>; figures: Record<string, Figure>; claims: Claim[] }

const loss = (W: Matrix, T: Matrix): Matrix => W.clone().sub(T) // ∇ of ½‖W − T‖²

function gdStep(ws: Matrix[], T: Matrix, lr: number): Matrix[] {
  const grads = layerGrad(ws, loss(endToEnd(ws), T))
  return ws.map((w, j) => w.clone().sub((grads[j] as Matrix).clone().mul(lr)))
}

export function runDynamics(cfg: DynamicsConfig, rng: Rng): Out {
  const ws0 = initDeepLinear({ dims: cfg.dims, init: 'balanced', scale: cfg.scale, rng: rng.fork('init') })
  const depth = ws0.length
  const W0 = endToEnd(ws0)
  const T = new Matrix(W0.rows, W0.columns)
  const tr = rng.fork('target')
  for (let i = 0; i < T.rows; i++) for (let j = 0; j < T.columns; j++) T.set(i, j, tr.normal())
  const lrs = [cfg.lr, cfg.lr / 10]
  // One step: error of the prediction relative to the size of the move.
  const stepErr = lrs.map((lr) => {
    const gd = endToEnd(gdStep(ws0, T, lr))
    const pred = endToEndStep(W0, loss(W0, T), { depth, lr })
    return gd.clone().sub(pred).norm('frobenius') / gd.clone().sub(W0).norm('frobenius')
  })
  // Trajectories over the same time horizon: GD on the layers vs the end-to-end dynamics.
  const traj = lrs.map((lr) => {
    const steps = Math.round(cfg.horizon / lr)
    let ws = ws0.map((w) => w.clone())
    let W = W0.clone()
    const t: number[] = []
    const gap: number[] = []
    const dist: number[] = []
    const every = Math.max(1, Math.floor(steps / 50))
    for (let s = 0; s <= steps; s++) {
      if (s % every === 0 || s === steps) {
        const P = endToEnd(ws)
        t.push(s * lr)
        gap.push(balancednessGap(ws))
        dist.push(P.clone().sub(W).norm('frobenius') / W.norm('frobenius'))
      }
      if (s === steps) break
      W = endToEndStep(W, loss(W, T), { depth, lr })
      ws = gdStep(ws, T, lr)
    }
    return { lr, steps, t, gap, dist, finalLoss: 0.5 * endToEnd(ws).sub(T).norm('frobenius') ** 2 }
  })
  const [a, b] = traj as [typeof traj[0], typeof traj[0]]
  const stepRatio = (stepErr[0] as number) / (stepErr[1] as number)
  const gapA = a.gap[a.gap.length - 1] as number
  const gapB = b.gap[b.gap.length - 1] as number
  const gapRatio = gapA / gapB
  const distB = b.dist[b.dist.length - 1] as number
  const initialLoss = 0.5 * W0.clone().sub(T).norm('frobenius') ** 2
  return {
    metrics: { stepErrorLr: stepErr[0] as number, stepErrorLrOver10: stepErr[1] as number, stepErrorRatio: stepRatio, gapLr: gapA, gapLrOver10: gapB, gapRatio, trajectoryDistanceLrOver10: distB, initialLoss, finalLoss: b.finalLoss },
    figures: {
      'dynamics-balancedness': {
        kind: 'line', title: `GD on a balanced depth-${depth} net: balancedness drift over time t = η·steps`,
        x: { label: 'time t = η · step' }, y: { label: 'max_j ‖W_{j+1}ᵀW_{j+1} − W_jW_jᵀ‖_F', log: true },
        lines: traj.map((r) => ({ name: `η = ${r.lr}`, x: r.t, y: r.gap })),
      },
      'dynamics-trajectory': {
        kind: 'line', title: 'Product under GD on the layers vs the end-to-end dynamics',
        x: { label: 'time t = η · step' }, y: { label: '‖W_GD − W_e2e‖_F / ‖W_e2e‖_F', log: true },
        lines: traj.map((r) => ({ name: `η = ${r.lr}`, x: r.t, y: r.dist })),
      },
    },
    claims: [
      claim(`One GD step on a balanced depth-${depth} net moves the product as endToEndStep predicts, error linear in η (error at η / error at η/10)`, { measured: stepRatio, expected: '≈ 10 (in [7, 13])', holds: stepRatio > 7 && stepRatio < 13 }),
      claim(`The prediction error of one step at η = ${cfg.lr / 10}, relative to the step`, { measured: stepErr[1] as number, expected: '< 1e-2', holds: (stepErr[1] as number) < 1e-2 }),
      claim(`Balancedness is conserved up to O(η) drift over time t = ${cfg.horizon} (gap at η / gap at η/10)`, { measured: gapRatio, expected: '≈ 10 (in [5, 20])', holds: gapRatio > 5 && gapRatio < 20 }),
    ],
  }
}
