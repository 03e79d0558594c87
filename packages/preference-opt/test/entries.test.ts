// The two tracks in the import path: the root entry loads no tfjs, ./tf holds the tfjs code, and
// internals stay internal.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import * as root from '../src/index'
import * as onTensors from '../src/tf'
import { reachable } from '../../../tests/imports'

const src = path.resolve(import.meta.dirname, '../src')

test('the root entry (float64 track) imports tfjs nowhere at value level', () => {
  const files = reachable(path.join(src, 'index.ts'))
  expect(files.length).toBeGreaterThan(8)
  const offenders = files.filter((f) => /^import\s+(?!type\b)[^;]*from\s+'@(tensorflow\/|theoryml\/core\/tf)/m.test(readFileSync(f, 'utf8')))
  expect(offenders.map((f) => path.relative(src, f))).toEqual([])
})

test('the tfjs track has the same names as the float64 one where a model exists on both, and re-exports nothing from it', () => {
  expect(typeof onTensors.preferenceLoss).toBe('function')
  expect(onTensors.preferenceLoss).not.toBe(root.preferenceLoss)
  for (const name of Object.keys(onTensors)) {
    if (name in root) expect((onTensors as Record<string, unknown>)[name], name).not.toBe((root as Record<string, unknown>)[name])
  }
  for (const old of ['preferenceLossTf', 'preferenceGradient', 'mlpPolicy', 'finetune', 'pretrainSoft', 'sequenceLogProb', 'policyProbs', 'disposePolicy', 'mlpLogits']) {
    expect(old in root, old).toBe(false)
  }
})

test('internals are not exported', () => {
  for (const name of ['checkPair', 'checkTokens', 'logSoftmaxRows', 'marginLoss', 'resolveLossOptions']) {
    expect(name in root, name).toBe(false)
    expect(name in onTensors, name).toBe(false)
  }
})
