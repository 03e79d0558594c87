// Property (issue 21, item 7): every public function given a random argument (random shapes,
// NaN/±Infinity, 1e308, empty, negative and non-integer sizes, values of the wrong type) either
// returns a finite, correctly shaped result or throws an Error whose message names the argument
// (or, for an overflow, the function).
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CASES, namesArgument, type ApiCase } from './public-api'

const special = fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324, 0, -0)
const entry = fc.oneof({ weight: 4, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 1, arbitrary: special })
const junk = fc.constantFrom<unknown>(null, undefined, 'abc', '', true, {}, () => 1, Symbol.for('x'))
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 0.5, 2.5, 1e9, 2 ** 31, 2 ** 40, 2 ** 53) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: junk },
)
const matrix = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }).chain((r) => fc.integer({ min: 1, max: 4 }).chain((c) => fc.array(fc.array(entry, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }))) },
  { weight: 1, arbitrary: fc.array(fc.array(entry, { maxLength: 4 }), { maxLength: 4 }) }, // ragged or empty
  { weight: 1, arbitrary: fc.array(entry, { maxLength: 4 }) }, // a vector where a matrix is expected
  { weight: 1, arbitrary: junk },
)
const vector = fc.oneof(
  { weight: 4, arbitrary: fc.array(entry, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(entry, { maxLength: 6 }).map((a) => Float64Array.from(a)) },
  { weight: 1, arbitrary: junk },
)
const shape = fc.oneof({ weight: 4, arbitrary: fc.array(size, { maxLength: 4 }) }, { weight: 1, arbitrary: junk })
const sequence = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.integer({ min: -300, max: 300 }), fc.double(), special), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -128, max: 127 }), { maxLength: 6 }).map((a) => Int32Array.from(a)) },
  { weight: 1, arbitrary: junk },
)
const ARBITRARY: Record<ApiCase['kind'], fc.Arbitrary<unknown>> = { matrix, vector, size, number: fc.oneof(fc.double(), special, junk), shape, sequence }

/** The outcome of one call: a valid result, or an Error naming the argument; anything else fails the property. */
export function check(c: ApiCase, value: unknown): void {
  let result: unknown
  try {
    result = c.call(value)
  } catch (err) {
    expect(err, `${c.fn}(${c.arg}) threw a non-Error`).toBeInstanceOf(Error)
    const message = (err as Error).message
    expect(namesArgument(c, message), `${c.fn}: the error "${message}" does not name '${c.arg}'`).toBe(true)
    return
  }
  expect(c.valid(result, value), `${c.fn}: a malformed or non-finite result`).toBe(true)
}

describe('input validation of public functions (fast-check)', () => {
  for (const c of CASES) {
    test(`${c.fn} (${c.arg})`, () => {
      fc.assert(fc.property(ARBITRARY[c.kind], (value) => check(c, value)), { numRuns: 150, seed: 21 })
    })
  }
})
