/** The unconstrained-features fixture of tests/fixtures/preference_opt.json (PyTorch), shared by the DPO tests. */
import { ufmPolicy, type PreferencePair, type UfmPolicy } from '../../src/index'
import { fixture } from '../../../../tests/fixtures'

/** The fixture's model (unembedding W, hidden states), pairs, reference log-probabilities and expected values. */
export interface UfmFx {
  vocab: number
  dim: number
  W: number[][]
  pairs: PreferencePair[]
  hidden: { prompt: string; prefix: number[]; h: number[] }[]
  refChosen: number[]
  refRejected: number[]
  beta: number
  loss: number
  gradW: number[][]
  gradHidden: number[][]
  logpChosen: number[]
  logpRejected: number[]
  ratesAlone: number[]
}

/** The parsed fixture. */
export const fx = fixture<{ ufm: UfmFx }>('preference_opt.json').ufm

/** A fresh policy with the fixture's unembedding and hidden states. */
export function fixtureModel(): UfmPolicy {
  const m = ufmPolicy({ vocab: fx.vocab, dim: fx.dim, unembedding: fx.W })
  for (const s of fx.hidden) m.setHidden(s.prompt, s.prefix, s.h)
  return m
}
