// Re-run of issue 21's probe classes against the public API: every case of
// tests/property/public-api.ts with each bad value of the classes (NaN, ±Infinity, 1e308
// scale, empty, ragged, negative, non-integer and huge sizes, wrong types), plus the named findings
// of the issue. Each outcome is classified: clear named error / valid result / unclear error /
// silent garbage / hang or crash (over 5 s). Run: pnpm exec tsx --conditions=@theoryml/source scripts/probe/issue21.ts
import * as tf from '@tensorflow/tfjs'
import { adam, createRng, effectiveRank, expm, gd, relativeError, svd, train } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { fromEdges, walkCounts, walkIndex } from '@theoryml/gnn-walk-index'
import { lowRankMatrix } from '@theoryml/linear-nets'
import { preferenceLoss } from '@theoryml/preference-opt'
import { preferenceLoss as preferenceLossTf } from '@theoryml/preference-opt/tf'
import { aggregate, always, runAutoregressive, select } from '@theoryml/rasp'
import { finiteHorizonCost, lqrSystem, randomSystem } from '@theoryml/rl-lqr'
import { ssmLayer } from '@theoryml/ssm/tf'
import { CASES, namesArgument } from '../../tests/property/public-api'

type Outcome = 'clear named error' | 'valid result' | 'unclear error' | 'silent garbage' | 'hang or crash'
const counts = new Map<Outcome, number>([['clear named error', 0], ['valid result', 0], ['unclear error', 0], ['silent garbage', 0], ['hang or crash', 0]])
const notes: string[] = []

function classify(label: string, f: () => unknown, valid: (r: unknown) => boolean, named: (m: string) => boolean): void {
  const t0 = performance.now()
  let outcome: Outcome
  try {
    const r = f()
    outcome = valid(r) ? 'valid result' : 'silent garbage'
  } catch (err) {
    outcome = err instanceof Error && named(err.message) ? 'clear named error' : 'unclear error'
    if (outcome === 'unclear error') notes.push(`${label}: ${String((err as Error)?.message ?? err).slice(0, 100)}`)
  }
  if (performance.now() - t0 > 5000) outcome = 'hang or crash'
  if (outcome === 'silent garbage' || outcome === 'hang or crash') notes.push(`${label}: ${outcome}`)
  counts.set(outcome, counts.get(outcome)! + 1)
}

const BAD: unknown[] = [
  NaN, Infinity, -Infinity, -1, 0, 0.5, 1e9, 2 ** 31, 2 ** 53, null, undefined, 'abc', {}, true,
  [], [[]], [[1, 2], [3]], [NaN, 1], [Infinity], [1e308, 1e308], [[1e308, 1e308], [1e308, -1e308]], [[NaN]], [[1, Infinity]],
  [-1, 2], [2.5], [300, 1], [1e9, 1e9], [[1, 2, 3]], Float64Array.of(NaN),
]

await initTf()
for (const c of CASES) for (const v of BAD) classify(`${c.fn}(${c.arg} = ${String(v)})`, () => c.call(v), (r) => c.valid(r, v), (m) => namesArgument(c, m))

