/**
 * Reproduces the headline claims of "Implicit Regularization in Tensor Factorization" (Razin, Maman,
 * Cohen 2021) and "Implicit Regularization in Hierarchical Tensor Factorization and Deep
 * Convolutional Neural Networks" (Razin, Maman, Cohen 2022) with @theoryml/tensor-factorization:
 * 1. recovery of a low-rank tensor by CP completion from a small initialization;
 * 2. incremental rank learning (component norms leave zero one at a time);
 * 3. incremental learning of local components and low hierarchical rank in an HTF;
 * 4. locality: an HTF fits a tensor whose interacting modes are siblings in its tree, not otherwise;
 * 5. the explicit regularizer against locality on a locally connected network (tfjs track).
 */
import { claim, defineExperiment, type Claim, type Figure } from '@theoryml/lab'
import { recovery, incremental, strictlyIncreasing, type IncrementalConfig, type RecoveryConfig } from './cp-experiments'
import { hierarchical, locality, type HierarchicalConfig, type LocalityConfig } from './htf-experiments'
import { regularization, type RegularizationConfig } from './regularization'

interface Config {
  recovery: RecoveryConfig
  incremental: IncrementalConfig
  hierarchical: HierarchicalConfig
  locality: LocalityConfig
  regularization: RegularizationConfig
}

const fmt = (v: number): string => (Math.abs(v) < 1e-2 && v !== 0 ? v.toExponential(2) : v.toFixed(3))
const median = (v: readonly number[]): number => {
  const w = [...v].sort((a, b) => a - b)
  const m = w.length >> 1
  return w.length === 0 ? NaN : w.length % 2 === 1 ? (w[m] as number) : ((w[m - 1] as number) + (w[m] as number)) / 2
}

const quick: Config = {
  recovery: { order: 3, size: 8, rank: 64, initStd: 1e-3, observed: [50, 200], steps: 2500, lr: 3e-3, seeds: 5 },
  incremental: { order: 3, size: 8, targetRank: 3, observed: 300, rank: 20, initStd: 1e-3, steps: 4000, lr: 1e-2, threshold: 0.02, tolerance: 1e-6 },
  hierarchical: { order: 4, size: 8, widths: 16, targetWidths: 2, fraction: 0.25, initStd: 0.1, steps: 3000, lr: 1e-2, threshold: 0.2, rankTol: 1e-2 },
  locality: { size: 8, widths: 16, fraction: 0.5, initStd: 0.1, steps: 1000, lr: 1e-2 },
  regularization: { length: 16, channels: 4, segment: 2, classes: 6, noise: 0.7, train: 1024, test: 1024, hidden: 16, activation: 'tanh', steps: 300, batchSize: 64, lr: 3e-3, lambda: 0.2, seeds: 5 },
}

const full: Config = {
  recovery: { ...quick.recovery, observed: [25, 50, 100, 200, 300, 400], steps: 10000, lr: 1e-3 },
  // the 2021 paper's Figure 1 setting
  incremental: { order: 4, size: 10, targetRank: 5, observed: 2000, rank: 20, initStd: 5e-3, steps: 20000, lr: 5e-3, threshold: 0.02, tolerance: 1e-6 },
  hierarchical: { ...quick.hierarchical, steps: 5000, lr: 5e-3 },
  locality: { ...quick.locality, steps: 4000, lr: 5e-3 },
  // same task and network, more seeds and a larger test set (more training data lifts λ = 0 off chance)
  regularization: { ...quick.regularization, test: 4096, seeds: 11 },
}

