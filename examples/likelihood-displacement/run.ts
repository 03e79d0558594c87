/**
 * Unintentional Unalignment: Likelihood Displacement in Direct Preference Optimization
 * (Razin, Malladi, Bhaskar, Chen, Arora, Hanin 2025), reproduced in the unconstrained features model:
 * 1. catastrophic vs benign displacement on an 8-token vocabulary with a polarity direction;
 * 2. the single-token theorem (displacementRate) against a finite-difference step of gradient descent;
 * 3. CHES predicts which multi-token pairs displace the preferred response's likelihood;
 * 4. filtering the highest-CHES pairs mitigates displacement better than filtering random pairs.
 */
import type { Rng } from '@theoryml/core'
import { claim, defineExperiment, mean, spearman, std, type Claim, type Figure } from '@theoryml/lab'
import {
  alphaCoefficients, ches, displacementRate, filterByChes, lengthNormalizedChes, likelihoodDisplacement,
  preferenceLossAndGrad, trainPreference, ufmPolicy, type PreferencePair, type UfmPolicy,
} from '@theoryml/preference-opt'
import { INITIAL, NEVER, NO, SURE, TOKENS, YES, lmLikePairs, polarityModel } from './data'
import { dmath } from '@theoryml/core'

interface Config {
  /** Experiment 1: the polarity vocabulary. */
  polarity: { dim: number; strong: number; weak: number; privateNorm: number; noise: number; beta: number; lr: number; steps: number; seeds: number }
  /** Experiment 2: random single-token models, GD step size of the finite difference. */
  theorem: { trials: number; eta: number }
  /** Experiment 3: multi-token pairs, each trained alone. */
  ches: { pairs: number; vocab: number; dim: number; anisotropy: number; decay: number; minLength: number; maxLength: number; beta: number; lr: number; steps: number }
  /** Experiment 4: one mixed training set, filtered by CHES or at random. */
  filter: { pairs: number; removeFraction: number; randomRepeats: number; lr: number; steps: number }
}

const fmt = (v: number, digits = 3): string => (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) ? v.toFixed(digits) : v.toExponential(2))
const prob = (m: UfmPolicy, z: number): number => dmath.exp(m.nextTokenLogProbs('x')[z] as number)

interface SettingResult {
  name: string
  pair: PreferencePair
  strength: number
  lossStart: number
  lossEnd: number
  monotone: boolean
  pNo: [number, number, number]
  pYesEnd: number
  pNeverEnd: number
  rate0: number
  drop: number
  kind: string
  topToken: number
  series: { step: number[]; yes: number[]; no: number[]; never: number[]; sure: number[] }
}

function runSetting(name: string, strength: number, pair: PreferencePair, c: Config['polarity'], rng: Rng): SettingResult {
  const model = polarityModel({ strength, privateNorm: c.privateNorm, dim: c.dim, noise: c.noise, rng })
  const loss = { type: 'dpo' as const, beta: c.beta }
  const rate0 = displacementRate(model, pair, { loss }).rate
  const { history } = trainPreference({
    model, pairs: [pair], loss, lr: c.lr, steps: c.steps, every: 1,
    record: { pYes: () => prob(model, YES), pNo: () => prob(model, NO), pNever: () => prob(model, NEVER), pSure: () => prob(model, SURE) },
  })
  const losses = history.loss
  const monotone = losses.every((v, i) => i === 0 || v <= (losses[i - 1] as number) + 1e-12)
  const pNo = history.pNo as number[]
  const d = likelihoodDisplacement(history, { sameMeaning: [NO, NEVER] })
  return {
    name, pair, strength, rate0,
    lossStart: losses[0] as number,
    lossEnd: losses[losses.length - 1] as number,
    monotone,
    pNo: [pNo[0] as number, Math.min(...pNo), pNo[pNo.length - 1] as number],
    pYesEnd: (history.pYes as number[]).at(-1) as number,
    pNeverEnd: (history.pNever as number[]).at(-1) as number,
    drop: d.drop, kind: d.kind, topToken: d.topToken,
    series: { step: history.step, yes: history.pYes as number[], no: pNo, never: history.pNever as number[], sure: history.pSure as number[] },
  }
}

