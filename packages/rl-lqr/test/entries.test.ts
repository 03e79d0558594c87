// The two tracks in the import path: the root entry is float64 and loads no tfjs; `./tf` holds the
// tfjs pendulum controller under the same names, and re-exports nothing of the root entry.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import * as root from '../src/index'
import * as tfEntry from '../src/tf'
import { reachable } from '../../../tests/imports'

const src = path.resolve(import.meta.dirname, '../src')

test('no module reachable from the root entry imports or names tfjs', () => {
  const files = reachable(path.join(src, 'index.ts'))
  expect(files.length).toBeGreaterThan(6)
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    expect(text, path.basename(f)).not.toMatch(/@tensorflow\/|@theoryml\/core\/tf/)
  }
})

test('./tf has the same names as the root for the models on both tracks, with its own implementations', () => {
  const shared = Object.keys(tfEntry).filter((k) => k in root).sort()
  expect(shared).toEqual(['mlpController', 'pendulumCost', 'pendulumCostAndGrad', 'pendulumTrajectory', 'trainPendulumController'])
  for (const k of shared) expect((tfEntry as Record<string, unknown>)[k], k).not.toBe((root as Record<string, unknown>)[k])
  expect(Object.keys(tfEntry).sort()).toEqual([...shared, 'pendulumRolloutCost'].sort())
})

test('internals and core functions are not exported', () => {
  for (const name of ['assertSymmetricPsd', 'controllerToRow', 'controllerFromRow', 'solveDiscreteLyapunov', 'mlpPolicy', 'finiteHorizonCostAndGradient']) {
    expect(name in root, name).toBe(false)
  }
})