export default defineExperiment<Config>({
  name: 'tensor-factorization',
  title: 'Implicit regularization in tensor and hierarchical tensor factorization, and locality',
  paper: 'Razin, Maman, Cohen 2021 (ICML); Razin, Maman, Cohen 2022 (ICML)',
  defaults: quick,
  quick: {},
  full,
  async run(config, ctx) {
    const claims: Claim[] = []
    const series: Record<string, Figure> = {}
    const metrics: Record<string, unknown> = {}

    // 1. recovery of a low-rank tensor
    ctx.progress(0, 'recovery')
    const rec = recovery(config.recovery, ctx.rng.fork('recovery'))
    series.recovery = rec.figure
    metrics.recovery = rec.rows
    const enough = rec.rows.filter((r) => r.observed >= 200)
    const few = rec.rows.filter((r) => r.observed <= 50)
    const worstEnough = Math.max(...enough.flatMap((r) => r.relErrors))
    const ratio = Math.max(...enough.flatMap((r) => r.relErrors.map((e, i) => e / (r.memorizer[i] as number))))
    const seeds = config.recovery.seeds
    claims.push(claim(`CP completion (R = ${config.recovery.rank}, init ${config.recovery.initStd}) recovers a rank-1 ${config.recovery.size}^${config.recovery.order} tensor from ≥ 200 entries: worst relative error over ${seeds} seeds`, { measured: worstEnough, expected: '< 1e-2', holds: enough.length > 0 && worstEnough < 1e-2 }))
    claims.push(claim('…and its error is below a tenth of the memorizer’s (observed entries, zeros elsewhere): worst error / memorizer error', { measured: ratio, expected: '< 0.1', holds: enough.length > 0 && ratio < 0.1 }))
    const fewMedian = Math.min(...few.map((r) => r.median))
    claims.push(claim(`With 50 observed entries it does not recover the tensor: median relative error over ${seeds} seeds`, { measured: fewMedian, expected: '≥ 1e-2', holds: few.length > 0 && fewMedian >= 1e-2 }))
    ctx.log(`recovery: ${rec.rows.map((r) => `|Ω| = ${r.observed}: errors ${r.relErrors.map(fmt).join(', ')}`).join('; ')}`)

    // 2. incremental rank learning
    ctx.progress(0.1, 'incremental rank learning')
    const inc = incremental(config.incremental, ctx.rng.fork('incremental'))
    Object.assign(series, inc.figures)
    metrics.incremental = { emergence: inc.emergence, maxGrown: inc.maxGrown, plateauErrors: inc.plateauErrors, finalError: inc.finalError }
    const r = config.incremental.targetRank
    const allEmerged = inc.emergence.length === r && inc.emergence.every((s) => s >= 0)
    claims.push(claim(`Component norms leave zero one at a time (rank-${r} target): steps at which the ${r} largest exceed ${config.incremental.threshold}`, { measured: inc.emergence.join(', '), expected: `${r} strictly increasing steps`, holds: allEmerged && strictlyIncreasing(inc.emergence) }))
    claims.push(claim(`Never more than ${r} components grow (of R = ${config.incremental.rank}): most above threshold at once`, { measured: inc.maxGrown, expected: `≤ ${r}`, holds: inc.maxGrown <= r }))
    const stairs = [...inc.plateauErrors, inc.finalError]
    const drops = stairs.slice(1).map((e, i) => (stairs[i] as number) / e)
    claims.push(claim('The error falls as a staircase: error just before each new component emerges, then the final error', { measured: stairs.map(fmt).join(' → '), expected: 'each step ≥ 2× lower', holds: allEmerged && drops.every((d) => d >= 2) }))

    // 3. hierarchical tensor factorization
    ctx.progress(0.25, 'hierarchical tensor factorization')
    const hier = hierarchical(config.hierarchical, ctx.rng.fork('hierarchical'))
    series['hierarchical-norms'] = hier.figure
    metrics.hierarchical = { emergence: hier.emergence, ranks: hier.ranks, targetRanks: hier.targetRanks, nodes: hier.nodes, testError: hier.testError }
    claims.push(claim(`HTF (widths ${config.hierarchical.widths}): root local components grow one at a time: steps at which they exceed ${config.hierarchical.threshold}`, { measured: hier.emergence.join(', '), expected: `≥ 2 strictly increasing steps, ≤ ${config.hierarchical.targetWidths} grown`, holds: hier.grown >= 2 && hier.grown <= config.hierarchical.targetWidths && strictlyIncreasing(hier.emergence) }))
    const maxRank = Math.max(...hier.ranks)
    claims.push(claim(`The learned tensor has low hierarchical rank (matricizations along the tree, σ > ${config.hierarchical.rankTol}·σ_max; ${config.hierarchical.targetWidths} in the target, up to ${config.hierarchical.size} at a leaf and ${config.hierarchical.widths} at an interior node possible)`, { measured: hier.ranks.join(', '), expected: `each ≤ ${config.hierarchical.targetWidths}`, holds: maxRank <= config.hierarchical.targetWidths }))
    claims.push(claim(`…and completes the target from ${config.hierarchical.fraction * 100}% of its entries: relative error on the unobserved ones`, { measured: hier.testError, expected: '< 0.1', holds: hier.testError < 0.1 }))

    // 4. locality
    ctx.progress(0.45, 'locality')
    const loc = locality(config.locality, ctx.rng.fork('locality'))
    series.locality = loc.figure
    metrics.locality = loc.trees.map((t) => ({ tree: t.name, testError: t.testError, trainLoss: t.trainLoss }))
    const [apart, siblings] = loc.trees as [(typeof loc.trees)[0], (typeof loc.trees)[0]]
    claims.push(claim('Locality: T = A[i,k]·B[j,l] over the tree (12)(34) is not completed from half the entries: test error', { measured: apart.testError, expected: '> 0.5', holds: apart.testError > 0.5 }))
    claims.push(claim('…while over (13)(24), interacting modes siblings, it is: test error', { measured: siblings.testError, expected: '< 0.05', holds: siblings.testError < 0.05 }))

    // 5. explicit regularization against locality
    ctx.progress(0.65, 'regularization against locality (tfjs)')
    const reg = await regularization(config.regularization, ctx.rng.fork('regularization'), (f) => ctx.progress(0.65 + 0.35 * f, 'regularization against locality (tfjs)'))
    series.regularization = reg.figure
    metrics.regularization = reg
    const n = config.regularization.seeds
    const plain = median(reg.plain)
    const regd = median(reg.regularized)
    const better = reg.regularized.filter((a, i) => a > (reg.plain[i] as number)).length
    const perSeed = reg.plain.map((a, i) => `${fmt(a)}→${fmt(reg.regularized[i] as number)}`).join(', ')
    claims.push(claim(`Is-same-class at gap ${reg.gap}: a locally connected net (${config.regularization.activation}) with λ = 0 stays near chance (0.5): median test accuracy over ${n} seeds`, { measured: plain, expected: '< 0.6', holds: plain < 0.6 }))
    claims.push(claim(`…and with the regularizer against locality (λ = ${config.regularization.lambda}) it is higher: median test accuracy (per seed, λ = 0 → λ = ${config.regularization.lambda}: ${perSeed}; higher on ${better} of ${n})`, { measured: regd, expected: `> λ = 0 median (${fmt(plain)}) and higher on more than half the seeds`, holds: regd > plain && better > n / 2 }))
    ctx.log(`regularization: λ = 0 → λ = ${config.regularization.lambda} test accuracy per seed: ${perSeed}; medians ${fmt(plain)} → ${fmt(regd)}`)
    ctx.progress(1, 'done')
    return { metrics, series, claims }
  },
})
