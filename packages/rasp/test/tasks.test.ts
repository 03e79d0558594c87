import { createRng } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import {
  additionSample,
  additionTask,
  andTask,
  copyTask,
  countTask,
  createTokenizer,
  EOS,
  exactMatch,
  modeTask,
  parityTask,
  SEP,
  SOS,
  sortTask,
  SYMBOL0,
} from '../src/index'

describe('tokenizer', () => {
  test('encodes and decodes names, rejects unknown tokens and ids', () => {
    const tok = createTokenizer(['0', '1'])
    expect(tok.encode('<s> 1 0 >')).toEqual([SOS, SYMBOL0 + 1, SYMBOL0, SEP])
    expect(tok.decode([SOS, SYMBOL0 + 1, EOS])).toEqual(['<s>', '1', '</s>'])
    expect(() => tok.encode('<s> 2')).toThrow(/tokens: unknown token '2' at index 1/)
    expect(() => tok.decode([7])).toThrow(/ids: 7 at index 0 is outside the vocabulary \[0, 6\)/)
    expect(() => createTokenizer(Array.from({ length: 130 }, (_, i) => `t${i}`))).toThrow(/int8/)
  })
})

describe('task generators', () => {
  const rng = createRng(0)
  test('count: <s> a b > a … b </s>', () => {
    const task = countTask({ maxNumber: 20 })
    for (let n = 1; n <= 20; n++) {
      const { prompt, answer } = task.sample(rng, n)
      const a = (prompt[1] as number) - SYMBOL0
      expect(prompt).toEqual([SOS, SYMBOL0 + a, SYMBOL0 + a + n - 1, SEP])
      expect(answer).toEqual([...Array.from({ length: n }, (_, i) => SYMBOL0 + a + i), EOS])
    }
    expect(() => task.sample(rng, 21)).toThrow(/length: expected an integer in \[1, 20\]/)
    expect(() => countTask({ maxNumber: 500 })).toThrow(/maxNumber/)
  })
  test('mode has a unique most frequent symbol', () => {
    const task = modeTask({ symbols: 3 })
    for (let i = 0; i < 200; i++) {
      const n = 1 + rng.int(12)
      const { prompt, answer } = task.sample(rng, n)
      const xs = prompt.slice(1, -1)
      const count = (v: number): number => xs.filter((u) => u === v).length
      const m = answer[0] as number
      for (const v of new Set(xs)) if (v !== m) expect(count(v)).toBeLessThan(count(m))
    }
  })
  test('copy (unique / repeated) and sort', () => {
    const unique = copyTask({ symbols: 10 }).sample(rng, 10)
    expect(new Set(unique.prompt.slice(1, -1)).size).toBe(10)
    expect(unique.answer).toEqual([...unique.prompt.slice(1, -1), EOS])
    expect(() => copyTask({ symbols: 10 }).sample(rng, 11)).toThrow(/length/)
    const rep = copyTask({ repeated: true, symbols: 2 }).sample(rng, 30)
    expect(new Set(rep.prompt.slice(1, -1)).size).toBeLessThanOrEqual(2)
    const s = sortTask().sample(rng, 8)
    expect(s.answer.slice(0, -1)).toEqual([...s.prompt.slice(1, -1)].sort((a, b) => a - b))
  })
  test('parity and and', () => {
    for (let i = 0; i < 50; i++) {
      const p = parityTask().sample(rng, 7)
      expect(p.answer[0]).toBe(SYMBOL0 + (p.prompt.slice(1, -1).filter((t) => t === SYMBOL0 + 1).length % 2))
      const a = andTask().sample(rng, 5)
      expect(a.answer[0]).toBe(SYMBOL0 + (a.prompt.slice(1, -1).every((t) => t === SYMBOL0 + 1) ? 1 : 0))
    }
  })
  test('addition samples encode the true sum, with and without hints', () => {
    for (const reversed of [false, true]) {
      for (const indexHints of [false, true]) {
        const task = additionTask({ reversed, indexHints, maxDigits: 8 })
        for (let i = 0; i < 20; i++) {
          const n = 1 + rng.int(8)
          const { prompt, answer } = task.sample(rng, n)
          const digits = (ids: number[]): string => ids.filter((t) => t >= SYMBOL0 && t < SYMBOL0 + 10).map((t) => t - SYMBOL0).join('')
          const plus = prompt.indexOf(SYMBOL0 + 10)
          const a = BigInt(digits(prompt.slice(1, plus)))
          const b = BigInt(digits(prompt.slice(plus + 1)))
          const s = digits(answer)
          expect(BigInt(reversed ? [...s].reverse().join('') : s)).toBe(a + b)
          expect(answer.at(-1)).toBe(EOS)
          expect(prompt.length).toBe(3 + 2 * (n + 1) * (indexHints ? 2 : 1))
        }
      }
    }
    expect(() => additionSample([1, 12], [3])).toThrow(/a\[1\]: expected an integer in \[0, 9\]/)
  })
  test('exact match', () => {
    expect(exactMatch([5, 6, 3], [5, 6, 3])).toBe(1)
    expect(exactMatch([5, 6, 3, 9], [5, 6, 3])).toBe(1)
    expect(exactMatch([5, 7, 3], [5, 6, 3])).toBe(0)
    expect(exactMatch([5], [5, 6, 3])).toBe(0)
  })
})
