// Runs in its own module graph (vitest isolates test files): initTf has not been called here.
import { expect, test } from 'vitest'
import { networkDataset, ssmLayer, ssmNetwork } from '../src/tf'

test('the tfjs track asks for initTf() before it builds anything', () => {
  expect(() => ssmLayer({ stateDim: 2 })).toThrow(/call `await initTf\(\)`/)
  expect(() => ssmNetwork({ stateDim: 2 })).toThrow(/call `await initTf\(\)`/)
  expect(() => networkDataset({ teacher: {} as never, sequences: [[1, 2]] })).toThrow(/call `await initTf\(\)`/)
})
