// Issue 21: no silent non-finite results, no allocation the machine cannot hold, no garbage out of
// RASP programs. Each case below returned Infinity/NaN, ran for minutes, aborted the process or
// produced undefined tokens before; now it returns a finite result or throws an Error naming the
// function or the argument and the cause.
import * as tf from '@tensorflow/tfjs'
import { ALLOCATION_LIMIT_BYTES, assertAllocation, createRng, effectiveRank, expm, frobeniusNorm, gd, nuclearNorm, relativeError, singularValues, svd, train, zeros } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { fromEdges, vertexWalkIndices, walkCounts, walkIndex } from '@theoryml/gnn-walk-index'
import { lowRankMatrix } from '@theoryml/linear-nets'
import { preferenceLoss } from '@theoryml/preference-opt'
import { preferenceLoss as preferenceLossTf } from '@theoryml/preference-opt/tf'
import { aggregate, countProgram, runAutoregressive, select, always } from '@theoryml/rasp'
import { finiteHorizonCost, finiteHorizonCostAndGrad, lqrSystem, randomSystem } from '@theoryml/rl-lqr'
import { ssmLayer } from '@theoryml/ssm/tf'
import { beforeAll, describe, expect, test } from 'vitest'

beforeAll(async () => { await initTf() })

describe('size guards before allocation (core assertAllocation)', () => {
  test('the helper names the argument and the memory it would need', () => {
    expect(() => assertAllocation('n', 1e9, 8)).toThrow(/^n: 1000000000 entries of 8 bytes need 7\.5 GiB, more than the 2\.0 GiB one allocation may take$/)
    expect(() => assertAllocation('n', 1e6, 8)).not.toThrow()
    expect(() => assertAllocation('n', 100, 8, 512)).toThrow(/n: 100 entries of 8 bytes need 800 B, more than the 512 B/)
    expect(() => assertAllocation('n', NaN)).toThrow(/n: expected a non-negative size/)
    expect(ALLOCATION_LIMIT_BYTES).toBe(2 ** 31)
  })
  test('fromEdges, randomSystem, lowRankMatrix, permutation, zeros and RASP selectors refuse at once', () => {
    const fast = (f: () => unknown, re: RegExp): void => {
      const t0 = performance.now()
      expect(f).toThrow(re)
      expect(performance.now() - t0).toBeLessThan(1000)
    }
    fast(() => fromEdges(2 ** 31, []), /numNodes: expected an integer in \[0, 2147483647\]/)
    fast(() => fromEdges(2 ** 31 - 1, []), /numNodes: .* need 16 GiB/)
    fast(() => randomSystem(20000, 1), /n: 400000000 entries of 8 bytes need 3\.0 GiB/)
    fast(() => lowRankMatrix({ shape: [1e5, 1e5], rank: 1 }), /shape: 10000000000 entries of 8 bytes need 75 GiB/)
    fast(() => createRng(0).permutation(1e9), /n: 1000000000 entries of 8 bytes need 7\.5 GiB/)
    fast(() => zeros([1e5, 1e5]), /shape: .* need 75 GiB/)
    fast(() => select(new Int32Array(50000), new Int32Array(50000), always), /keys: 2500000000 entries of 1 bytes need 2\.3 GiB/)
  })
})

