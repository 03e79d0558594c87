import { assertAllocation, assertFinite, assertInteger } from './validate'
import { dmath } from './dmath'

/** A seeded pseudo-random stream (xoshiro128**, seeded by splitmix32): same seed, same numbers, bit for bit. */
export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number
  /** Uniform number in [0, 1) with 53 random bits. */
  uniform(): number
  /** Gaussian N(mean, std²) by the Box–Muller transform. */
  normal(mean?: number, std?: number): number
  /** Uniform integer in {0, …, n−1}. */
  int(n: number): number
  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): number[]
  /** Shuffle an array in place (Fisher–Yates) and return it. */
  shuffle<T>(array: T[]): T[]
  /** Fill `array` with i.i.d. N(mean, std²) draws in place and return it. */
  fillNormal<A extends Float64Array | Float32Array | number[]>(array: A, std?: number, mean?: number): A
  /** Fill `array` with i.i.d. uniform draws from [low, high) in place and return it. */
  fillUniform<A extends Float64Array | Float32Array | number[]>(array: A, low?: number, high?: number): A
  /** An independent stream named by `label`, reproducible from this stream's seed and the label alone. */
  fork(label: string | number): Rng
  /** The raw next 32-bit unsigned integer. */
  nextUint32(): number
}

const TWO_POW_32 = 4294967296
const TWO_POW_53 = 9007199254740992

function splitmix32(state: number): () => number {
  let s = state >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

function hashString(text: string, seed: number): number {
  // FNV-1a over UTF-16 code units, mixed with the seed.
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/**
 * Create a seeded random stream. The seed must be an integer (taken modulo 2³²; negative seeds and
 * seeds above 2³² are folded in so that distinct safe integers give distinct streams in practice).
 * @example const rng = createRng(0); rng.normal() // the same value for the same seed
 */
export function createRng(seed: number): Rng {
  assertInteger('seed', seed, { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })
  const lo = seed >>> 0
  const hi = Math.floor(seed / TWO_POW_32) >>> 0
  const init = splitmix32(lo ^ Math.imul(hi, 0x9e3779b1))
  let s0 = init()
  let s1 = init()
  let s2 = init()
  let s3 = init()
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  let spare: number | null = null

  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0
    const t = (s1 << 9) >>> 0
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    s0 >>>= 0
    s1 >>>= 0
    s2 >>>= 0
    s3 >>>= 0
    return result
  }
  const uniform = (): number => {
    const a = next() >>> 5 // 27 bits
    const b = next() >>> 6 // 26 bits
    return (a * 67108864 + b) / TWO_POW_53
  }
  const standardNormal = (): number => {
    if (spare !== null) {
      const v = spare
      spare = null
      return v
    }
    let u = 0
    while (u === 0) u = uniform()
    const v = uniform()
    const r = Math.sqrt(-2 * dmath.log(u))
    spare = r * dmath.sin(2 * Math.PI * v)
    return r * dmath.cos(2 * Math.PI * v)
  }
  const int = (n: number): number => {
    assertInteger('n', n, { min: 1, max: TWO_POW_32 })
    // Rejection sampling for an unbiased integer.
    const limit = TWO_POW_32 - (TWO_POW_32 % n)
    let x = next()
    while (x >= limit) x = next()
    return x % n
  }
  const rng: Rng = {
    seed,
    nextUint32: next,
    uniform,
    normal(mean = 0, std = 1) {
      if (mean !== 0 || std !== 1) {
        if (!Number.isFinite(mean)) throw new Error(`mean: expected a finite number, got ${String(mean)}`)
        if (typeof std !== 'number' || !(std >= 0) || !Number.isFinite(std)) throw new Error(`std: expected a finite number ≥ 0, got ${String(std)}`)
      }
      return mean + std * standardNormal()
    },
    int,
    permutation(n: number) {
      assertInteger('n', n, { min: 0 })
      assertAllocation('n', n, 8)
      const p = Array.from({ length: n }, (_, i) => i)
      return rng.shuffle(p)
    },
    shuffle<T>(array: T[]) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = int(i + 1)
        const tmp = array[i] as T
        array[i] = array[j] as T
        array[j] = tmp
      }
      return array
    },
    fillNormal(array, std = 1, mean = 0) {
      assertFinite('std', std)
      assertFinite('mean', mean)
      for (let i = 0; i < array.length; i++) array[i] = mean + std * standardNormal()
      return array
    },
    fillUniform(array, low = 0, high = 1) {
      assertFinite('low', low)
      assertFinite('high', high)
      for (let i = 0; i < array.length; i++) array[i] = low + (high - low) * uniform()
      return array
    },
    fork(label: string | number) {
      const h = hashString(String(label), lo ^ Math.imul(hi, 0x85ebca6b))
      const mixed = splitmix32(h ^ 0x5bd1e995)()
      return createRng(mixed)
    },
  }
  return rng
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/**
 * Accept a seed or an existing stream; a number creates a new stream.
 * @example const rng = resolveRng(options.rng ?? 0)
 */
export function resolveRng(rngOrSeed: Rng | number | undefined, fallbackSeed = 0): Rng {
  if (rngOrSeed === undefined) return createRng(fallbackSeed)
  if (typeof rngOrSeed === 'number') return createRng(rngOrSeed)
  if (typeof rngOrSeed === 'object' && rngOrSeed !== null && typeof rngOrSeed.uniform === 'function') return rngOrSeed
  throw new Error('rng: expected a seed (integer) or an Rng from createRng')
}