/** Δ ln π(y⁺)/η after one GD step of size η on the pair alone (exact gradient, float64). */
function finiteDifferenceRate(model: UfmPolicy, pair: PreferencePair, eta: number): number {
  const before = model.logProb(pair.prompt, pair.chosen)
  const m = model.clone()
  const { grad } = preferenceLossAndGrad(m, [pair])
  for (const [k, g] of Object.entries(grad)) {
    const p = m.params[k] as Float64Array
    for (let j = 0; j < p.length; j++) p[j] = (p[j] as number) - eta * (g[j] as number)
  }
  return (m.logProb(pair.prompt, pair.chosen) - before) / eta
}

export default defineExperiment<Config>({
  name: 'likelihood-displacement',
  title: 'Likelihood displacement in DPO and the CHES score (unconstrained features model)',
  paper: 'Razin, Malladi, Bhaskar, Chen, Arora, Hanin — Unintentional Unalignment: Likelihood Displacement in Direct Preference Optimization (ICLR 2025)',
  defaults: {
    polarity: { dim: 16, strong: 8, weak: 1, privateNorm: 1, noise: 0.2, beta: 0.1, lr: 0.1, steps: 1000, seeds: 3 },
    theorem: { trials: 50, eta: 1e-7 },
    ches: { pairs: 400, vocab: 8, dim: 32, anisotropy: 3, decay: 0.7, minLength: 2, maxLength: 8, beta: 0.1, lr: 0.1, steps: 50 },
    filter: { pairs: 200, removeFraction: 0.2, randomRepeats: 8, lr: 0.1, steps: 50 },
  },
  quick: {},
  full: {
    polarity: { dim: 16, strong: 8, weak: 1, privateNorm: 1, noise: 0.2, beta: 0.1, lr: 0.1, steps: 3000, seeds: 10 },
    theorem: { trials: 500, eta: 1e-7 },
    ches: { pairs: 1000, vocab: 8, dim: 32, anisotropy: 3, decay: 0.7, minLength: 2, maxLength: 8, beta: 0.1, lr: 0.1, steps: 50 },
    filter: { pairs: 300, removeFraction: 0.2, randomRepeats: 20, lr: 0.1, steps: 50 },
  },
  run(config, ctx) {
    const claims: Claim[] = []
    const figures: Record<string, Figure> = {}
    const metrics: Record<string, unknown> = {}

    // ---------------------------------------------------------------- 1. catastrophic vs benign displacement
    const c1 = config.polarity
    const settings: Array<[string, number, PreferencePair]> = [
      ['No ≻ Never, strong polarity', c1.strong, { prompt: 'x', chosen: [NO], rejected: [NEVER] }],
      ['No ≻ Yes, strong polarity', c1.strong, { prompt: 'x', chosen: [NO], rejected: [YES] }],
      ['No ≻ Never, weak polarity', c1.weak, { prompt: 'x', chosen: [NO], rejected: [NEVER] }],
    ]
    const bySetting: SettingResult[][] = settings.map(() => [])
    for (let s = 0; s < c1.seeds; s++) {
      settings.forEach(([name, strength, pair], i) => {
        bySetting[i]!.push(runSetting(name, strength, pair, c1, ctx.rng.fork(`polarity-${s}`)))
      })
      ctx.progress((0.3 * (s + 1)) / c1.seeds, 'polarity vocabulary')
    }
    ctx.log(`1. DPO on one prompt, vocabulary ${TOKENS.join(' ')}; π₀(No) = ${INITIAL[NO]}, π₀(Yes) = ${INITIAL[YES]} (seed 0 of ${c1.seeds})`)
    ctx.log('   setting                        loss start→end  monotone  π(No) start/min/end   π(Yes) end  π(Never) end  rate₀      top token  displacement')
    for (const rows of bySetting) {
      const r = rows[0] as SettingResult
      ctx.log(`   ${r.name.padEnd(30)} ${fmt(r.lossStart)}→${fmt(r.lossEnd, 4).padEnd(8)} ${String(r.monotone).padEnd(9)} ${r.pNo.map((v) => fmt(v)).join('/').padEnd(21)} ${fmt(r.pYesEnd).padEnd(11)} ${fmt(r.pNeverEnd).padEnd(13)} ${fmt(r.rate0, 4).padEnd(10)} ${String(TOKENS[r.topToken]).padEnd(10)} ${r.kind} (drop ${fmt(r.drop)} nats)`)
    }
    const [cat, ben, weak] = bySetting as [SettingResult[], SettingResult[], SettingResult[]]
    const catOk = cat.every((r) => r.monotone && r.pNo[2] < 0.05 && r.pYesEnd > r.pNo[2] && r.kind === 'catastrophic')
    claims.push(claim('DPO on (No ≻ Never), strong polarity: the loss falls monotonically, π(No) collapses below 0.05 and π(Yes) rises above it (catastrophic), every seed', {
      measured: `π(No) ${cat.map((r) => fmt(r.pNo[2])).join(', ')}; π(Yes) ${cat.map((r) => fmt(r.pYesEnd)).join(', ')}; monotone ${cat.every((r) => r.monotone)}`,
      expected: 'monotone loss, π(No)_end < 0.05 < π(Yes)_end, kind catastrophic', holds: catOk,
    }))
    const benOk = ben.every((r) => r.drop > 0.1 && r.kind === 'benign')
    claims.push(claim('DPO on (No ≻ Yes), strong polarity: π(No) is displaced onto the same-meaning "Never" (benign), every seed', {
      measured: `drop ${ben.map((r) => fmt(r.drop)).join(', ')} nats; top token ${ben.map((r) => TOKENS[r.topToken]).join(', ')}`,
      expected: 'drop > 0.1 nats, top token Never (benign)', holds: benOk,
    }))
    const weakOk = weak.every((r) => r.kind === 'none')
    claims.push(claim('With a weak polarity direction (γ = ' + c1.weak + ') DPO on (No ≻ Never) does not displace π(No), every seed', {
      measured: `largest decrease of ln π(No) ${weak.map((r) => fmt(r.drop)).join(', ')} nats`,
      expected: '≤ 1e-3 nats (kind none)', holds: weakOk,
    }))
    // Not a claim: the theorem's rate at initialization (negative: ln π(No) starts falling). In the benign
    // setting it starts positive and π(No) first rises, so the initial rate alone does not flag it.
    metrics.polarity = bySetting.map((rows) => ({
      setting: (rows[0] as SettingResult).name,
      lossEnd: rows.map((r) => r.lossEnd), pNoEnd: rows.map((r) => r.pNo[2]), pYesEnd: rows.map((r) => r.pYesEnd),
      pNeverEnd: rows.map((r) => r.pNeverEnd), drop: rows.map((r) => r.drop), kind: rows.map((r) => r.kind), rateAtInit: rows.map((r) => r.rate0),
    }))
    const figNames = ['catastrophic', 'benign', 'weak-polarity']
    bySetting.forEach((rows, i) => {
      const r = rows[0] as SettingResult
      figures[figNames[i] as string] = {
        kind: 'line', title: `DPO on ${r.name}: next-token probabilities`, x: { label: 'step' }, y: { label: 'π(token | x)' },
        lines: [
          { name: 'Yes', x: r.series.step, y: r.series.yes },
          { name: 'Sure', x: r.series.step, y: r.series.sure },
          { name: 'No (preferred)', x: r.series.step, y: r.series.no },
          { name: 'Never', x: r.series.step, y: r.series.never },
        ],
      }
    })

    // ---------------------------------------------------------------- 2. the single-token theorem
    const c2 = config.theorem
    const rng2 = ctx.rng.fork('theorem')
    let worst = 0
    for (let t = 0; t < c2.trials; t++) {
      const V = 3 + rng2.int(30)
      const model = ufmPolicy({ vocab: V, dim: 2 + rng2.int(15), rng: rng2.int(2 ** 31), unembeddingScale: 0.3 + 3 * rng2.uniform(), hiddenScale: 0.3 + 3 * rng2.uniform() })
      const a = rng2.int(V)
      const pair = { prompt: 'p', chosen: [a], rejected: [(a + 1 + rng2.int(V - 1)) % V] }
      const predicted = displacementRate(model, pair).rate
      const fd = finiteDifferenceRate(model, pair, c2.eta)
      worst = Math.max(worst, Math.abs(predicted - fd) / Math.max(1, Math.abs(predicted)))
    }
    ctx.progress(0.4, 'theorem')
    ctx.log(`2. displacementRate vs a GD step of size ${c2.eta} on ${c2.trials} random single-token models: worst relative error ${fmt(worst)}`)
    claims.push(claim('The single-token rate formula matches a finite-difference step of gradient descent (float64)', {
      measured: worst, expected: '≤ 1e-4 (relative, worst of ' + c2.trials + ' random models)', holds: worst <= 1e-4,
    }))
    metrics.theoremWorstRelativeError = worst

    // ---------------------------------------------------------------- 3. CHES predicts displacement
    const c3 = config.ches
    const data = lmLikePairs({ count: c3.pairs, vocab: c3.vocab, dim: c3.dim, anisotropy: c3.anisotropy, decay: c3.decay, minLength: c3.minLength, maxLength: c3.maxLength, rng: ctx.rng.fork('ches') })
    const scores: number[] = []
    const lnScores: number[] = []
    const deltas: number[] = []
    const alphaPos: number[] = []
    data.pairs.forEach((pair, i) => {
      const model = data.model([i])
      scores.push(ches(model.responseHidden(pair.prompt, pair.chosen), model.responseHidden(pair.prompt, pair.rejected)))
      lnScores.push(lengthNormalizedChes(model.responseHidden(pair.prompt, pair.chosen), model.responseHidden(pair.prompt, pair.rejected)))
      alphaPos.push(alphaCoefficients(model, pair).fractionPositive)
      const { history } = trainPreference({ model, pairs: [pair], loss: { type: 'dpo', beta: c3.beta }, lr: c3.lr, steps: c3.steps, every: c3.steps })
      const lp = history.logpChosen
      deltas.push((lp[lp.length - 1]![0] as number) - (lp[0]![0] as number))
      if (i % 20 === 0) ctx.progress(0.4 + (0.3 * i) / c3.pairs, 'CHES')
    })
    const rho = spearman(scores, deltas)
    const rhoLn = spearman(lnScores, deltas)
    const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number))
    const k = Math.round(0.2 * c3.pairs)
    const top = mean(order.slice(0, k).map((i) => deltas[i] as number))
    const bottom = mean(order.slice(-k).map((i) => deltas[i] as number))
    const fracDown = deltas.filter((d) => d < 0).length / deltas.length
    const alphaFrac = mean(alphaPos)
    ctx.log(`3. ${c3.pairs} pairs (|V| = ${c3.vocab}, d = ${c3.dim}), each trained alone: Spearman(CHES, Δ ln π(y⁺)) = ${fmt(rho)} (length-normalized ${fmt(rhoLn)}); top-20% CHES mean Δ = ${fmt(top)}, bottom-20% mean Δ = ${fmt(bottom)}; ${fmt(100 * fracDown, 1)}% of pairs lose likelihood; α > 0 for ${fmt(100 * alphaFrac, 1)}% of the coefficients`)
    // |ρ| ≥ 0.5 is conventionally "strong", 0.3–0.5 "moderate"; the UFM gives about −0.45 (see README).
    claims.push(claim('CHES is negatively rank-correlated with the change of ln π(y⁺) over pairs trained alone (paper: CHES separates the displacing samples from the rest on real models; here, in the UFM, moderately: see the guide)', {
      measured: rho, expected: '≤ −0.3 (Spearman; "strong" would be ≤ −0.5)', holds: rho <= -0.3,
    }))
    claims.push(claim('The top-20% CHES pairs lose preferred likelihood on average while the bottom-20% gain it (paper: the highest-CHES samples displace, the lowest do not)', {
      measured: `top ${fmt(top)}, bottom ${fmt(bottom)} nats`, expected: 'top < 0 < bottom', holds: top < 0 && bottom > 0,
    }))
    metrics.ches = { spearman: rho, spearmanLengthNormalized: rhoLn, top20MeanDelta: top, bottom20MeanDelta: bottom, fractionLosingLikelihood: fracDown, fractionPositiveAlpha: alphaFrac }
    figures['ches-vs-change'] = {
      kind: 'line', title: 'CHES against the change of ln π(y⁺), pairs sorted by CHES (moving average of 20)', x: { label: 'CHES rank (highest first)' }, y: { label: 'Δ ln π(y⁺) (nats)' },
      lines: [
        { name: 'each pair', x: order.map((_, r) => r), y: order.map((i) => deltas[i] as number) },
        { name: 'moving average', x: order.map((_, r) => r), y: order.map((_, r) => mean(order.slice(Math.max(0, r - 10), r + 10).map((i) => deltas[i] as number))) },
      ],
    }

    // ---------------------------------------------------------------- 4. filtering by CHES
    const c4 = config.filter
    const mixed = lmLikePairs({ count: c4.pairs, vocab: c3.vocab, dim: c3.dim, anisotropy: c3.anisotropy, decay: c3.decay, minLength: c3.minLength, maxLength: c3.maxLength, rng: ctx.rng.fork('filter') })
    const all = mixed.pairs.map((_, i) => i)
    const scored = mixed.model(all)
    const filtered = filterByChes(mixed.pairs.map((p, i) => ({ i, hPreferred: scored.responseHidden(p.prompt, p.chosen), hDispreferred: scored.responseHidden(p.prompt, p.rejected) })), { keepFraction: 1 - c4.removeFraction })
    // Each training run returns Δ ln π(y⁺) per trained pair (index → nats), so that runs on different
    // subsets can be compared on the pairs they share (a common evaluation set).
    const trainOn = (indices: number[]): Map<number, number> => {
      const model = mixed.model(indices)
      const pairs = indices.map((i) => mixed.pairs[i] as PreferencePair)
      const { history } = trainPreference({ model, pairs, loss: { type: 'dpo', beta: c3.beta }, lr: c4.lr, steps: c4.steps, every: c4.steps })
      const first = history.logpChosen[0] as number[]
      const last = history.logpChosen[history.logpChosen.length - 1] as number[]
      return new Map(indices.map((i, j) => [i, (last[j] as number) - (first[j] as number)]))
    }
    const meanOn = (d: Map<number, number>, on: readonly number[]): number => mean(on.map((i) => d.get(i) as number))
    const kept = filtered.keptIndices.slice()
    const full = trainOn(all)
    const byChes = trainOn(kept)
    const rngF = ctx.rng.fork('random-filter')
    // For each random filter of the same size: the pairs both filters keep, and the mean Δ there under each training run.
    const draws = Array.from({ length: c4.randomRepeats }, () => {
      const keep = rngF.permutation(c4.pairs).slice(0, kept.length).sort((a, b) => a - b)
      const random = trainOn(keep)
      const common = kept.filter((i) => random.has(i))
      return { common: common.length, ches: meanOn(byChes, common), random: meanOn(random, common), full: meanOn(full, common), randomOwn: meanOn(random, keep) }
    })
    const gaps = draws.map((d) => d.ches - d.random)
    const gapMean = mean(gaps)
    const gapSe = gaps.length > 1 ? std(gaps, { ddof: 1 }) / Math.sqrt(gaps.length) : Number.NaN
    const fullOnKept = meanOn(full, kept)
    const chesOnKept = meanOn(byChes, kept)
    ctx.progress(1, 'done')
    ctx.log(`4. ${c4.pairs} mixed pairs trained together; on the ${kept.length} pairs the CHES filter keeps, mean Δ ln π(y⁺): trained on all ${fmt(fullOnKept)}, on the CHES-filtered set ${fmt(chesOnKept)}. Against ${c4.randomRepeats} random filters of the same size, on the pairs both keep (CHES-filtered / random-filtered): ${draws.map((d) => `${fmt(d.ches)}/${fmt(d.random)} (${d.common})`).join(', ')}; gap ${fmt(gapMean)} ± ${fmt(gapSe)} (s.e.)`)
    claims.push(claim(`Filtering: removing the ${100 * c4.removeFraction}% highest-CHES pairs preserves the preferred likelihood of the remaining pairs better than removing as many random pairs — mean Δ ln π(y⁺) on the pairs both filters keep, paired over ${c4.randomRepeats} random filters (paper: filtering by CHES mitigates displacement, random filtering does not)`, {
      measured: `gap ${fmt(gapMean)} nats (s.e. ${fmt(gapSe)}); per draw ${gaps.map((g) => fmt(g)).join(', ')}`,
      expected: `gap > 0 in every one of the ${c4.randomRepeats} draws (sign test: p = 2^−${c4.randomRepeats} if CHES filtering were no better than random)`,
      holds: gaps.length >= 8 && gaps.every((g) => g > 0),
    }))
    metrics.filter = { keptByChes: kept.length, meanDeltaOnChesKept: { trainedOnAll: fullOnKept, trainedOnChesFiltered: chesOnKept }, randomDraws: draws, gapMean, gapStandardError: gapSe }
    return { metrics, figures, claims }
  },
})

