/**
 * Alexander, De La Vega, Razin, Cohen 2023, "What Makes Data Suitable for a Locally Connected Neural
 * Network? A Necessary and Sufficient Condition Based on Quantum Entanglement": a locally connected
 * network fits data whose empirical data tensor A = Σ_m y_m ⊗_f φ(x_m^f) has low entanglement under
 * the canonical partitions; shuffling features raises it, and a rearrangement by recursive balanced
 * min-cuts of the |correlation| graph lowers it and restores accuracy.
 */
import { type Rng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { claim, defineExperiment, mean, pearson, type Claim, type Figure } from '@theoryml/lab'
import { averageEntanglement, averageSurrogateEntanglement, permuteFeatures, randomSwaps, rearrangeFeatures } from '@theoryml/tensor-factorization'
import { trainLocalConvNet } from '@theoryml/tensor-factorization/tf'
import { smoothSignals, waveform, type Dataset } from './data'

interface Config {
  /** Features of the smooth signals (a power of two). */
  features: number
  /** Training samples (entanglement is measured on them). */
  samples: number
  /** Test samples for the accuracies. */
  testSamples: number
  /** Length scales of the two classes of smooth signals. */
  lengthScales: [number, number]
  /** Canonical levels whose entanglement is reported (the first one carries the claims). */
  levels: number[]
  /** Numbers of random swaps of experiment 1. */
  swaps: number[]
  /** Seeds of experiment 2 (smooth signals) and experiment 3 (waveform, a smaller effect). */
  seeds: number
  waveformSeeds: number
  /** Training of the locally connected network. */
  steps: number
  channels: number
  lr: number
  /** Waveform data: training and test sizes. */
  waveformSamples: number
  waveformTest: number
}

const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d

/** Original order, a random permutation of it, and the rearrangement of the permuted training data. */
function orders(train: Dataset, test: Dataset, rng: Rng): Array<{ name: 'original' | 'random permutation' | 'rearranged'; train: Dataset; test: Dataset }> {
  const perm = rng.permutation(train.X.columns)
  const trP = { X: permuteFeatures(train.X, perm), y: train.y }
  const teP = { X: permuteFeatures(test.X, perm), y: test.y }
  const re = rearrangeFeatures(trP.X)
  return [
    { name: 'original', train, test },
    { name: 'random permutation', train: trP, test: teP },
    { name: 'rearranged', train: { X: permuteFeatures(trP.X, re), y: train.y }, test: { X: permuteFeatures(teP.X, re), y: test.y } },
  ]
}

export default defineExperiment<Config>({
  name: 'entanglement',
  title: 'Entanglement of data predicts the accuracy of locally connected networks',
  paper: 'Alexander, De La Vega, Razin, Cohen 2023 (NeurIPS)',
  defaults: {
    features: 64,
    samples: 400,
    testSamples: 400,
    lengthScales: [6, 3],
    levels: [1, 2],
    swaps: [0, 16, 128],
    seeds: 2,
    waveformSeeds: 3,
    steps: 150,
    channels: 8,
    lr: 0.02,
    waveformSamples: 400,
    waveformTest: 2000,
  },
  quick: {},
  full: { levels: [1, 2, 3, 4], seeds: 5, waveformSeeds: 5, steps: 400, channels: 16, samples: 1000, testSamples: 1000, waveformSamples: 1000, swaps: [0, 4, 16, 64, 128, 256] },
  async run(config, ctx) {
    await initTf({ warn: false })
    const L1 = config.levels[0] as number
    const ent = (d: Dataset, level: number): number => averageEntanglement(d.X, d.y, level)
    const claims: Claim[] = []
    const figures: Record<string, Figure> = {}

    // ---- Experiment 1: entanglement of smooth signals under shuffling and rearrangement.
    ctx.progress(0, 'experiment 1')
    const base = smoothSignals(config.samples, config.features, config.lengthScales, ctx.rng.fork('signals'))
    const byOrder = orders(base, base, ctx.rng.fork('permutation'))
    const levelCurves = byOrder.map((o) => ({ name: o.name, values: config.levels.map((l) => ent(o.train, l)) }))
    const sur = byOrder.map((o) => averageSurrogateEntanglement(o.train.X, L1))
    const [eOrig, ePerm, eRe] = levelCurves.map((c) => c.values[0] as number) as [number, number, number]
    const [sOrig, sPerm, sRe] = sur as [number, number, number]
    const swapRng = ctx.rng.fork('swaps')
    const swapEnt = config.swaps.map((k) => ent({ X: permuteFeatures(base.X, randomSwaps(config.features, k, swapRng)), y: base.y }, L1))
    ctx.log(`exp 1: level-${L1} entanglement original ${eOrig.toFixed(3)}, permuted ${ePerm.toFixed(3)}, rearranged ${eRe.toFixed(3)}; swaps ${swapEnt.map((v) => v.toFixed(3)).join(' ')}`)
    claims.push(
      claim(`exp 1: a random permutation raises the level-${L1} entanglement of smooth signals by more than 0.3`, { measured: round(ePerm - eOrig), expected: '> 0.3', holds: ePerm - eOrig > 0.3 }),
      claim(`exp 1: a random permutation multiplies the level-${L1} surrogate entanglement by 2 or more`, { measured: round(sPerm / sOrig), expected: '≥ 2', holds: sPerm / sOrig >= 2 }),
      claim(`exp 1: entanglement grows with the number of random swaps (${config.swaps.join(', ')})`, {
        measured: swapEnt.map((v) => v.toFixed(3)).join(' < '),
        expected: 'strictly increasing',
        holds: swapEnt.every((v, i) => i === 0 || v > (swapEnt[i - 1] as number)),
      }),
      claim('exp 1: rearrangeFeatures brings the entanglement back within 0.1 of the original', { measured: round(Math.abs(eRe - eOrig)), expected: '< 0.1', holds: Math.abs(eRe - eOrig) < 0.1 }),
      claim('exp 1: rearrangeFeatures brings the surrogate back within 10% of the original', { measured: round(Math.abs(sRe - sOrig) / sOrig), expected: '< 0.10 relative', holds: Math.abs(sRe - sOrig) / sOrig < 0.1 }),
    )
    figures['entanglement-levels'] = {
      kind: 'line',
      title: 'Smooth signals: entanglement under canonical partitions',
      x: { label: 'level' },
      y: { label: 'entanglement entropy (mean over partitions)' },
      lines: levelCurves.map((c) => ({ name: c.name, x: config.levels, y: c.values })),
    }
    figures['entanglement-swaps'] = {
      kind: 'line',
      title: `Smooth signals: level-${L1} entanglement vs random swaps`,
      x: { label: 'random swaps' },
      y: { label: 'entanglement entropy' },
      lines: [{ name: 'random swaps', x: config.swaps, y: swapEnt }],
    }

    // ---- Experiments 2 and 3: accuracy of the locally connected network beside entanglement.
    const runOrders = (make: (rng: Rng) => { train: Dataset; test: Dataset }, label: string, seeds: number, p0: number) => {
      const rows: Array<{ seed: number; order: string; entanglement: number; surrogate: number; accuracy: number }> = []
      for (let s = 0; s < seeds; s++) {
        const rng = ctx.rng.fork(`${label}-${s}`)
        const { train, test } = make(rng)
        // The same initialization for every order of a seed: a paired comparison.
        const netSeed = rng.fork('net').nextUint32()
        for (const o of orders(train, test, rng)) {
          const net = trainLocalConvNet(o.train.X, o.train.y, { steps: config.steps, channels: config.channels, lr: config.lr, rng: netSeed })
          const accuracy = net.accuracy(o.test.X, o.test.y)
          net.dispose()
          rows.push({ seed: s, order: o.name, entanglement: ent(o.train, L1), surrogate: averageSurrogateEntanglement(o.train.X, L1), accuracy })
        }
        ctx.progress(p0 + (0.45 * (s + 1)) / seeds, label)
      }
      const summary = (order: string) => {
        const r = rows.filter((x) => x.order === order)
        return { order, entanglement: round(mean(r.map((x) => x.entanglement))), surrogate: round(mean(r.map((x) => x.surrogate)), 2), accuracy: round(mean(r.map((x) => x.accuracy))) }
      }
      return { rows, table: ['original', 'random permutation', 'rearranged'].map(summary) }
    }

    ctx.progress(0.1, 'experiment 2')
    const exp2 = runOrders(
      (rng) => ({
        train: smoothSignals(config.samples, config.features, config.lengthScales, rng.fork('train')),
        test: smoothSignals(config.testSamples, config.features, config.lengthScales, rng.fork('test')),
      }),
      'signals',
      config.seeds,
      0.1,
    )
    const [a2o, a2p, a2r] = exp2.table as [typeof exp2.table[0], typeof exp2.table[0], typeof exp2.table[0]]
    const gap = a2o.accuracy - a2p.accuracy
    const recovered = gap > 0 ? (a2r.accuracy - a2p.accuracy) / gap : 0
    const corr = pearson(exp2.rows.map((r) => r.entanglement), exp2.rows.map((r) => r.accuracy))
    ctx.log(`exp 2: ${exp2.table.map((r) => `${r.order}: acc ${r.accuracy} ent ${r.entanglement}`).join('; ')}`)
    claims.push(
      claim('exp 2: the locally connected net is accurate on the original order', { measured: a2o.accuracy, expected: '≥ 0.9', holds: a2o.accuracy >= 0.9 }),
      claim('exp 2: it is clearly worse on the randomly permuted features', { measured: round(gap), expected: 'accuracy drop ≥ 0.1', holds: gap >= 0.1 }),
      claim('exp 2: rearrangeFeatures recovers most of the accuracy gap', { measured: round(recovered), expected: '> 0.5 of the gap', holds: recovered > 0.5 }),
      claim(`exp 2: accuracy follows entanglement (correlation over ${exp2.rows.length} runs)`, { measured: round(corr), expected: '< −0.5', holds: corr < -0.5 }),
    )
    figures['accuracy-vs-entanglement'] = {
      kind: 'line',
      title: 'Smooth signals: test accuracy of the locally connected net vs entanglement',
      x: { label: `level-${L1} entanglement of the training data` },
      y: { label: 'test accuracy' },
      lines: Array.from({ length: config.seeds }, (_, s) => {
        const r = exp2.rows.filter((x) => x.seed === s).sort((p, q) => p.entanglement - q.entanglement)
        return { name: `seed ${s}`, x: r.map((x) => x.entanglement), y: r.map((x) => x.accuracy) }
      }),
    }

    ctx.progress(0.55, 'experiment 3')
    const exp3 = runOrders((rng) => ({ train: waveform(config.waveformSamples, rng.fork('train')), test: waveform(config.waveformTest, rng.fork('test')) }), 'waveform', config.waveformSeeds, 0.55)
    const [, w3p, w3r] = exp3.table as [typeof exp3.table[0], typeof exp3.table[0], typeof exp3.table[0]]
    ctx.log(`exp 3 (waveform): ${exp3.table.map((r) => `${r.order}: acc ${r.accuracy} ent ${r.entanglement} surrogate ${r.surrogate}`).join('; ')}`)
    claims.push(
      claim('exp 3 (waveform, generated): rearrangement lowers the entanglement of randomly ordered features', { measured: round(w3p.entanglement - w3r.entanglement), expected: 'drop > 0.3', holds: w3p.entanglement - w3r.entanglement > 0.3 }),
      claim('exp 3 (waveform, generated): rearrangement improves the accuracy over a random order', { measured: round(w3r.accuracy - w3p.accuracy), expected: '> 0', holds: w3r.accuracy > w3p.accuracy }),
    )
    figures['waveform-table'] = {
      kind: 'heatmap',
      title: 'Waveform (two classes, 40 features): entanglement, surrogate/100 and accuracy by feature order',
      x: { label: 'quantity' },
      y: { label: 'feature order' },
      values: exp3.table.map((r) => [r.entanglement, r.surrogate / 100, r.accuracy]),
      xTicks: [`entanglement (level ${L1})`, 'surrogate / 100', 'test accuracy'],
      yTicks: exp3.table.map((r) => r.order),
    }
    ctx.progress(1, 'done')
    return {
      metrics: {
        exp1: {
          level: L1,
          entanglementByLevel: Object.fromEntries(levelCurves.map((c) => [c.name, c.values.map((v) => round(v))])),
          surrogate: { original: round(sOrig, 2), 'random permutation': round(sPerm, 2), rearranged: round(sRe, 2) },
          swaps: Object.fromEntries(config.swaps.map((k, i) => [k, round(swapEnt[i] as number)])),
        },
        exp2: { table: exp2.table, runs: exp2.rows, recoveredFraction: round(recovered), correlation: round(corr) },
        exp3: { dataset: 'Breiman waveform v2 (generated: 21 wave + 19 noise features, classes 0 vs 1)', table: exp3.table, runs: exp3.rows },
      },
      figures,
      claims,
    }
  },
})
