/**
 * Deterministic elementary functions: the same bits in every JavaScript engine.
 *
 * ECMAScript does not require `Math.exp`, `log`, `sin`, `cos`, `pow`, … to be correctly rounded,
 * and engines differ in the last bit (Node 20's V8 and Chromium 156's differ for every one of them
 * on ordinary arguments). IEEE 754 does fix +, −, ×, ÷ and `Math.sqrt`, so these functions are built
 * from those alone (plus exact operations: `Math.round`, `Math.abs`, reading a double's exponent):
 * the classic argument reduction and minimax polynomials of fdlibm (Sun Microsystems' freely
 * distributable libm, the algorithms most engines started from). A float64 computation that uses
 * `dmath` instead of `Math` gives the same bits in Node and in a browser.
 *
 * Accuracy (measured against V8's `Math` in the tests): exp, log, log2, sin, cos within 1 ulp;
 * log10 within 2 ulp; log1p, expm1 within 3 ulp; tanh within 4 ulp; pow within (4 + |y·ln x|) ulp. sin and cos reduce the argument with a 3-part π/2 (exact for
 * |x| < 2²⁰·π/2 ≈ 1.6·10⁶); beyond that they stay deterministic but lose accuracy.
 */

// Reading and writing a double's high word (sign, exponent, top of the mantissa): exact.
const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0 // little endian: word 1

/** 2^k for k = −1074 … 1023, built by exact doublings. */
const POW2 = new Float64Array(2098)
{
  let v = 1
  for (let k = 0; k <= 1023; k++, v *= 2) POW2[k + 1074] = v
  v = 1
  for (let k = 0; k >= -1074; k--, v /= 2) POW2[k + 1074] = v
}

const LN2_HI = 6.93147180369123816490e-1
const LN2_LO = 1.90821492927058770002e-10
const INV_LN2 = 1.44269504088896338700e0
const SQRT2 = 1.4142135623730951
const TWO_POW_54 = 18014398509481984
const TWO_POW_M28 = 3.725290298461914e-9

// exp: rational approximation of r·(e^r + 1)/(e^r − 1) on |r| ≤ ln2/2 (fdlibm e_exp.c)
const P1 = 1.66666666666666019037e-1
const P2 = -2.77777777770155933842e-3
const P3 = 6.61375632143793436117e-5
const P4 = -1.65339022054652515390e-6
const P5 = 4.13813679705723846039e-8

/**
 * e^x, within 1 ulp, the same bits on every engine.
 * x = k·ln2 + r (|r| ≤ ln2/2), e^r from a degree-5 minimax rational form, scaled by 2^k exactly.
 * @example dmath.exp(1) // 2.718281828459045
 */
function exp(x: number): number {
  if (!(x === x)) return NaN
  if (x > 709.782712893384) return Infinity
  if (x < -745.1332191019412) return 0
  let k = 0
  let hi = x
  let lo = 0
  if (Math.abs(x) > 0.34657359027997264) {
    k = Math.round(x * INV_LN2)
    hi = x - k * LN2_HI
    lo = k * LN2_LO
  } else if (Math.abs(x) < TWO_POW_M28) {
    return 1 + x
  }
  const r = hi - lo
  const t = r * r
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))))
  const y = k === 0 ? 1 - ((r * c) / (c - 2) - r) : 1 - ((lo - (r * c) / (2 - c)) - hi)
  if (k > 1023) return y * 2 * (POW2[k - 1 + 1074] as number)
  if (k < -1022) return (y * (POW2[k + 54 + 1074] as number)) / TWO_POW_54
  return y * (POW2[k + 1074] as number)
}

// log: minimax polynomial for log(1+f) = 2s + s·R(s²), s = f/(2+f) (fdlibm e_log.c)
const LG1 = 6.666666666666735130e-1
const LG2 = 3.999999999940941908e-1
const LG3 = 2.857142874366239149e-1
const LG4 = 2.222219843214978396e-1
const LG5 = 1.818357216161805012e-1
const LG6 = 1.531383769920937332e-1
const LG7 = 1.479819860511658591e-1