describe('float64 functions return finite results or throw naming the function and the cause', () => {
  const huge = [[1e308, 1e308], [1e308, -1e308]]
  test('svd / singularValues / effectiveRank of 1e308-scale input: scaled first', () => {
    expect(effectiveRank(huge)).toBeCloseTo(2, 12)
    expect(effectiveRank([1e308, 1e308])).toBeCloseTo(2, 12)
    expect(effectiveRank([[1e-310, 0], [0, 1e-310]])).toBeCloseTo(2, 12)
    const sv = svd(huge).S // σ = √2·1e308 each: scaled, then finite
    expect(sv[0]! / (Math.SQRT2 * 1e308)).toBeCloseTo(1, 12)
    const over = [[1.5e308, 1.5e308], [1.5e308, 1.5e308]] // σ₁ = 3e308
    expect(() => svd(over)).toThrow(/^svd: overflow, singular value 0 .*beyond float64's range/)
    expect(() => singularValues(over)).toThrow(/^singularValues: overflow/)
    expect(() => nuclearNorm(huge)).toThrow(/^nuclearNorm: overflow/)
    expect(effectiveRank(over)).toBeCloseTo(1, 12)
    const s = svd([[1e200, 0], [0, 3e199]]).S
    expect(s[0]! / 1e200).toBeCloseTo(1, 12)
    expect(s[1]! / 3e199).toBeCloseTo(1, 12)
    expect(Array.from(svd([[3, 0], [0, 4]]).S)).toEqual([4, 3]) // the ordinary range is untouched
    expect(() => frobeniusNorm([1.5e308, 1.5e308])).toThrow(/^frobeniusNorm: overflow/)
  })
  test('expm of a large matrix throws "overflow"', () => {
    expect(() => expm([[1000]])).toThrow(/overflow/)
  })
  test('relativeError: shapes must agree; an overflowing difference throws', () => {
    expect(() => relativeError([[1, 2], [3, 4]], [[1, 2, 3, 4]])).toThrow(/estimate: expected the shape of reference \(1x4\), got 2x2/)
    expect(() => relativeError([1e308], [-1e308])).toThrow(/^relativeError: overflow/)
    expect(() => relativeError([1e300], [1e-300])).toThrow(/^relativeError: overflow/)
  })
  test('walkCounts, walkIndex and vertexWalkIndices at length 2000 throw naming the length', () => {
    const g = fromEdges(3, [[0, 1], [1, 2], [2, 0]])
    expect(() => walkCounts(g, 2000)).toThrow(/^walkCounts: overflow, the number of walks of length 2000/)
    expect(() => walkIndex(g, [0], { length: 2000 })).toThrow(/^walkIndex: overflow, .*length 2000/)
    expect(() => walkIndex(g, [0], { length: 2000, target: 1 })).toThrow(/^walkIndex: overflow/)
    expect(() => vertexWalkIndices(g, 2000)).toThrow(/^vertexWalkIndices: overflow/)
    expect(walkCounts(g, 600)[0]! / 3 ** 600).toBeCloseTo(1, 12) // within range: 3^600
  })
  test('finiteHorizonCost of an unstable system throws naming the instability', () => {
    const sys = lqrSystem({ A: [[1e80]], B: [[1]], horizon: 5 })
    expect(() => finiteHorizonCost(sys, [[0]], [[1]])).toThrow(/^finiteHorizonCost: overflow, .*unstable/)
    expect(() => finiteHorizonCostAndGrad(sys, [[0]], [[1]])).toThrow(/^finiteHorizonCostAndGrad: overflow, .*unstable/)
    expect(finiteHorizonCost(lqrSystem({ A: [[2]], B: [[1]], horizon: 5 }), [[0]], [[1]])).toBe((4 ** 6 - 1) / 3)
  })
  test('preferenceLoss (float64) with huge log-probs throws instead of returning Infinity', () => {
    const big = { policyChosenLogps: [-1e200], policyRejectedLogps: [0], refChosenLogps: [0], refRejectedLogps: [0] }
    expect(() => preferenceLoss(big, 'ipo')).toThrow(/^preferenceLoss: overflow, the 'ipo' loss of pair 0/)
    expect(preferenceLoss(big, 'dpo').loss / 1e199).toBeCloseTo(1, 12) // dpo stays finite: softplus is linear there
  })
  test('gd.step with NaN gradients throws before writing the parameters', () => {
    const opt = gd({ lr: 0.1 })
    const p = { w: new Float64Array([1, 2]) }
    expect(() => opt.step(p, { w: new Float64Array([0, NaN]) })).toThrow(/^grads: 'w' is NaN at index 1/)
    expect(Array.from(p.w)).toEqual([1, 2])
    expect(opt.t).toBe(0)
  })
  test('train with a loss function returning undefined names the return value, not the learning rate', () => {
    const params = { w: new Float64Array([1]) }
    expect(() => train({ params, lossAndGrad: (() => undefined) as never, optimizer: 'gd', lr: 0.1, steps: 2 })).toThrow(/^loss: expected the loss at step 0 to be a number, got undefined \(does lossAndGrad return it\?\)/)
  })
  test('rng.normal rejects NaN and negative std', () => {
    expect(() => createRng(0).normal(0, NaN)).toThrow(/std: expected a finite number ≥ 0, got NaN/)
    expect(() => createRng(0).normal(0, -1)).toThrow(/std: expected a finite number ≥ 0, got -1/)
  })
})

describe('tfjs track', () => {
  test('the float32 SSM kernel with |a| > 1 throws like the float64 path', () => {
    const layer = ssmLayer({ stateDim: 1, initial: { a: [1.5], b: [1], c: [1] } })
    const before = tf.memory().numTensors
    expect(() => layer.impulseResponse(300)).toThrow(/^a: the impulse response blows up in float32 .*max\|a_i\| = 1\.500 > 1/)
    expect(tf.memory().numTensors).toBe(before)
    const k = layer.impulseResponse(5)
    expect(Array.from(k.dataSync())).toEqual([1, 1.5, 2.25, 3.375, 5.0625])
    k.dispose()
    layer.dispose()
  })
  test('preferenceLoss (tfjs) names a NaN input and an overflowing loss', () => {
    const t = (v: number) => tf.tensor1d([v, 0])
    const before = tf.memory().numTensors
    const ok = tf.tidy(() => preferenceLossTf({ policyChosenLogps: t(-1), policyRejectedLogps: t(-1), refChosenLogps: t(-1), refRejectedLogps: t(-1) }).loss.dataSync()[0])
    expect(ok).toBeCloseTo(Math.log(2), 6)
    expect(() => tf.tidy(() => preferenceLossTf({ policyChosenLogps: t(0), policyRejectedLogps: t(NaN), refChosenLogps: t(0), refRejectedLogps: t(0) }).loss)).toThrow(/^policyRejectedLogps: expected finite log-probabilities, got NaN at index 0/)
    expect(() => tf.tidy(() => preferenceLossTf({ policyChosenLogps: t(-1e30), policyRejectedLogps: t(0), refChosenLogps: t(0), refRejectedLogps: t(0) }, 'ipo').loss)).toThrow(/^preferenceLoss: overflow, the 'ipo' loss of pair 0 is Infinity in float32/)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('RASP: programs and aggregate keep to int8 sequences', () => {
  test('a program returning [], 5 or [NaN] is a clear error naming the program', () => {
    expect(() => runAutoregressive(() => [] as never, [1, 2])).toThrow(/^program: returned 0 tokens for an input of 2 at step 0/)
    expect(() => runAutoregressive(() => 5 as never, [1, 2])).toThrow(/^program: expected it to return a sequence .*got number at step 0/)
    expect(() => runAutoregressive((s) => s.map(() => NaN) as never, [1, 2])).toThrow(/^program: returned NaN as the next token at step 0/)
    expect(runAutoregressive(countProgram, [1, 5, 8, 2])).toEqual([5, 6, 7, 8, 3])
  })
  test('aggregate max/min outside int8 throws like tokMap', () => {
    const sel = select([0, 1], [0, 1], always)
    expect(() => aggregate(sel, [500, 1], { reduction: 'max' })).toThrow(/^aggregate: produced 500 at index 0, outside the int8 range \[-128, 127\]/)
    expect(Array.from(aggregate(sel, [5, 1], { reduction: 'max' }))).toEqual([5, 5])
  })
})
