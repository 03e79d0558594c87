/**
 * Worked example: gradient descent on least squares min_w ‖Xw − y‖²/(2n) converges to the
 * closed-form solution w* = (XᵀX)⁻¹Xᵀy at the linear rate (1 − η λ_min)ᵗ of the theory.
 * Uses only @theoryml/core and @theoryml/lab: the template for every paper example.
 */
import { dmath, Matrix, relativeError, singularValues, train } from '@theoryml/core'
import { solve } from 'ml-matrix'
import { claim, defineExperiment } from '@theoryml/lab'

interface Config {
  samples: number
  features: number
  steps: number
  noise: number
}

export default defineExperiment<Config>({
  name: 'least-squares',
  title: 'Gradient descent on least squares reaches the closed-form solution',
  paper: 'worked example (core + lab)',
  defaults: { samples: 200, features: 10, steps: 400, noise: 0.1 },
  quick: {},
  full: { samples: 2000, features: 50, steps: 4000 },
  run(config, ctx) {
    const rng = ctx.rng.fork('data')
    const { samples: n, features: d } = config
    const X = new Matrix(n, d)
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.set(i, j, rng.normal())
    const wTrue = rng.fillNormal(new Float64Array(d))
    const y = X.mmul(Matrix.columnVector(Array.from(wTrue))).to1DArray().map((v) => v + config.noise * rng.normal())
    // Closed form: w* = (XᵀX)⁻¹ Xᵀ y.
    const XtX = X.transpose().mmul(X)
    const wStar = Float64Array.from(solve(XtX, X.transpose().mmul(Matrix.columnVector(y))).to1DArray())
    // Curvature of f(w) = ‖Xw − y‖²/(2n): H = XᵀX/n; step 1/λ_max, rate 1 − λ_min/λ_max.
    const eig = singularValues(XtX).map((s) => s / n)
    const lmax = eig[0] as number
    const lmin = eig[eig.length - 1] as number
    const lr = 1 / lmax
    const Xd = X.to1DArray()
    const r = new Float64Array(n)
    const { history } = train({
      params: { w: new Float64Array(d) },
      optimizer: { type: 'gd', lr },
      steps: config.steps,
      every: Math.max(1, Math.floor(config.steps / 50)),
      lossAndGrad: (p, g) => {
        const w = p.w as Float64Array
        const gw = g.w as Float64Array
        let loss = 0
        for (let i = 0; i < n; i++) {
          let s = -(y[i] as number)
          for (let j = 0; j < d; j++) s += (Xd[i * d + j] as number) * (w[j] as number)
          r[i] = s
          loss += s * s
        }
        gw.fill(0)
        for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) gw[j] = (gw[j] as number) + ((Xd[i * d + j] as number) * (r[i] as number)) / n
        return loss / (2 * n)
      },
      record: { distance: (s) => relativeError(s.params.w as Float64Array, wStar) },
    })
    const dist = history.distance as number[]
    const finalDist = dist[dist.length - 1] as number
    // Measured contraction per step, before round-off floors the distance, against 1 − λ_min/λ_max.
    let k = dist.findIndex((v) => v < 1e-8)
    if (k <= 0) k = dist.length - 1
    const measuredRate = dmath.pow((dist[k] as number) / (dist[0] as number), 1 / (history.step[k] as number))
    const bound = 1 - lmin / lmax
    ctx.progress(1, 'done')
    return {
      metrics: { lr, lambdaMin: lmin, lambdaMax: lmax, finalDistance: finalDist, measuredRate, bound },
      figures: {
        convergence: {
          kind: 'line',
          title: 'GD on least squares: distance to w*',
          x: { label: 'step' },
          y: { label: '‖w − w*‖ / ‖w*‖', log: true },
          lines: [
            { name: 'gradient descent', x: history.step, y: dist },
            { name: 'bound (1 − λmin/λmax)^t', x: history.step, y: history.step.map((t) => dmath.pow(bound, t)) },
          ],
        },
      },
      claims: [
        claim('GD reaches the closed-form solution w* = (XᵀX)⁻¹Xᵀy', { measured: finalDist, expected: '< 1e-6 relative', holds: finalDist < 1e-6 }),
        claim('GD contracts at least as fast as the rate 1 − λmin/λmax', { measured: measuredRate, expected: `≤ ${bound.toPrecision(4)}`, holds: measuredRate <= bound + 1e-9 }),
      ],
    }
  },
})
