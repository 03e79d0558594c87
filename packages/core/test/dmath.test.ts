import { describe, expect, it } from 'vitest'
import { createRng, dmath } from '../src/index'

const f = new Float64Array(2)
const bits = new BigInt64Array(f.buffer)
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0
  f[0] = a
  f[1] = b
  const d = (bits[0] as bigint) - (bits[1] as bigint)
  return Number(d < 0n ? -d : d)
}

function maxUlps(fn: (x: number) => number, ref: (x: number) => number, gen: () => number, n = 20000): number {
  let max = 0
  for (let i = 0; i < n; i++) {
    const x = gen()
    const a = fn(x)
    const b = ref(x)
    if (a === 0 && b === 0) continue
    max = Math.max(max, ulps(a, b))
  }
  return max
}

describe('dmath: accuracy against Math (V8)', () => {
  const rng = createRng(7)
  const u = (lo: number, hi: number) => () => lo + (hi - lo) * rng.uniform()
  it.each([
    ['exp', dmath.exp, Math.exp, u(-700, 700), 1],
    ['exp (small)', dmath.exp, Math.exp, u(-1, 1), 1],
    ['log', dmath.log, Math.log, () => Math.exp(u(-700, 700)()), 1],
    ['log (near 1)', dmath.log, Math.log, u(0.99, 1.01), 1],
    ['log (subnormal)', dmath.log, Math.log, u(0, 1e-310), 1],
    ['log1p', dmath.log1p, Math.log1p, u(-0.9, 2), 3],
    ['log1p (tiny)', dmath.log1p, Math.log1p, u(-1e-7, 1e-7), 3],
    ['expm1', dmath.expm1, Math.expm1, u(-3, 3), 3],
    ['tanh', dmath.tanh, Math.tanh, u(-10, 10), 4],
    ['sin', dmath.sin, Math.sin, u(-20, 20), 1],
    ['sin (large)', dmath.sin, Math.sin, u(-1e6, 1e6), 1],
    ['cos', dmath.cos, Math.cos, u(-20, 20), 1],
    ['cos (large)', dmath.cos, Math.cos, u(-1e6, 1e6), 1],
    ['log2', dmath.log2, Math.log2, u(1e-3, 1e3), 1],
    ['log10', dmath.log10, Math.log10, u(1e-3, 1e3), 2],
    ['pow(x, 0.7)', (x: number) => dmath.pow(x, 0.7), (x: number) => Math.pow(x, 0.7), u(0, 100), 4],
    ['pow(0.999, t)', (t: number) => dmath.pow(0.999, Math.floor(t)), (t: number) => Math.pow(0.999, Math.floor(t)), u(0, 5000), 8],
    ['pow(x, -3)', (x: number) => dmath.pow(x, -3), (x: number) => Math.pow(x, -3), u(-10, 10), 3],
  ] as const)('%s within %i ulp', (_name, fn, ref, gen, bound) => {
    expect(maxUlps(fn, ref, gen)).toBeLessThanOrEqual(bound)
  })
})

describe('dmath: special values follow Math', () => {
  it.each([
    ['exp', dmath.exp, Math.exp, [NaN, Infinity, -Infinity, 0, -0, 709.78, 709.8, -745.2, -745, -708, -740]],
    ['log', dmath.log, Math.log, [NaN, Infinity, -Infinity, 0, -0, -1, 1, 2, 5e-324, Number.MAX_VALUE]],
    ['log1p', dmath.log1p, Math.log1p, [NaN, Infinity, -1, -2, 0, 1e-300]],
    ['expm1', dmath.expm1, Math.expm1, [NaN, Infinity, -Infinity, 0, 1e-300, 800]],
    ['tanh', dmath.tanh, Math.tanh, [NaN, Infinity, -Infinity, 0, -0, 30, -30, 1e-300]],
    ['sin', dmath.sin, Math.sin, [NaN, Infinity, -Infinity, 0, -0, 1e-300]],
    ['cos', dmath.cos, Math.cos, [NaN, Infinity, -Infinity, 0, -0]],
    ['log2', dmath.log2, Math.log2, [NaN, Infinity, 0, -1, 1, 2, 1024, 0.125, 5e-324, 3]],
  ] as const)('%s', (_name, fn, ref, xs) => {
    for (const x of xs) {
      const a = fn(x)
      const b = ref(x)
      if (Number.isFinite(b) && b !== 0) expect(ulps(a, b), `${_name}(${x})`).toBeLessThanOrEqual(1)
      else expect(a, `${_name}(${x})`).toBe(b)
    }
  })
  it('pow', () => {
    const cases: [number, number][] = [[2, 0.5], [0, 0], [0, -1], [-0, -1], [-8, 1 / 3], [-2, 3], [-2, 4], [-2, 5.0], [NaN, 0], [1, NaN], [Infinity, -1], [-Infinity, 3], [0.5, 1100], [2, -1074], [10, -5], [3, 4], [3, -4]]
    for (const [x, y] of cases) {
      const a = dmath.pow(x, y)
      const b = Math.pow(x, y)
      if (Number.isFinite(b) && b !== 0) expect(ulps(a, b), `pow(${x}, ${y})`).toBeLessThanOrEqual(4 + (Math.abs(y * Math.log(Math.abs(x))) || 0))
      else expect(a, `pow(${x}, ${y})`).toBe(b)
    }
  })
  it('exact where exactness is expected', () => {
    expect(dmath.log2(1024)).toBe(10)
    expect(dmath.log2(2 ** -1074)).toBe(-1074)
    expect(dmath.exp(0)).toBe(1)
    expect(dmath.log(1)).toBe(0)
    expect(dmath.pow(2, 10)).toBe(1024)
  })
})

describe('dmath: pinned bits (the same on every engine; a change here changes every seeded number)', () => {
  it('a hash of 4000 values of each function', () => {
    const hex = (v: number) => { f[0] = v; return (bits[0] as bigint).toString(16) }
    let h = 0
    const mix = (v: number) => { for (const c of hex(v)) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0 }
    for (let i = 0; i < 4000; i++) {
      const x = (i - 2000) / 97.3
      mix(dmath.exp(x / 3)); mix(dmath.log(Math.abs(x) + 1e-3)); mix(dmath.sin(x)); mix(dmath.cos(x)); mix(dmath.tanh(x / 9)); mix(dmath.pow(Math.abs(x), 0.37))
    }
    const draws = createRng(0)
    for (let i = 0; i < 1000; i++) mix(draws.normal())
    expect(h).toMatchInlineSnapshot(`3263036365`)
  })
})
