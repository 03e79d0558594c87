import { Matrix, createRng, ndarray, permuteAxes, relativeError, type NdArray } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { cpToTensor, fold, khatriRao, modeProduct, outer, randomCp, unfold } from '../../src/index'
import { fixture } from '../../../../tests/fixtures'

interface UnfoldCase { shape: number[]; data: number[]; rowModes: number[]; matrix: number[][] }
interface ModeProductCase { shape: number[]; data: number[]; mode: number; matrix: number[][]; result: number[]; resultShape: number[] }
const fx = fixture<{ unfold: UnfoldCase[]; modeProduct: ModeProductCase[] }>('tensor_factorization.json')

function randomTensor(shape: number[], seed: number): NdArray {
  const rng = createRng(seed)
  return ndarray(rng.fillNormal(new Float64Array(shape.reduce((a, b) => a * b, 1))), shape)
}

describe('unfold / fold', () => {
  test('unfold matches numpy moveaxis + reshape (row-major index order)', () => {
    for (const c of fx.unfold) {
      const m = unfold(ndarray(c.data, c.shape), c.rowModes)
      expect(relativeError(m, c.matrix)).toBeLessThan(1e-15)
    }
  })

  test('documented small example', () => {
    const t = ndarray([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2])
    expect(unfold(t, [1]).to2DArray()).toEqual([[0, 1, 4, 5], [2, 3, 6, 7]])
    expect(unfold(t, [0, 1, 2]).to2DArray()).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]])
  })

  test('fold inverts unfold for every subset and order of modes', () => {
    const t = randomTensor([2, 3, 4, 2], 1)
    for (const modes of [[0], [3], [1, 2], [2, 1], [3, 0, 2], [0, 1, 2, 3], []]) {
      const back = fold(unfold(t, modes), t.shape, modes)
      expect(back.shape).toEqual(t.shape)
      expect(Array.from(back.data)).toEqual(Array.from(t.data))
    }
  })

  test('unfold along a set equals the transpose of unfold along its complement', () => {
    const t = randomTensor([3, 2, 4], 2)
    expect(relativeError(unfold(t, [1]), unfold(t, [0, 2]).transpose())).toBe(0)
  })

  test('bad input names the argument', () => {
    const t = randomTensor([2, 2], 0)
    expect(() => unfold(t, [2])).toThrow(/rowModes/)
    expect(() => unfold(t, [0, 0])).toThrow(/rowModes: mode 0 appears twice/)
    expect(() => unfold({} as NdArray, [0])).toThrow(/tensor/)
    expect(() => fold([[1, 2]], [2, 2], [0])).toThrow(/matrix: expected 2 rows/)
    expect(() => fold([[1, 2]], [0, 2], [0])).toThrow(/shape\[0\]/)
  })
})

describe('modeProduct, khatriRao, outer', () => {
  test('modeProduct matches numpy tensordot', () => {
    for (const c of fx.modeProduct) {
      const p = modeProduct(ndarray(c.data, c.shape), c.matrix, c.mode)
      expect(p.shape).toEqual(c.resultShape)
      expect(relativeError(p.data, c.result)).toBeLessThan(1e-14)
    }
  })

  test('unfold(T ×_n M, [n]) = M · unfold(T, [n])', () => {
    const t = randomTensor([3, 4, 2], 3)
    const M = new Matrix([[1, -2, 0.5, 3], [0, 1, 2, -1]])
    expect(relativeError(unfold(modeProduct(t, M, 1), [1]), M.mmul(unfold(t, [1])))).toBeLessThan(1e-14)
  })

  test('unfold of a CP tensor is A^n (⊙_{k≠n} A^k)ᵀ', () => {
    const { factors } = randomCp([3, 4, 2, 3], 3, 5)
    const t = cpToTensor({ factors })
    for (let n = 0; n < 4; n++) {
      const others = factors.filter((_, k) => k !== n)
      const expected = (factors[n] as Matrix).mmul(khatriRao(...others).transpose())
      expect(relativeError(unfold(t, [n]), expected)).toBeLessThan(1e-13)
    }
  })

  test('khatriRao small example and shape check', () => {
    expect(khatriRao([[1, 2]], [[1, 1], [2, 3]]).to2DArray()).toEqual([[1, 2], [2, 6]])
    expect(() => khatriRao([[1, 2]], [[1]])).toThrow(/matrices\[1\]: expected 2 columns/)
  })

  test('outer product entries and a permuted outer product', () => {
    const t = outer([1, 2], [3, 4, 5], [1, -1])
    expect(t.shape).toEqual([2, 3, 2])
    expect(t.data[1 * 6 + 2 * 2 + 1]).toBe(2 * 5 * -1)
    expect(Array.from(permuteAxes(t, [2, 0, 1]).data)).toEqual(Array.from(outer([1, -1], [1, 2], [3, 4, 5]).data))
    expect(() => outer()).toThrow(/vectors/)
  })
})
