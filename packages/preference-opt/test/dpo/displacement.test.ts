import { describe, expect, test } from 'vitest'
import { createRng, type History } from '@theoryml/core'
import {
  alphaCoefficients, displacementRate, likelihoodDisplacement, preferenceLossAndGrad, ufmPolicy,
  type PreferencePair, type UfmPolicy,
} from '../../src/index'
import { fixtureModel, fx } from './ufm-fixture'

/** One GD step of size η on the pair's loss, by the exact gradient; returns Δ ln π(y⁺)/η. */
function finiteDifferenceRate(model: UfmPolicy, pair: PreferencePair, eta: number, loss = {}): number {
  const before = model.logProb(pair.prompt, pair.chosen)
  const ref = { chosen: [before], rejected: [model.logProb(pair.prompt, pair.rejected)] }
  const m = model.clone()
  const { grad } = preferenceLossAndGrad(m, [pair], { reference: ref, loss })
  for (const [k, g] of Object.entries(grad)) {
    const p = m.params[k] as Float64Array
    for (let j = 0; j < p.length; j++) p[j] = (p[j] as number) - eta * (g[j] as number)
  }
  return (m.logProb(pair.prompt, pair.chosen) - before) / eta
}

describe('displacementRate (the single-token theorem)', () => {
  test('equals the theorem written out by hand: w⟨W⁺ − W⁻, W⁺ − Σπ_z W_z⟩ + w‖h‖²(1 − π⁺ + π⁻)', () => {
    const m = ufmPolicy({ vocab: 7, dim: 5, rng: 11 })
    const pair = { prompt: 'x', chosen: [2], rejected: [3] }
    const h = m.hidden('x')
    const pi = m.nextTokenLogProbs('x').map(Math.exp)
    const row = (z: number) => m.W.subarray(z * 5, z * 5 + 5)
    const mean = new Float64Array(5)
    for (let z = 0; z < 7; z++) for (let j = 0; j < 5; j++) mean[j] = (mean[j] as number) + (pi[z] as number) * (row(z)[j] as number)
    let unemb = 0
    let hh = 0
    for (let j = 0; j < 5; j++) {
      unemb += ((row(2)[j] as number) - (row(3)[j] as number)) * ((row(2)[j] as number) - (mean[j] as number))
      hh += (h[j] as number) ** 2
    }
    const w = 0.1 / 2 // β σ(0) at the start of training
    const r = displacementRate(m, pair)
    expect(r.weight).toBeCloseTo(w, 15)
    expect(r.unembeddingTerm).toBeCloseTo(w * unemb, 13)
    expect(r.hiddenTerm).toBeCloseTo(w * hh * (1 - (pi[2] as number) + (pi[3] as number)), 13)
    expect(r.rate).toBeCloseTo(r.unembeddingTerm + r.hiddenTerm, 15)
  })

  test('matches a finite-difference step of gradient descent to 1e-4 on random models', () => {
    const rng = createRng(5)
    for (let trial = 0; trial < 20; trial++) {
      const V = 3 + rng.int(8)
      const m = ufmPolicy({ vocab: V, dim: 2 + rng.int(6), rng: rng.int(1e6), unembeddingScale: 0.5 + 2 * rng.uniform(), hiddenScale: 0.5 + 2 * rng.uniform() })
      const a = rng.int(V)
      const pair = { prompt: 'p', chosen: [a], rejected: [(a + 1 + rng.int(V - 1)) % V] }
      const r = displacementRate(m, pair).rate
      const fd = finiteDifferenceRate(m, pair, 1e-7)
      expect(Math.abs(r - fd), `trial ${trial}: ${r} vs ${fd}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(r)))
    }
  })

  test('multi-token pairs: equals −⟨∇ln π(y⁺), ∇ℓ⟩ by PyTorch autograd (fixture) and a GD step', () => {
    const m = fixtureModel()
    fx.pairs.forEach((p, i) => {
      const r = displacementRate(m, p, { reference: { chosen: [fx.refChosen[i] as number], rejected: [fx.refRejected[i] as number] } })
      expect(r.rate).toBeCloseTo(fx.ratesAlone[i] as number, 12)
      const atStart = displacementRate(m, p).rate
      expect(Math.abs(atStart - finiteDifferenceRate(m, p, 1e-7))).toBeLessThan(1e-4 * Math.max(1, Math.abs(atStart)))
    })
  })

  test('bad input gets errors naming the argument', () => {
    const m = ufmPolicy({ vocab: 4, dim: 2 })
    expect(() => displacementRate(m, { prompt: 'x', chosen: [], rejected: [1] })).toThrow(/pair.chosen: expected a non-empty response/)
    expect(() => displacementRate(m, { prompt: 'x', chosen: [1], rejected: [7] })).toThrow(/pair.rejected: expected token ids in \[0, 3\]/)
    expect(() => displacementRate(m, { prompt: 'x', chosen: [1], rejected: [2] }, { loss: { beta: -1 } })).toThrow(/beta: expected a positive number/)
    expect(() => displacementRate({} as never, { prompt: 'x', chosen: [1], rejected: [2] })).toThrow(/model: expected a UfmPolicy/)
    expect(() => displacementRate(m, { prompt: 'x', chosen: [1], rejected: [2] }, { reference: { chosen: [NaN], rejected: [-1] } })).toThrow(/reference.chosen: expected finite numbers/)
    expect(() => displacementRate(m, { prompt: 'x', chosen: [1], rejected: [2] }, { reference: { chosen: [-1], rejected: [-1, -2] } })).toThrow(/reference.rejected: expected length 1/)
  })
})

describe('alphaCoefficients', () => {
  test('single token: α⁺ = ‖e⁺ − π‖², α⁻ = ⟨e⁺ − π, e⁻ − π⟩', () => {
    const m = ufmPolicy({ vocab: 5, dim: 3, rng: 2 })
    const pi = m.nextTokenLogProbs('x').map(Math.exp)
    const sq = pi.reduce((s, p) => s + p * p, 0)
    const a = alphaCoefficients(m, { prompt: 'x', chosen: [1], rejected: [4] })
    expect(a.preferred.get(0, 0)).toBeCloseTo(1 - 2 * (pi[1] as number) + sq, 14)
    expect(a.dispreferred.get(0, 0)).toBeCloseTo(sq - (pi[1] as number) - (pi[4] as number), 14)
    expect(a.fractionPositive).toBe(0.5)
  })
})

describe('likelihoodDisplacement', () => {
  const hist = (chosen: number[][], top: number[][]): History => ({
    step: chosen.map((_, i) => i * 10), loss: chosen.map(() => 0), logpChosen: chosen, topTokens: top,
  }) as unknown as History

  test('the largest decrease between any two steps, and benign vs catastrophic', () => {
    const h = hist([[-1], [-0.5], [-2], [-1.5], [-3]], [[0], [0], [0], [0], [4, 0]])
    const d = likelihoodDisplacement(h, { sameMeaning: [2, 3] })
    expect(d.drop).toBeCloseTo(2.5, 15) // from −0.5 (step 10) to −3 (step 40)
    expect([d.fromStep, d.toStep]).toEqual([10, 40])
    expect(d.displaced).toBe(true)
    expect(d.topToken).toBe(4)
    expect(d.kind).toBe('catastrophic')
    expect(likelihoodDisplacement(h, { sameMeaning: [4] }).kind).toBe('benign')
    expect(likelihoodDisplacement(h).kind).toBe('unclassified')
    const up = likelihoodDisplacement(hist([[-3], [-2], [-1]], [[1], [1], [1]]), { sameMeaning: [] })
    expect(up.drop).toBe(0)
    expect(up.kind).toBe('none')
  })

  test('follows one pair or the mean over pairs', () => {
    const h = hist([[-1, -1], [-2, 0.5], [-3, 1]], [[0], [0], [0]])
    expect(likelihoodDisplacement(h, { pair: 0 }).drop).toBeCloseTo(2, 15)
    expect(likelihoodDisplacement(h, { pair: 1 }).drop).toBe(0)
    expect(likelihoodDisplacement(h).drop).toBe(0.25) // means −1, −0.75, −1
    expect(() => likelihoodDisplacement(h, { pair: 2 })).toThrow(/pair: expected an integer in \[0, 1\]/)
    expect(() => likelihoodDisplacement({ step: [], loss: [] } as unknown as History)).toThrow(/history: expected a non-empty 'logpChosen'/)
  })
})
