/**
 * The implicit bias of structured state space models can be poisoned with clean labels
 * (Slutzky, Alexander, Razin, Cohen). Three reproductions:
 * 1. Theorem 1's setting (B = C = 1 fixed, A trained by gradient flow from a tiny initialization):
 *    the baseline sequence alone extrapolates, adding one special sequence (clean label) breaks it,
 *    and the effect grows as the initialization shrinks.
 * 2. All of A, B, C trained on 8 baseline + 10 special Gaussian sequences, over seeds.
 * 3. The SSM inside a non-linear network (tfjs, Adam).
 */
import { type Rng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { claim, defineExperiment, median, type Claim, type Figure } from '@theoryml/lab'
import {
  baselineSequences,
  dataset,
  effectiveRankOfA,
  extrapolationError,
  gradientFlow,
  impulseResponse,
  lowDimTeacher,
  specialSequences,
  studentInit,
  theoremTeacher,
  trainSsm,
  type DiagonalSsm,
  type TrainSsmResult,
} from '@theoryml/ssm'
import { networkDataset, networkExtrapolationError, ssmNetwork, trainSsmNetwork } from '@theoryml/ssm/tf'

interface Config {
  /** Experiment 1: state dimension, training length, init scales (the middle one is the headline), seeds. */
  theorem: { dim: number; length: number; scales: number[]; seeds: number; relStep: number; maxSteps: number }
  /** Experiment 2: all of A, B, C trained. */
  full: { dim: number; length: number; baseline: number; special: number; std: number; seeds: number; stopAtLoss: number; extraSteps: number; maxSteps: number }
  /** Experiment 3: SSM inside a non-linear network (tfjs). */
  network: { stateDim: number; length: number; baseline: number; special: number; hidden: number; depth: number; std: number; bcStd: number; mlpStd: number; mlpInits: Array<'normal' | 'abs'>; lr: number; eps: number; steps: number; stopAtLoss: number; extraSteps: number; seeds: number; testSamples: number }
  /** Horizon of the extrapolation error. */
  extrapolationLength: number
  /** Which experiments to run (default all three). */
  parts: Array<'theorem' | 'abc' | 'network'>
}

/** lab's median, NaN (a failing claim, not a crash) when no run qualifies, e.g. none fitted. */
const medianOrNaN = (v: number[]): number => (v.length > 0 ? median(v) : NaN)
/** Median that keeps diverged runs: a non-finite error (a_i > 1 blown up over the horizon) counts as +∞, not as a crash. */
const medianKeepingInfinity = (v: number[]): number => {
  const s = v.map((x) => (Number.isFinite(x) ? x : Infinity)).sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? NaN : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}
const fmt = (v: number): string => (Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3))

/** A clean and a poisoned run trained from the same initialization. */
interface RunPair { clean: TrainSsmResult; poison: TrainSsmResult }

/** Impulse responses k(j), j < length, of the teacher and the two students. */
function impulseFigure(title: string, teacher: DiagonalSsm, runs: RunPair, length: number): Figure {
  const js = Array.from({ length }, (_, j) => j)
  const k = (s: DiagonalSsm): number[] => Array.from(impulseResponse(s, length))
  return {
    kind: 'line', title, x: { label: 'j' }, y: { label: 'k(j)' },
    lines: [
      { name: 'teacher', x: js, y: k(teacher) },
      { name: 'student, baseline only', x: js, y: k(runs.clean.student) },
      { name: 'student, baseline + special', x: js, y: k(runs.poison.student) },
    ],
  }
}

/** Extrapolation error over training of the clean and the poisoned run. */
function trainingFigure(title: string, runs: RunPair): Figure {
  return {
    kind: 'line', title, x: { label: 'step' }, y: { label: 'relative ℓ∞ extrapolation error', log: true },
    lines: [
      { name: 'baseline only', x: runs.clean.history.step, y: runs.clean.history.extrapolationError as number[] },
      { name: 'baseline + special', x: runs.poison.history.step, y: runs.poison.history.extrapolationError as number[] },
    ],
  }
}