/** x = 2^k·m with m ∈ [√2/2, √2): writes m to f64[0] and returns k (x finite, > 0). */
function split(x: number): number {
  let k = 0
  if (x < 2.2250738585072014e-308) {
    x *= TWO_POW_54
    k = -54
  }
  f64[0] = x
  const hi = u32[HI] as number
  k += (hi >>> 20) - 1023
  u32[HI] = (hi & 0x000fffff) | 0x3ff00000
  if ((f64[0] as number) > SQRT2) {
    f64[0] = (f64[0] as number) * 0.5
    k += 1
  }
  return k
}

/**
 * The natural logarithm ln x, within 1 ulp, the same bits on every engine (NaN for x < 0, −∞ at 0).
 * x = 2^k·(1+f), ln x = k·ln2 + ln(1+f) with ln(1+f) = f − (f²/2 − s·(f²/2 + R(s²))), s = f/(2+f).
 * @example dmath.log(Math.E) // 1
 */
function log(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN
  if (x === Infinity) return Infinity
  const k = split(x)
  const f = (f64[0] as number) - 1
  const s = f / (2 + f)
  const z = s * s
  const w = z * z
  const t1 = w * (LG2 + w * (LG4 + w * LG6))
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
  const R = t2 + t1
  const hfsq = 0.5 * f * f
  if (k === 0) return f - (hfsq - s * (hfsq + R))
  return k * LN2_HI - ((hfsq - (s * (hfsq + R) + k * LN2_LO)) - f)
}

/**
 * ln(1 + x), accurate for small x (Kahan's correction: ln(u)·x/(u − 1) with u = 1 + x).
 * @example dmath.log1p(1e-20) // 1e-20
 */
function log1p(x: number): number {
  if (!(x >= -1)) return NaN
  const u = 1 + x
  if (u === 1) return x
  if (u === Infinity) return Infinity
  return (log(u) * x) / (u - 1)
}

/**
 * e^x − 1, accurate for small x (Kahan's correction: (u − 1)·x/ln u with u = e^x).
 * @example dmath.expm1(1e-20) // 1e-20
 */
function expm1(x: number): number {
  if (!(x === x)) return NaN
  const u = exp(x)
  if (u === 1) return x
  const um1 = u - 1
  if (um1 === -1) return -1
  if (u === Infinity) return Infinity
  return (um1 * x) / log(u)
}

/**
 * tanh x = t/(t + 2) with t = e^{2|x|} − 1 (sign restored); ±1 for |x| > 22.
 * @example dmath.tanh(0.5) // 0.46211715726000974
 */
function tanh(x: number): number {
  if (!(x === x)) return NaN
  const a = Math.abs(x)
  if (a > 22) return x > 0 ? 1 : -1
  if (a < TWO_POW_M28) return x
  const t = expm1(2 * a)
  const r = t / (t + 2)
  return x < 0 ? -r : r
}

/**
 * log₂ x, exact at powers of two (k for x = 2^k), otherwise ln x / ln 2.
 * @example dmath.log2(8) // 3
 */
function log2(x: number): number {
  if (!(x > 0) || x === Infinity) return log(x)
  const k = split(x)
  if (f64[0] === 1) return k
  if (f64[0] === 0.5) return k - 1
  return log(x) * INV_LN2
}

const INV_LN10 = 4.34294481903251816668e-1

/**
 * log₁₀ x = ln x / ln 10.
 * @example dmath.log10(1e-5) // -5
 */
function log10(x: number): number {
  return log(x) * INV_LN10
}

// sin/cos: 3-part π/2 for the Cody–Waite reduction, minimax kernels on [−π/4, π/4] (fdlibm k_sin.c, k_cos.c)
const INV_PIO2 = 6.36619772367581382433e-1
const PIO2_1 = 1.57079632673412561417e0
const PIO2_2 = 6.07710050630396597660e-11
const PIO2_2T = 2.02226624879595063154e-21
const PIO4 = 7.85398163397448278999e-1
const S1 = -1.66666666666666324348e-1
const S2 = 8.33333333332248946124e-3
const S3 = -1.98412698298579493134e-4
const S4 = 2.75573137070700676789e-6
const S5 = -2.50507602534068634195e-8
const S6 = 1.58969099521155010221e-10
const C1 = 4.16666666666666019037e-2
const C2 = -1.38888888888741095749e-3
const C3 = 2.48015872894767294178e-5
const C4 = -2.75573143513906633035e-7
const C5 = 2.08757232129817482790e-9
const C6 = -1.13596475577881948265e-11

