/**
 * Experiment 2 — implicit acceleration by overparameterization (Arora, Cohen, Hazan 2018, §8):
 * ℓ4 regression on ill-conditioned data trains faster through w = w₂·w₁ (depth 2, scalar hidden
 * layer) than through w itself; for ℓ2 there is no such gain. Learning rates are tuned per model on
 * the same grid; losses are reported as excess over the optimum L*.
 */
import { dmath, Matrix, type Rng } from '@theoryml/core'
import { claim, type Claim, type Figure } from '@theoryml/lab'
import { lpLoss, lpLossAndGrad, lpRegression } from '@theoryml/linear-nets'
import { solve } from 'ml-matrix'

export interface AccelerationConfig {
  samples: number
  features: number
  /** Feature j has scale 10^(−decay · j/(d−1)): the covariance has condition number ≈ 10^(2·decay). */
  decay: number
  noise: number
  steps: number
  /** Initial ‖w‖ (same end-to-end start for both depths: balanced init from the same seed). */
  initNorm: number
  /** Learning-rate grid searched per model (the best final loss wins). */
  lrGrid: number[]
  /** Number of independent data sets (the ratios are averaged geometrically). */
  datasets: number
}

interface Out { metrics: Record<string, unknown>; figures: Record<string, Figure>; claims: Claim[] }

function makeData(cfg: AccelerationConfig, rng: Rng): { X: Matrix; y: Float64Array } {
  const { samples: n, features: d } = cfg
  const X = new Matrix(n, d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, rng.normal() * dmath.pow(10, (-cfg.decay * j) / (d - 1)))
  const w = rng.fillNormal(new Float64Array(d))
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = cfg.noise * rng.normal()
    for (let j = 0; j < d; j++) s += X.get(i, j) * (w[j] as number)
    y[i] = s
  }
  return { X, y }
}

/** The optimum L* = min_w L(w): least squares in closed form, then Newton's method for p > 2. */
function optimum(X: Matrix, y: Float64Array, p: number): number {
  const d = X.columns
  let w = solve(X.transpose().mmul(X), X.transpose().mmul(Matrix.columnVector(Array.from(y)))).to1DArray()
  if (p === 2) return lpLoss(X, y, w, 2)
  for (let it = 0; it < 100; it++) {
    const { grad: g } = lpLossAndGrad(X, y, w, p)
    // Hessian (p − 1)/n Σ |r_i|^{p−2} x_i x_iᵀ.
    const H = new Matrix(d, d)
    for (let i = 0; i < X.rows; i++) {
      let r = -(y[i] as number)
      for (let j = 0; j < d; j++) r += X.get(i, j) * (w[j] as number)
      const c = ((p - 1) * dmath.pow(Math.abs(r), p - 2)) / X.rows
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) H.set(a, b, H.get(a, b) + c * X.get(i, a) * X.get(i, b))
    }
    const step = solve(H, Matrix.columnVector(Array.from(g))).to1DArray()
    w = w.map((v, j) => v - (step[j] as number))
  }
  return lpLoss(X, y, w, p)
}

interface Fit { p: number; depth: number; lr: number; excess: number; curve: { x: number[]; y: number[] }; grid: number[] }

/** Tune the learning rate of one model on the grid; return the best run's excess loss and curve. */
function fitBest(cfg: AccelerationConfig, X: Matrix, y: Float64Array, p: number, depth: number, initSeed: number): Fit {
  const Lstar = optimum(X, y, p)
  const run = (lr: number, every: number) => lpRegression({ X, y, p, depth, lr, steps: cfg.steps, every, init: 'balanced', scale: cfg.initNorm, rng: initSeed })
  const grid = cfg.lrGrid.map((lr) => {
    try {
      return (run(lr, cfg.steps).history.loss.at(-1) as number) - Lstar
    } catch {
      return Infinity // diverged at this learning rate
    }
  })
  const best = grid.reduce((bi, v, i) => (v < (grid[bi] as number) ? i : bi), 0)
  const lr = cfg.lrGrid[best] as number
  const h = run(lr, Math.max(1, Math.floor(cfg.steps / 100))).history
  // Excess loss, floored at round-off (for ratios and the log plot).
  const floor = 1e-15 * Math.max(Lstar, 1e-300)
  return { p, depth, lr, excess: Math.max(grid[best] as number, floor), grid, curve: { x: h.step, y: h.loss.map((l) => Math.max(l - Lstar, floor)) } }
}