export default defineExperiment<Config>({
  name: 'ssm-poisoning',
  title: 'The implicit bias of diagonal SSMs can be poisoned with clean labels',
  paper: 'Slutzky, Alexander, Razin, Cohen — The Implicit Bias of Structured State Space Models Can Be Poisoned With Clean Labels',
  defaults: {
    theorem: { dim: 10, length: 7, scales: [1e-2, 1e-3, 1e-4], seeds: 2, relStep: 1e-3, maxSteps: 400_000 },
    full: { dim: 10, length: 6, baseline: 8, special: 10, std: 0.01, seeds: 5, stopAtLoss: 1e-6, extraSteps: 1500, maxSteps: 1_000_000 },
    network: { stateDim: 10, length: 6, baseline: 20, special: 20, hidden: 15, depth: 2, std: 0.05, bcStd: 0.3, mlpStd: 0.3, mlpInits: ['normal'], lr: 0.01, eps: 1e-3, steps: 1200, stopAtLoss: 0.01, extraSteps: 300, seeds: 5, testSamples: 2000 },
    extrapolationLength: 40,
    parts: ['theorem', 'abc', 'network'],
  },
  quick: {},
  full: {
    theorem: { dim: 10, length: 7, scales: [1e-2, 1e-3, 1e-4], seeds: 4, relStep: 2.5e-4, maxSteps: 2_000_000 },
    full: { dim: 10, length: 6, baseline: 8, special: 10, std: 0.01, seeds: 10, stopAtLoss: 1e-8, extraSteps: 1500, maxSteps: 4_000_000 },
    network: { stateDim: 10, length: 6, baseline: 20, special: 20, hidden: 15, depth: 2, std: 0.05, bcStd: 0.3, mlpStd: 0.3, mlpInits: ['normal', 'abs'], lr: 0.01, eps: 1e-3, steps: 20_000, stopAtLoss: 0.01, extraSteps: 5000, seeds: 8, testSamples: 2000 },
  },
  async run(config, ctx) {
    const claims: Claim[] = []
    const figures: Record<string, Figure> = {}
    const metrics: Record<string, unknown> = {}
    const H = config.extrapolationLength

    // ---------------- 1. Theorem 1 ----------------
    if (config.parts.includes('theorem')) {
      const T = config.theorem
      const teacher1 = theoremTeacher(T.dim)
      const seqs = (poison: boolean) => (poison ? [baselineSequences({ length: T.length }), specialSequences({ length: T.length })] : baselineSequences({ length: T.length }))
      const byScale: Array<{ scale: number; clean: number[]; poison: number[]; fitted: boolean[] }> = []
      let shown: RunPair | null = null
      for (const [si, scale] of T.scales.entries()) {
        const row = { scale, clean: [] as number[], poison: [] as number[], fitted: [] as boolean[] }
        for (let seed = 0; seed < T.seeds; seed++) {
          const student = studentInit({ dim: T.dim, std: scale, distribution: 'uniform', unitBC: true, rng: ctx.rng.fork(`theorem-${seed}`) })
          const runs = [false, true].map((poison) =>
            trainSsm({
              initial: student,
              data: dataset({ teacher: teacher1, sequences: seqs(poison) }),
              trainable: ['a'],
              optimizer: gradientFlow({ lr: 1e-3 }), // a fresh integrator per run
              steps: T.maxSteps,
              stopAtLoss: 1e-20,
              extrapolationLength: H,
              every: 50,
            }),
          ) as [TrainSsmResult, TrainSsmResult]
          row.clean.push(runs[0].extrapolationError)
          row.poison.push(runs[1].extrapolationError)
          row.fitted.push(runs[0].fitted, runs[1].fitted)
          if (si === 1 && seed === 0) shown = { clean: runs[0], poison: runs[1] }
          ctx.log(`theorem: scale ${scale}, seed ${seed}: extrapolation error ${fmt(runs[0].extrapolationError)} (baseline) vs ${fmt(runs[1].extrapolationError)} (with special), fitted ${runs[0].fitted}/${runs[1].fitted}`)
        }
        byScale.push(row)
        ctx.progress((0.2 * (si + 1)) / T.scales.length, 'theorem')
      }
      const head = byScale[1] ?? (byScale[0] as (typeof byScale)[number])
      const clean1 = median(head.clean)
      const poison1 = median(head.poison)
      const unfit1 = byScale.reduce((s, r) => s + r.fitted.filter((f) => !f).length, 0)
      const ratios = byScale.map((r) => median(r.poison) / median(r.clean))
      metrics.theorem = { scales: T.scales, cleanError: byScale.map((r) => median(r.clean)), poisonError: byScale.map((r) => median(r.poison)), ratio: ratios, unfitRuns: unfit1 }
      claims.push(
        claim(`Thm 1 (init ${head.scale}): training on the baseline sequence alone extrapolates`, { measured: clean1, expected: '< 0.003 (relative ℓ∞, 40 steps)', holds: clean1 < 0.003 && unfit1 === 0 }),
        claim(`Thm 1 (init ${head.scale}): adding the one special sequence (clean label) makes extrapolation fail`, { measured: poison1, expected: '> 0.03', holds: poison1 > 0.03 && unfit1 === 0 }),
        claim(`Thm 1: the poisoning effect grows as the initialization shrinks (${T.scales.join(' → ')}): error ratio poison/clean`, {
          measured: ratios.map((r) => r.toFixed(1)).join(' → '),
          expected: 'strictly increasing',
          holds: ratios.every((r, i) => i === 0 || r > (ratios[i - 1] as number)),
        }),
      )
      if (shown) {
        figures['theorem-impulse-responses'] = impulseFigure(`Theorem 1 setting (d = ${T.dim}, L = ${T.length}, init ${head.scale}): impulse responses k(j) = C A^j B`, teacher1, shown, 21)
        figures['theorem-training'] = trainingFigure('Theorem 1 setting: extrapolation error over training (gradient flow, Euler steps)', shown)
        figures['theorem-init-scale'] = {
          kind: 'line', title: 'Theorem 1 setting: extrapolation error vs initialization scale (median over seeds)',
          x: { label: 'init scale', log: true }, y: { label: 'relative ℓ∞ extrapolation error', log: true },
          lines: [
            { name: 'baseline only', x: T.scales, y: byScale.map((r) => median(r.clean)) },
            { name: 'baseline + special', x: T.scales, y: byScale.map((r) => median(r.poison)) },
          ],
        }
      }
    }

    // ---------------- 2. A, B, C trained ----------------
    if (config.parts.includes('abc')) {
      const F = config.full
      const teacher2 = lowDimTeacher(1)
      const rows2: Array<{ seed: number; poison: boolean; fitted: boolean; error: number; seqError: number; erank: number; steps: number }> = []
      let shown2: RunPair | null = null
      for (let seed = 0; seed < F.seeds; seed++) {
        const rng: Rng = ctx.rng.fork(`abc-${seed}`)
        const base = baselineSequences({ length: F.length, count: F.baseline, positions: [0, 1], values: 'gaussian', rng: rng.fork('baseline') })
        const spec = specialSequences({ length: F.length, count: F.special, values: 'gaussian', rng: rng.fork('special') })
        const student = studentInit({ dim: F.dim, std: F.std, rng: rng.fork('init') })
        const pair: TrainSsmResult[] = []
        for (const poison of [false, true]) {
          const r = trainSsm({
            initial: student,
            data: dataset({ teacher: teacher2, sequences: poison ? [base, spec] : [base] }),
            trainable: ['a', 'b', 'c'],
            optimizer: gradientFlow({ lr: 1e-3 }),
            steps: F.maxSteps,
            stopAtLoss: F.stopAtLoss,
            extraSteps: F.extraSteps,
            extrapolationLength: H,
          })
          const e = extrapolationError(r.student, teacher2, { length: H, rng: rng.fork('test') })
          rows2.push({ seed, poison, fitted: r.fitted, error: e.impulse, seqError: e.sequence, erank: effectiveRankOfA(r.student.a), steps: r.steps })
          pair.push(r)
          ctx.log(`A,B,C: seed ${seed}, ${poison ? 'with special' : 'baseline only'}: ${r.fitted ? 'fitted' : `DID NOT FIT (loss ${r.loss.toExponential(2)} after ${r.steps} steps)`}, extrapolation ${fmt(e.impulse)}, effective rank ${effectiveRankOfA(r.student.a).toFixed(2)}`)
        }
        if (seed === 0) shown2 = { clean: pair[0] as TrainSsmResult, poison: pair[1] as TrainSsmResult }
        ctx.progress(0.2 + (0.3 * (seed + 1)) / F.seeds, 'A, B, C')
      }
      const sel = (poison: boolean) => rows2.filter((r) => r.poison === poison && r.fitted)
      const unfit2 = rows2.filter((r) => !r.fitted).map((r) => `seed ${r.seed}${r.poison ? ' (poison)' : ' (clean)'}`)
      const c2 = medianOrNaN(sel(false).map((r) => r.error))
      const p2 = medianOrNaN(sel(true).map((r) => r.error))
      const ec = medianOrNaN(sel(false).map((r) => r.erank))
      const ep = medianOrNaN(sel(true).map((r) => r.erank))
      metrics.abc = { rows: rows2, medianError: { clean: c2, poison: p2, ratio: p2 / c2 }, medianEffectiveRank: { clean: ec, poison: ep, ratio: ep / ec }, unfit: unfit2 }
      claims.push(
        claim(`A, B, C trained: every run fits the training set (loss ≤ ${F.stopAtLoss.toExponential(0)}, ${F.seeds} seeds × 2)`, { measured: unfit2.length === 0 ? 'all fitted' : `not fitted: ${unfit2.join(', ')}`, expected: 'all fitted', holds: unfit2.length === 0 }),
        claim('A, B, C trained: with poison the learned A has a larger effective rank (median ratio)', { measured: ep / ec, expected: `≥ 1.2 (medians ${ec.toFixed(2)} → ${ep.toFixed(2)})`, holds: ep / ec >= 1.2 }),
        claim('A, B, C trained: with poison the extrapolation error is clearly larger (median ratio)', { measured: p2 / c2, expected: `≥ 3 (medians ${fmt(c2)} → ${fmt(p2)})`, holds: p2 / c2 >= 3 }),
      )
      if (shown2) {
        figures['abc-impulse-responses'] = impulseFigure(`A, B, C trained (d = ${F.dim}, L = ${F.length}, seed 0): impulse responses`, teacher2, shown2, H)
        figures['abc-training'] = trainingFigure('A, B, C trained (seed 0): extrapolation error over training', shown2)
      }
    }

    // ---------------- 3. SSM inside a non-linear network (tfjs) ----------------
    if (config.parts.includes('network')) {
      const N = config.network
      let tfReady = false
      try {
        await initTf()
        tfReady = true
      } catch (err) {
        claims.push(claim('SSM in a non-linear network: extrapolation error with poison several times the clean one', { measured: `not run: tfjs unavailable (${(err as Error).message.split('\n')[0]})`, expected: '≥ 3', holds: false }))
      }
      if (tfReady) {
        const eye = Array.from({ length: N.hidden }, (_, i) => Array.from({ length: N.hidden }, (_, j) => (i === j ? 1 : 0)))
        // teacher of the paper's code: SSM (A = B = C = 1), then ReLU layers (ones, identity…) and a 0.5 readout
        const teacher3 = ssmNetwork({
          stateDim: 1, hidden: N.hidden, depth: N.depth,
          initial: { a: [1], b: [1], c: [1], output: [[Array(N.hidden).fill(1)], ...Array.from({ length: N.depth - 1 }, () => eye), Array.from({ length: N.hidden }, () => [0.5])] },
        })
        const rows3: Array<{ mlpInit: 'normal' | 'abs'; seed: number; poison: boolean; fitted: boolean; error: number; loss: number }> = []
        let curves: Record<string, { x: number[]; y: number[] }> = {}
        const runs = N.mlpInits.length * N.seeds
        let done = 0
        for (const mlpInit of N.mlpInits) {
          for (let seed = 0; seed < N.seeds; seed++) {
            const rng = ctx.rng.fork(`network-${seed}`)
            const base = baselineSequences({ length: N.length, count: N.baseline, positions: [0, 1], values: 'gaussian', rng: rng.fork('baseline') })
            const spec = specialSequences({ length: N.length, count: N.special, values: 'gaussian', rng: rng.fork('special') })
            // the paper's SSM init: sorted |N(0, std²)|, top two tied up to 0.05/e, plus 0.001
            const s0 = studentInit({ dim: N.stateDim, std: N.std, bcStd: N.bcStd, diff: (0.05 / Math.E) * (N.std / 0.01), warm: 0.001, rng: rng.fork('ssm') })
            for (const poison of [false, true]) {
              const data = networkDataset({ teacher: teacher3, sequences: poison ? [base, spec] : [base] })
              // MLP weights N(0, σ²), or their magnitudes ('abs', like the SSM's sorted magnitudes): the student then
              // starts with the teacher's sign pattern instead of a random slope on each side of 0
              const mrng = rng.fork('mlp')
              const dims = [1, ...Array.from({ length: N.depth }, () => N.hidden), 1]
              const output = dims.slice(0, -1).map((rows, i) => Array.from({ length: rows }, () => Array.from({ length: dims[i + 1] as number }, () => {
                const v = mrng.normal(0, N.mlpStd)
                return mlpInit === 'abs' ? Math.abs(v) : v
              })))
              const student = ssmNetwork({ stateDim: N.stateDim, hidden: N.hidden, depth: N.depth, initial: { a: s0.a, b: s0.b, c: s0.c, output } })
              const r = trainSsmNetwork({ network: student, data, optimizer: { type: 'adam', lr: N.lr, eps: N.eps }, steps: N.steps, stopAtLoss: N.stopAtLoss, extraSteps: N.extraSteps })
              const error = networkExtrapolationError(student, teacher3, { length: H, samples: N.testSamples, rng: rng.fork('test') })
              rows3.push({ mlpInit, seed, poison, fitted: r.fitted, error, loss: r.loss })
              if (seed === 0 && mlpInit === N.mlpInits[0]) curves[poison ? 'baseline + special' : 'baseline only'] = { x: r.history.step, y: r.history.loss }
              ctx.log(`network (MLP init ${mlpInit}): seed ${seed}, ${poison ? 'with special' : 'baseline only'}: ${r.fitted ? 'fitted' : `DID NOT FIT (loss ${r.loss.toExponential(2)})`} after ${r.steps} steps, extrapolation ${fmt(error)}`)
              student.dispose()
            }
            ctx.progress(0.5 + (0.5 * ++done) / runs, 'network')
          }
        }
        teacher3.dispose()
        // Every seed counts (unfit runs included, and named): the paper's claim is about the trained networks, not a subset.
        const byInit = N.mlpInits.map((mlpInit) => {
          const rs = rows3.filter((r) => r.mlpInit === mlpInit)
          const c = medianKeepingInfinity(rs.filter((r) => !r.poison).map((r) => r.error))
          const p = medianKeepingInfinity(rs.filter((r) => r.poison).map((r) => r.error))
          const perSeed = Array.from({ length: N.seeds }, (_, seed) => (rs.find((r) => r.seed === seed && r.poison)?.error as number) / (rs.find((r) => r.seed === seed && !r.poison)?.error as number))
          const unfit = rs.filter((r) => !r.fitted).map((r) => `seed ${r.seed}${r.poison ? ' (poison)' : ' (clean)'}`)
          return { mlpInit, clean: c, poison: p, ratio: p / c, perSeed, unfit }
        })
        metrics.network = { rows: rows3, byInit }
        // Not reproduced at these budgets (see the guide): asserted under --full, reported in quick mode.
        const netClaims = byInit.map((b) => claim(`SSM in a non-linear network (MLP init ${b.mlpInit}): with clean-label special sequences the extrapolation error is several times the clean one — ratio of medians over all ${N.seeds} seeds, unfit runs included (paper: poisoning persists inside non-linear networks)`, {
          measured: `${b.ratio.toPrecision(3)} (medians ${fmt(b.clean)} → ${fmt(b.poison)}; per seed ${b.perSeed.map((r) => r.toPrecision(2)).join(', ')}${b.unfit.length ? `; not fitted: ${b.unfit.join(', ')}` : '; all fitted'})`,
          expected: '≥ 3, every run fitted',
          holds: b.ratio >= 3 && b.unfit.length === 0,
        }))
        if (ctx.full) claims.push(...netClaims)
        else for (const c of netClaims) ctx.log(`not reproduced (asserted under --full only): ${c.statement} — measured ${String(c.measured)}, expected ${c.expected}`)
        figures['network-training'] = {
          kind: 'line', title: 'SSM between MLPs (tfjs, Adam, seed 0): training loss',
          x: { label: 'step' }, y: { label: 'training MSE', log: true },
          lines: Object.entries(curves).map(([name, c]) => ({ name, x: c.x, y: c.y.map((v) => Math.max(v, 1e-12)) })),
        }
        curves = {}
      }
    }
    ctx.progress(1, 'done')
    return { metrics, figures, claims }
  },
})
