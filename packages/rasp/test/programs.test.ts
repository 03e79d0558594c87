import { createRng } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import {
  additionProgram,
  additionSample,
  additionTask,
  andTask,
  copyTask,
  copyUniqueProgram,
  countProgram,
  countTask,
  EOS,
  exactMatch,
  modeTask,
  runAutoregressive,
  SEP,
  SOS,
  sortTask,
  SYMBOL0,
  type Task,
} from '../src/index'

const n = (v: number): number => SYMBOL0 + v // symbol v as a token id

describe('programs on fixed inputs', () => {
  test("the paper's count example: two packed samples, next token at every answer position", () => {
    // np_rasp examples/count.py: [5, 6, START, 0, 4, 0, 1, 2, 3, 4, END, START, 5, 8, 5, 6, 7, 8] (with '>' added)
    const x = [n(5), n(6), SOS, n(0), n(4), SEP, n(0), n(1), n(2), n(3), n(4), EOS, SOS, n(5), n(8), SEP, n(5), n(6), n(7), n(8)]
    const out = Array.from(countProgram(x))
    expect(out.slice(5, 11)).toEqual([n(0), n(1), n(2), n(3), n(4), EOS])
    expect(out.slice(15, 20)).toEqual([n(5), n(6), n(7), n(8), EOS])
    expect(runAutoregressive(countProgram, [SOS, n(0), n(15), SEP])).toEqual([...Array.from({ length: 16 }, (_, i) => n(i)), EOS])
  })

  const digits = (ids: number[]): string => ids.filter((t) => t >= SYMBOL0 && t < SYMBOL0 + 10).map((t) => t - SYMBOL0).join('')
  test('88 + 842 with index hints, forward: 0930', () => {
    const s = additionSample([8, 8], [8, 4, 2], { reversed: false })
    const out = runAutoregressive(additionProgram({ reversed: false }), s.prompt)
    expect(out).toEqual(s.answer)
    expect(digits(out)).toBe('0930')
  })
  test('88 + 842 with index hints, reversed: 0390', () => {
    const s = additionSample([8, 8], [8, 4, 2], { reversed: true })
    const out = runAutoregressive(additionProgram({ reversed: true }), s.prompt)
    expect(out).toEqual(s.answer)
    expect(digits(out)).toBe('0390')
  })
  test('addition against integer arithmetic, long carry chains included', () => {
    const cases: Array<[string, string]> = [['9999', '1'], ['0', '0'], ['123456789', '987654321'], ['5', '5'], ['99999999', '99999999']]
    for (const reversed of [false, true]) {
      for (const [a, b] of cases) {
        const s = additionSample([...a].map(Number), [...b].map(Number), { reversed })
        const got = digits(runAutoregressive(additionProgram({ reversed }), s.prompt))
        const sum = (BigInt(a) + BigInt(b)).toString().padStart(Math.max(a.length, b.length) + 1, '0')
        expect(reversed ? [...got].reverse().join('') : got).toBe(sum)
      }
    }
  })
  test('addition without index hints has no program: a clear error', () => {
    expect(() => additionProgram({ indexHints: false })).toThrow(/indexHints: addition without index hints/)
  })
  test('runAutoregressive rejects bad prompts', () => {
    expect(() => runAutoregressive(countProgram, [])).toThrow(/prompt: expected at least one token/)
    expect(() => runAutoregressive(countProgram, [SOS, 500])).toThrow(/prompt: value 500 .* int8/)
    expect(() => runAutoregressive(countProgram, [SOS, n(1), n(2), SEP], { maxNew: 0 })).toThrow(/maxNew/)
  })
})

/** Each program solves its task at every length, after a packed previous sample (teacher-forced = greedy when all correct). */
function solves(task: Task, lengths: number[], seed = 0): number {
  const rng = createRng(seed)
  const program = task.program
  if (!program) throw new Error('no program')
  let ok = 0
  for (const len of lengths) {
    const prev = task.sample(rng, 1 + rng.int(Math.min(6, task.maxLength)))
    const s = task.sample(rng, len)
    const before = [...prev.prompt, ...prev.answer]
    const out = program([...before, ...s.prompt, ...s.answer])
    ok += exactMatch(out.subarray(before.length + s.prompt.length - 1), s.answer)
  }
  return ok / lengths.length
}

describe('programs solve their tasks at every length tried, after a packed sample', () => {
  const lengths = Array.from({ length: 40 }, (_, i) => i + 1)
  test.each([
    ['count', countTask({ maxNumber: 60 })],
    ['mode', modeTask()],
    ['copy (unique)', copyTask({ symbols: 60 })],
    ['sort', sortTask({ symbols: 60 })],
    ['and', andTask()],
  ])('%s', (_, task) => {
    expect(solves(task, lengths)).toBe(1)
  })
  test.each([false, true])('addition with index hints (reversed = %s)', (reversed) => {
    expect(solves(additionTask({ reversed, maxDigits: 30 }), [1, 2, 3, 5, 8, 13, 21, 30])).toBe(1)
  })
  test('greedy generation with a program equals the teacher-forced check', () => {
    const task = sortTask({ symbols: 30 })
    const rng = createRng(5)
    for (let i = 0; i < 5; i++) {
      const s = task.sample(rng, 3 + i)
      expect(runAutoregressive(sortProgram(task), s.prompt)).toEqual(s.answer)
    }
  })
  test('the induction-head copy program fails when tokens repeat', () => {
    const repeated = copyTask({ repeated: true, symbols: 4 })
    const rng = createRng(2)
    let ok = 0
    for (let len = 5; len <= 40; len++) {
      const s = repeated.sample(rng, len)
      ok += exactMatch(runAutoregressive(copyUniqueProgram, s.prompt, { maxNew: len + 1 }), s.answer)
    }
    expect(ok / 36).toBeLessThan(0.05)
  })
})

function sortProgram(task: Task): NonNullable<Task['program']> {
  return task.program as NonNullable<Task['program']>
}
