import { describe, expect, test, vi } from 'vitest'
import { fixture } from '../../../tests/fixtures'
import { diagonalSsm, impulseResponse, ssmOutput, ssmOutputRecurrent } from '../src/index'

interface Case { a: number[]; b: number[]; c: number[]; x: number[][]; outputs: number[]; impulse: number[] }
const cases = fixture<{ cases: Case[] }>('ssm.json').cases

describe('diagonal SSM', () => {
  test('impulse response of a known system: k(j) = Σ c_i b_i a_i^j', () => {
    const ssm = diagonalSsm({ a: [0.5, -1], b: [1, 2], c: [2, 0.5] })
    // k(j) = 2·0.5^j + 1·(−1)^j
    expect(Array.from(impulseResponse(ssm, 4))).toEqual([3, 0, 1.5, -0.75])
    expect(Array.from(impulseResponse(diagonalSsm({ a: [1, 0], b: [1, 3], c: [1, 3] }), 3))).toEqual([10, 1, 1])
  })

  test('ssmOutput (convolution with the kernel) equals the explicit recurrence and a numpy fixture', () => {
    for (const c of cases) {
      const ssm = diagonalSsm({ a: c.a, b: c.b, c: c.c })
      const y = ssmOutput(ssm, c.x)
      const yr = ssmOutputRecurrent(ssm, c.x)
      c.outputs.forEach((v, s) => {
        expect(Math.abs((y[s] as number) - v)).toBeLessThan(1e-12 * (1 + Math.abs(v)))
        expect(Math.abs((yr[s] as number) - v)).toBeLessThan(1e-12 * (1 + Math.abs(v)))
      })
      const k = impulseResponse(ssm, c.impulse.length)
      c.impulse.forEach((v, j) => expect(Math.abs((k[j] as number) - v)).toBeLessThan(1e-12 * (1 + Math.abs(v))))
    }
  })

  test('bad input gets errors naming the argument', () => {
    expect(() => diagonalSsm({ a: [], b: [], c: [] })).toThrow(/a: .*d = 0/)
    expect(() => diagonalSsm({ a: [0.5, 0.2], b: [1], c: [1, 1] })).toThrow(/b: expected length 2/)
    expect(() => diagonalSsm({ a: [NaN], b: [1], c: [1] })).toThrow(/a: expected finite numbers, got NaN/)
    expect(() => diagonalSsm({ a: [0.5], b: [1], c: [Infinity] })).toThrow(/c: expected finite/)
    const ssm = diagonalSsm({ a: [0.5], b: [1], c: [1] })
    expect(() => ssmOutput(ssm, [[1, 2, 3], [1, 2]])).toThrow(/sequence 1 has length 2 but sequence 0 has length 3/)
    expect(() => ssmOutput(ssm, [[1, NaN]])).toThrow(/sequences: expected finite entries/)
    expect(() => impulseResponse(ssm, 0)).toThrow(/length: expected an integer >= 1/)
    expect(() => impulseResponse({ a: [1] } as never, 3)).toThrow(/ssm: expected a diagonal SSM/)
  })

  test('|a| > 1 warns, and a blow-up is an error, not Infinity', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ssm = diagonalSsm({ a: [1e3], b: [1], c: [1] })
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/\|a_i\| = 1000 > 1/))
    warn.mockRestore()
    expect(() => impulseResponse(ssm, 200)).toThrow(/a: the impulse response blows up/)
    expect(() => ssmOutputRecurrent(ssm, [Array(200).fill(1)])).toThrow(/a: the state blows up/)
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => {})
    diagonalSsm({ a: [0.99], b: [1], c: [1] })
    expect(quiet).not.toHaveBeenCalled()
    quiet.mockRestore()
  })
})