/** sin(x + y) for |x| ≤ π/4, y the tail of the reduced argument. */
function kernelSin(x: number, y: number): number {
  const z = x * x
  const v = z * x
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))
  return x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/** cos(x + y) for |x| ≤ π/4. */
function kernelCos(x: number, y: number): number {
  const z = x * x
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))))
  const hz = 0.5 * z
  const w = 1 - hz
  return w + (((1 - w) - hz) + (z * r - x * y))
}

// The reduced argument of the last reduce() call: x = n·π/2 + (rHi + rLo).
let rHi = 0
let rLo = 0

/** Reduces x modulo π/2: returns n and sets rHi + rLo = x − n·π/2. */
function reduce(x: number): number {
  const n = Math.round(x * INV_PIO2)
  // x − n·(PIO2_1 + PIO2_2 + PIO2_2T): n·PIO2_1 and n·PIO2_2 are exact (33-bit constants), and the
  // rounding error of the second subtraction is carried into the tail.
  const t = x - n * PIO2_1
  const w2 = n * PIO2_2
  const r2 = t - w2
  const w3 = n * PIO2_2T - ((t - r2) - w2)
  rHi = r2 - w3
  rLo = (r2 - rHi) - w3
  return n
}

/**
 * sin x, within 1 ulp for |x| < 2²⁰·π/2, the same bits on every engine.
 * x = n·π/2 + r, then ±sin r or ±cos r by the quadrant n mod 4.
 * @example dmath.sin(Math.PI / 6) // 0.49999999999999994
 */
function sin(x: number): number {
  if (!Number.isFinite(x)) return NaN
  if (Math.abs(x) <= PIO4) return Math.abs(x) < TWO_POW_M28 ? x : kernelSin(x, 0)
  const n = reduce(x) & 3
  if (n === 0) return kernelSin(rHi, rLo)
  if (n === 1) return kernelCos(rHi, rLo)
  if (n === 2) return -kernelSin(rHi, rLo)
  return -kernelCos(rHi, rLo)
}

/**
 * cos x, within 1 ulp for |x| < 2²⁰·π/2, the same bits on every engine.
 * @example dmath.cos(0) // 1
 */
function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN
  if (Math.abs(x) <= PIO4) return Math.abs(x) < TWO_POW_M28 ? 1 : kernelCos(x, 0)
  const n = reduce(x) & 3
  if (n === 0) return kernelCos(rHi, rLo)
  if (n === 1) return -kernelSin(rHi, rLo)
  if (n === 2) return -kernelCos(rHi, rLo)
  return kernelSin(rHi, rLo)
}

/**
 * x^y with JavaScript's special cases (`Math.pow`'s for NaN, ±0, ±∞ and x = 1, whose results are
 * exact). |y| ≤ 4 integer: direct products; otherwise e^{y·ln|x|}, negated for x < 0 and odd y
 * (NaN for x < 0 and non-integer y).
 * @example dmath.pow(2, 0.5) // 1.4142135623730951
 */
function pow(x: number, y: number): number {
  if (y === 0) return 1
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || x === 1) return Math.pow(x, y)
  const integer = Number.isInteger(y)
  if (integer && Math.abs(y) <= 4) {
    const a = Math.abs(y)
    const p = a === 1 ? x : a === 2 ? x * x : a === 3 ? x * x * x : (x * x) * (x * x)
    return y < 0 ? 1 / p : p
  }
  if (x > 0) return exp(y * log(x))
  if (!integer) return NaN
  const r = exp(y * log(-x))
  return y % 2 === 0 ? r : -r
}

/**
 * Deterministic elementary functions: `exp`, `log`, `log1p`, `expm1`, `tanh`, `log2`, `log10`,
 * `sin`, `cos`, `pow`, with `Math`'s signatures and special cases, built from +, −, ×, ÷ and exact
 * operations only, so float64 results are the same bits in Node and every browser (`Math`'s are
 * not: engines differ in the last bit). Accuracy: within 1–2 ulp (see the module comment).
 * @example
 * import { dmath } from '@theoryml/core'
 * dmath.exp(1) // 2.718281828459045, in every engine
 */
export const dmath = Object.freeze({ exp, log, log1p, expm1, tanh, log2, log10, sin, cos, pow })
