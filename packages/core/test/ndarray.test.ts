import { describe, expect, test } from 'vitest'
import { Matrix, get, matrixToNdarray, ndarray, ndarrayToMatrix, permuteAxes, reshape, set, stridesOf, zeros, clone } from '../src/index'

describe('NdArray', () => {
  test('row-major layout and strides', () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1])
    const t = ndarray(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4])
    expect(get(t, [1, 2, 3])).toBe(23)
    expect(get(t, [1, 0, 2])).toBe(14)
    set(t, [0, 1, 1], -1)
    expect(t.data[5]).toBe(-1)
  })

  test('permuteAxes matches the definition out[i_a0, i_a1, …] = in[i_0, …]', () => {
    const t = ndarray(Array.from({ length: 24 }, (_, i) => i * 1.5), [2, 3, 4])
    const p = permuteAxes(t, [2, 0, 1])
    expect(p.shape).toEqual([4, 2, 3])
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(get(p, [k, i, j])).toBe(get(t, [i, j, k]))
    }
    // the inverse permutation round-trips
    expect(permuteAxes(p, [1, 2, 0]).data).toEqual(t.data)
  })

  test('reshape shares data; clone copies; Matrix round trip', () => {
    const t = zeros([2, 3])
    const r = reshape(t, [3, 2])
    r.data[0] = 7
    expect(t.data[0]).toBe(7)
    const c = clone(t)
    c.data[0] = 1
    expect(t.data[0]).toBe(7)
    const m = new Matrix([[1, 2, 3], [4, 5, 6]])
    const back = ndarrayToMatrix(matrixToNdarray(m))
    expect(back.to2DArray()).toEqual(m.to2DArray())
  })

  test('bad input gets named errors', () => {
    expect(() => ndarray([1, 2, 3], [2, 2])).toThrow(/data: expected 4 entries/)
    expect(() => ndarray([1, Number.NaN], [2])).toThrow(/data: expected finite/)
    expect(() => zeros([2, -1])).toThrow(/shape\[1\]/)
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(/cannot reshape/)
    expect(() => permuteAxes(zeros([2, 3]), [0, 0])).toThrow(/axes/)
    expect(() => get(zeros([2, 2]), [2, 0])).toThrow(/index\[0\]/)
    expect(() => ndarrayToMatrix(zeros([2, 2, 2]))).toThrow(/2-d/)
  })
})
