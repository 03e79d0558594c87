// The two numeric tracks in the import path: the root entry (float64) loads no tfjs, the ./tf entry
// holds every tfjs function and re-exports nothing from the root.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from 'vitest'
import * as root from '../src/index'
import * as tfEntry from '../src/tf'
import { reachable } from '../../../tests/imports'

const src = path.resolve(import.meta.dirname, '..', 'src')

test('no module reachable from the root entry imports tfjs at value level', () => {
  const files = reachable(path.join(src, 'index.ts'))
  expect(files.length).toBeGreaterThan(5)
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    expect(text, path.basename(f)).not.toMatch(/^import (?!type)[^\n]*['"]@tensorflow\//m)
    expect(text, path.basename(f)).not.toMatch(/['"]@theoryml\/core\/tf['"]/)
  }
})

test('./tf re-exports nothing from the root; the one name on both tracks is sparseMatMul (float64 and tfjs)', () => {
  const shared = Object.keys(tfEntry).filter((k) => k in root)
  expect(shared).toEqual(['sparseMatMul'])
  expect(tfEntry.sparseMatMul).not.toBe(root.sparseMatMul)
  expect(Object.keys(tfEntry).sort()).toEqual(['NODE_CLASSIFIER_DEFAULTS', 'gcn', 'gin', 'linearPropagation', 'sparseFeatureMatMul', 'sparseMatMul', 'trainNodeClassifier'])
  // no function of either entry takes the tfjs namespace
  for (const f of [...reachable(path.join(src, 'index.ts')), ...reachable(path.join(src, 'tf.ts'))]) expect(readFileSync(f, 'utf8'), path.basename(f)).not.toMatch(/typeof TF\b/)
})