// The named findings (each one call).
const finite = (r: unknown): boolean => typeof r === 'number' && Number.isFinite(r)
const named = (...words: string[]) => (m: string): boolean => words.some((w) => m.includes(w))
const g3 = fromEdges(3, [[0, 1], [1, 2], [2, 0]])
const findings: Array<[string, () => unknown, (r: unknown) => boolean, (m: string) => boolean]> = [
  ['fromEdges(2**31, [])', () => fromEdges(2 ** 31, []), () => false, named('numNodes')],
  ['randomSystem(20000, 1)', () => randomSystem(20000, 1), () => false, named('n:')],
  ['lowRankMatrix 1e5×1e5', () => lowRankMatrix({ shape: [1e5, 1e5], rank: 1 }), () => false, named('shape')],
  ['permutation(1e9)', () => createRng(0).permutation(1e9), () => false, named('n:')],
  ['select n = 50000', () => select(new Int32Array(50000), new Int32Array(50000), always), () => false, named('keys')],
  ['svd 1e308', () => svd([[1e308, 1e308], [1e308, -1e308]]).S, (r) => Array.from(r as Float64Array).every(Number.isFinite), named('svd')],
  ['effectiveRank 1e308', () => effectiveRank([[1e308, 1e308], [1e308, -1e308]]), finite, named('effectiveRank', 'x')],
  ['expm([[1000]])', () => expm([[1000]]), () => false, named('overflow')],
  ['walkCounts length 2000', () => walkCounts(g3, 2000), () => false, named('walkCounts', 'length 2000')],
  ['walkIndex length 2000', () => walkIndex(g3, [0], { length: 2000 }), finite, named('walkIndex')],
  ['finiteHorizonCost unstable', () => finiteHorizonCost(lqrSystem({ A: [[1e80]], B: [[1]], horizon: 5 }), [[0]], [[1]]), finite, named('unstable')],
  ['float32 SSM kernel |a| = 1.5', () => { const l = ssmLayer({ stateDim: 1, initial: { a: [1.5], b: [1], c: [1] } }); try { return l.impulseResponse(300).dataSync() } finally { l.dispose() } }, (r) => Array.from(r as Float32Array).every(Number.isFinite), named('a:')],
  ['IPO huge log-probs', () => preferenceLoss({ policyChosenLogps: [-1e200], policyRejectedLogps: [0], refChosenLogps: [0], refRejectedLogps: [0] }, 'ipo').loss, finite, named('preferenceLoss')],
  ['preferenceLossTf NaN', () => tf.tidy(() => preferenceLossTf({ policyChosenLogps: tf.tensor1d([NaN]), policyRejectedLogps: tf.tensor1d([0]), refChosenLogps: tf.tensor1d([0]), refRejectedLogps: tf.tensor1d([0]) }).loss.dataSync()[0]), finite, named('policyChosenLogps')],
  ['adam beta1 1.5', () => adam({ lr: 0.1, beta1: 1.5 }), () => false, named('beta1')],
  ['gd.step NaN grads', () => { const p = { w: new Float64Array(1) }; gd({ lr: 0.1 }).step(p, { w: Float64Array.of(NaN) }); return p.w[0] }, finite, named('grads')],
  ['train loss undefined', () => train({ params: { w: new Float64Array(1) }, lossAndGrad: (() => undefined) as never, optimizer: 'gd', lr: 0.1, steps: 1 }), () => false, named('loss: expected')],
  ['relativeError 2×2 vs 1×4', () => relativeError([[1, 2], [3, 4]], [[1, 2, 3, 4]]), () => false, named('estimate')],
  ['normal(0, NaN)', () => createRng(0).normal(0, NaN), () => false, named('std')],
  ['normal(0, -1)', () => createRng(0).normal(0, -1), () => false, named('std')],
  ['program returns []', () => runAutoregressive(() => [] as never, [1]), () => false, named('program')],
  ['program returns 5', () => runAutoregressive(() => 5 as never, [1]), () => false, named('program')],
  ['program returns [NaN]', () => runAutoregressive(() => [NaN] as never, [1]), () => false, named('program')],
  ['aggregate max 500', () => aggregate(select([0, 1], [0, 1], always), [500, 1], { reduction: 'max' }), () => false, named('aggregate')],
]
for (const [label, f, valid, isNamed] of findings) classify(label, f, valid, isNamed)

const total = [...counts.values()].reduce((a, b) => a + b, 0)
console.log(`issue 21 probe: ${total} calls (${CASES.length} functions × ${BAD.length} bad values + ${findings.length} named findings)`)
for (const [k, v] of counts) console.log(`  ${k.padEnd(18)} ${v}`)
if (notes.length) console.log(notes.map((n) => `  - ${n}`).join('\n'))
process.exitCode = counts.get('unclear error')! + counts.get('silent garbage')! + counts.get('hang or crash')! > 0 ? 1 : 0