export function runAcceleration(cfg: AccelerationConfig, rng: Rng, progress: (f: number) => void): Out {
  const perData: Array<{ ratio4: number; ratio2: number; fits: Fit[] }> = []
  for (let k = 0; k < cfg.datasets; k++) {
    const { X, y } = makeData(cfg, rng.fork(`data-${k}`))
    const initSeed = rng.fork(`init-${k}`).nextUint32()
    const fits = ([[4, 1], [4, 2], [2, 1], [2, 2]] as const).map(([p, depth]) => fitBest(cfg, X, y, p, depth, initSeed))
    const get = (p: number, depth: number) => fits.find((f) => f.p === p && f.depth === depth) as Fit
    perData.push({ ratio4: get(4, 2).excess / get(4, 1).excess, ratio2: get(2, 2).excess / get(2, 1).excess, fits })
    progress((k + 1) / cfg.datasets)
  }
  const geo = (v: number[]) => dmath.exp(v.reduce((a, b) => a + dmath.log(b), 0) / v.length)
  const gain4 = geo(perData.map((d) => d.ratio4))
  const gain2 = geo(perData.map((d) => d.ratio2))
  const allLower4 = perData.every((d) => d.ratio4 < 1)
  const first = (perData[0] as (typeof perData)[0]).fits
  const get0 = (p: number, depth: number) => first.find((f) => f.p === p && f.depth === depth) as Fit
  const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(', ')
  const lrs = (p: number, depth: number) => perData.map((d) => (d.fits.find((f) => f.p === p && f.depth === depth) as Fit).lr)
  const metrics: Record<string, unknown> = {
    ratioL4: gain4, ratioL2: gain2,
    perDataset: perData.map((d) => ({ ratioL4: d.ratio4, ratioL2: d.ratio2, fits: d.fits.map((f) => ({ p: f.p, depth: f.depth, lr: f.lr, excessLoss: f.excess })) })),
    lrGrid: cfg.lrGrid,
  }
  const curves = (p: number): Figure => ({
    kind: 'line', title: `ℓ${p} regression (n = ${cfg.samples}, d = ${cfg.features}, data set 1), learning rate tuned per model`,
    x: { label: 'step' }, y: { label: 'L(w) − L*', log: true },
    lines: [1, 2].map((depth) => ({ name: `depth ${depth} (η = ${get0(p, depth).lr})`, ...get0(p, depth).curve })),
  })
  return {
    metrics,
    figures: { 'acceleration-l4': curves(4), 'acceleration-l2': curves(2) },
    claims: [
      claim(`ℓ4: depth-2 overparameterization reaches a lower loss than depth 1 in ${cfg.steps} steps on every one of ${cfg.datasets} data sets (geometric mean of excess-loss ratios depth 2 / depth 1; per data set ${fmt(perData.map((d) => d.ratio4))}; tuned η depth 1: ${lrs(4, 1).join(', ')}, depth 2: ${lrs(4, 2).join(', ')})`, { measured: gain4, expected: '< 0.7, and every ratio < 1', holds: gain4 < 0.7 && allLower4 }),
      claim(`ℓ2: no such gain (geometric mean of excess-loss ratios depth 2 / depth 1; per data set ${fmt(perData.map((d) => d.ratio2))}; tuned η depth 1: ${lrs(2, 1).join(', ')}, depth 2: ${lrs(2, 2).join(', ')})`, { measured: gain2, expected: '≥ 0.7', holds: gain2 >= 0.7 }),
    ],
  }
}
