import { readFileSync } from 'node:fs'
import { createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { beforeAll, describe, expect, test } from 'vitest'
import { copyTask, countTask, EOS, exactMatch, PAD, SOS } from '../src/index'
import { batchLoss, createTransformer, evaluateExactMatch, generate, lengthGeneralization, makeBatch, trainTransformer, type Transformer } from '../src/tf'
import type * as TF from '@tensorflow/tfjs'

let tf: typeof TF
beforeAll(async () => {
  tf = (await initTf()).tf
})

interface Fixture {
  config: { vocabSize: number; maxPositions: number; dModel: number; heads: number; layers: number; dMlp: number }
  offset: number
  tokens: number[][]
  weights: Array<{ shape: number[]; data: number[] }>
  logits: number[][][]
  targets: number[][]
  loss: number
  grads: number[][]
}

function loadFixture(): { fx: Fixture; model: Transformer } {
  const fx = JSON.parse(readFileSync(new URL('../../../tests/fixtures/rasp.json', import.meta.url), 'utf8')) as Fixture
  const model = createTransformer({ ...fx.config, rng: 0 })
  model.variables.forEach((v, i) => {
    const w = fx.weights[i] as Fixture['weights'][number]
    expect(v.shape).toEqual(w.shape)
    tf.tidy(() => v.assign(tf.tensor(w.data, w.shape)))
  })
  return { fx, model }
}

function logitsOf(model: Transformer, tokens: number[][], offset = 0): number[][][] {
  return tf.tidy(() => model.logits(tf.tensor2d(tokens, undefined, 'int32'), offset).arraySync())
}

describe('transformer forward pass', () => {
  test('matches an independent numpy implementation (tests/fixtures/rasp.json)', () => {
    const { fx, model } = loadFixture()
    expect(model.variables.length).toBe(fx.weights.length)
    const got = logitsOf(model, fx.tokens, fx.offset).flat(2)
    const want = fx.logits.flat(2)
    let maxErr = 0
    got.forEach((g, i) => { maxErr = Math.max(maxErr, Math.abs(g - (want[i] as number))) })
    expect(maxErr).toBeLessThan(1e-3 * Math.max(1, ...want.map(Math.abs)))
    model.dispose()
  })

  test('loss and every weight gradient match PyTorch autograd (float64) on the fixture', () => {
    const { fx, model } = loadFixture()
    const B = fx.tokens.length
    const T = (fx.tokens[0] as number[]).length
    const batch = { tokens: Int32Array.from(fx.tokens.flat()), targets: Int32Array.from(fx.targets.flat()), weights: new Float32Array(B * T).fill(1), batchSize: B, contextLength: T, offset: fx.offset }
    const { value, grads } = tf.variableGrads(() => batchLoss(model, batch), model.variables)
    expect(value.dataSync()[0] as number).toBeCloseTo(fx.loss, 4)
    model.variables.forEach((v, i) => {
      const g = Array.from((grads[v.name] as TF.Tensor).dataSync())
      const want = fx.grads[i] as number[]
      const scale = Math.max(1e-3, ...want.map(Math.abs))
      const err = Math.max(...g.map((x, j) => Math.abs(x - (want[j] as number))))
      expect(err / scale, `gradient of variable ${i}`).toBeLessThan(2e-3)
    })
    tf.dispose([value, ...Object.values(grads)])
    model.dispose()
  })

  test('causal mask: changing a later token never changes an earlier output', () => {
    const model = createTransformer({ vocabSize: 10, maxPositions: 16, dModel: 16, heads: 2, rng: 1, initStd: 0.5 })
    const rng = createRng(4)
    const base = Array.from({ length: 12 }, () => rng.int(10))
    const a = logitsOf(model, [base])[0] as number[][]
    for (const t of [3, 7, 11]) {
      const changed = [...base]
      changed[t] = ((changed[t] as number) + 1 + rng.int(9)) % 10
      const b = logitsOf(model, [changed])[0] as number[][]
      for (let s = 0; s < t; s++) (b[s] as number[]).forEach((v, k) => expect(v).toBeCloseTo((a[s] as number[])[k] as number, 5))
      expect(Math.max(...(b[t] as number[]).map((v, k) => Math.abs(v - ((a[t] as number[])[k] as number))))).toBeGreaterThan(1e-4)
    }
    model.dispose()
  })

  test('dispose frees every tensor the model created', () => {
    const before = tf.memory().numTensors
    const model = createTransformer({ vocabSize: 9, maxPositions: 12, dModel: 8, heads: 2, rng: 3 })
    logitsOf(model, [[1, 2, 3]])
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  test('bad input gets a clear error', () => {
    expect(() => createTransformer({ vocabSize: 10, maxPositions: 16, dModel: 10, heads: 4 })).toThrow(/heads: expected a divisor of dModel/)
    expect(() => createTransformer({ vocabSize: 1, maxPositions: 16 })).toThrow(/vocabSize/)
    expect(() => createTransformer({ vocabSize: 5, maxPositions: 16, layer: 2 } as never)).toThrow(/unknown option 'layer'/)
    const model = createTransformer({ vocabSize: 8, maxPositions: 10, dModel: 8, heads: 2 })
    expect(() => logitsOf(model, [[1, 2, 3, 4]], 8)).toThrow(/exceed the position table \(maxPositions = 10\)/)
    expect(() => generate(model, Array.from({ length: 11 }, () => 1))).toThrow(/prompt: 11 tokens at offset 0 exceed the position table/)
    expect(() => generate(model, [1, 9])).toThrow(/prompt: token 9 at index 1 is outside the vocabulary \[0, 8\)/)
    expect(() => generate(model, [])).toThrow(/prompt: expected a non-empty array/)
    expect(() => evaluateExactMatch(model, countTask({ maxNumber: 20 }), 3)).toThrow(/outside the vocabulary/)
    expect(() => trainTransformer(model, { task: countTask({ maxNumber: 20 }), trainLengths: [1], steps: 1 })).toThrow(/exceeds the model's vocabSize/)
    model.dispose()
  })
})

describe('training recipe', () => {
  test('makeBatch packs samples, weights answer tokens only, offsets stay in the table', () => {
    const task = countTask({ maxNumber: 10 })
    const rng = createRng(0)
    const packed = makeBatch(task, rng, { lengths: [2, 3], batchSize: 4, contextLength: 24, maxPositions: 40 })
    expect(packed.offset).toBeGreaterThanOrEqual(0)
    expect(packed.offset).toBeLessThanOrEqual(16)
    expect(Array.from(packed.tokens).filter((t) => t === SOS).length).toBeGreaterThan(4 * 2) // several samples per row
    expect(Array.from(packed.tokens)).not.toContain(PAD)
    for (let i = 0; i < packed.tokens.length; i++) {
      // Never trained to predict a prompt token: '<s>' and the numbers a, b of the prompt have weight 0.
      if (packed.targets[i] === SOS) expect(packed.weights[i]).toBe(0)
      if (packed.targets[i] === EOS) expect(packed.weights[i]).toBe(1)
    }
    const single = makeBatch(task, rng, { lengths: [2], batchSize: 2, contextLength: 24, maxPositions: 40, recipe: { packing: false, positionOffsets: false } })
    expect(single.offset).toBe(0)
    expect(Array.from(single.tokens.subarray(0, 24)).filter((t) => t === SOS).length).toBe(1)
    expect(Array.from(single.weights).reduce((a, b) => a + b, 0)).toBe(2 * 3) // 2 numbers + </s> per row
    expect(() => makeBatch(task, rng, { lengths: [9], batchSize: 1, contextLength: 8, maxPositions: 40, recipe: { packing: false } })).toThrow(/does not fit/)
    expect(() => makeBatch(task, rng, { lengths: [11], batchSize: 1, contextLength: 8, maxPositions: 40 })).toThrow(/lengths\[0\]: expected an integer in \[1, 10\]/)
  })

  test('a tiny training run learns a trivial task, with no tensor leak', () => {
    const task = copyTask({ symbols: 4 }) // `<s> x >` → `x </s>`
    const model = createTransformer({ vocabSize: task.vocabSize, maxPositions: 24, dModel: 16, heads: 2, layers: 1, rng: 0 })
    trainTransformer(model, { task, trainLengths: [1], steps: 2, contextLength: 16, batchSize: 8, rng: 0 })
    const before = tf.memory().numTensors
    const { history } = trainTransformer(model, { task, trainLengths: [1], steps: 150, contextLength: 16, batchSize: 8, lr: 1e-2, rng: 1, every: 10 })
    expect(tf.memory().numTensors).toBe(before)
    expect(history.loss.at(-1) as number).toBeLessThan(0.2 * (history.loss[0] as number))
    expect(evaluateExactMatch(model, task, 1, { samples: 32 })).toBeGreaterThanOrEqual(0.9)
    // The one-pass exact match agrees with greedy decoding sample by sample.
    let afterFirst = 0
    for (let round = 0; round < 2; round++) {
      const rng = createRng(9)
      for (let i = 0; i < 4; i++) {
        const s = task.sample(rng, 1)
        expect(exactMatch(generate(model, s.prompt, { maxNew: 2 }), s.answer)).toBe(evaluateExactMatch(model, { ...task, sample: () => s }, 1, { samples: 1 }))
      }
      if (round === 0) afterFirst = tf.memory().numTensors // new context lengths cache one causal mask each
      else expect(tf.memory().numTensors).toBe(afterFirst)
    }
    model.dispose()
  })
})

describe('trainer vocabulary', () => {
  const task = copyTask({ symbols: 4 })
  const small = (rng = 0): Transformer => createTransformer({ vocabSize: task.vocabSize, maxPositions: 24, dModel: 8, heads: 2, layers: 1, rng })
  const sizes = { trainLengths: [1, 2], contextLength: 16, batchSize: 4 }

  test('trainTransformer applies the same updates as an optimizer.minimize loop with the schedule', () => {
    // The reference: the loop this package ran before the common trainer loop (Adam, warm-up, decay).
    const reference = small(2)
    const rng = createRng(5)
    const opt = tf.train.adam(3e-3, 0.9, 0.999, 1e-8) // tfOptimizer's adam (eps 1e-8)
    const steps = 6
    for (let step = 0; step < steps; step++) {
      const batch = makeBatch(task, rng, { lengths: sizes.trainLengths, batchSize: 4, contextLength: 16, maxPositions: 24 })
      ;(opt as unknown as { learningRate: number }).learningRate = 3e-3 * Math.min(1, (step + 1) / 3) * (1 - (0.9 * step) / steps)
      tf.tidy(() => { opt.minimize(() => batchLoss(reference, batch), false, reference.variables) })
    }
    opt.dispose()
    const model = small(2)
    const res = trainTransformer(model, { task, ...sizes, steps, warmup: 3, optimizer: 'adam', lr: 3e-3, rng: 5 })
    expect(res.model).toBe(model)
    expect(res.steps).toBe(steps)
    model.variables.forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(Array.from((reference.variables[i] as TF.Variable).dataSync())))
    reference.dispose()
    model.dispose()
  })

  test('trainTransformer: state, record, onStep, every, stopWhen, stopAtLoss, signal, optimizer specs', () => {
    const model = small()
    const seen: number[] = []
    const res = trainTransformer(model, {
      task, ...sizes, steps: 7, every: 3, optimizer: { type: 'momentum', lr: 1e-2 },
      record: { lr: (s) => s.lr, params: (s) => s.model.parameterCount() },
      onStep: (s, h) => { seen.push(s.step); expect(h.step.at(-1)).toBe(s.step) },
    })
    expect(res.history.step).toEqual([0, 3, 6, 7])
    expect(seen).toEqual([0, 3, 6, 7])
    expect(res.history.lr).toHaveLength(4)
    expect(res.history.params).toEqual(Array(4).fill(model.parameterCount()))
    expect((res.history.lr as number[])[0]).toBeCloseTo(1e-2 / 20, 12) // warm-up: lr·1/20 at step 0
    expect(res.stoppedBy).toBe('steps')
    const early = trainTransformer(model, { task, ...sizes, steps: 50, stopWhen: (s) => s.step === 4 })
    expect([early.steps, early.stoppedBy, early.history.step.at(-1)]).toEqual([4, 'stopWhen', 4])
    expect(trainTransformer(model, { task, ...sizes, steps: 50, stopAtLoss: 1e9 }).stoppedBy).toBe('stopAtLoss')
    const controller = new AbortController()
    const aborted = trainTransformer(model, { task, ...sizes, steps: 50, signal: controller.signal, onStep: (s) => { if (s.step === 2) controller.abort() }, every: 1 })
    expect([aborted.steps, aborted.stoppedBy]).toEqual([3, 'signal'])
    expect(() => trainTransformer(model, { task, ...sizes, steps: 2, optimizer: { type: 'adam', lr: 1e-3 }, lr: 1e-3 })).toThrow(/lr: give the learning rate inside the optimizer spec/)
    expect(() => trainTransformer(model, { task, ...sizes, steps: 2, optimizer: 'groupRmsprop' })).toThrow(/float64 track only/)
    expect(() => trainTransformer(model, { task, ...sizes, steps: 2, onProgress: () => {} } as never)).toThrow(/unknown option 'onProgress'/)
    expect(() => trainTransformer(model, { task, trainLengths: [1] } as never)).toThrow(/steps: required/)
    model.dispose()
  })

  test('lengthGeneralization: per-seed runs, the aggregate history across seeds, keepModels, signal', () => {
    const before = tf.memory().numTensors
    const common = { task, ...sizes, testLengths: [1, 3], steps: 4, every: 2, evalSamples: 4, model: { dModel: 8, heads: 2, layers: 1, maxPositions: 24 } }
    const states: Array<[number, number, number]> = []
    const res = lengthGeneralization({
      ...common, seeds: [3, 4], record: { seed: (s) => s.seed },
      onStep: (s, h) => { states.push([s.seedIndex, s.step, h.step.length]) },
    })
    expect(tf.memory().numTensors).toBe(before) // models disposed
    expect(res.runs.map((r) => [r.seed, r.steps, r.stoppedBy, r.model])).toEqual([[3, 4, 'steps', undefined], [4, 4, 'steps', undefined]])
    expect(res.runs[0]?.history.step).toEqual([0, 2, 4])
    expect(res.history.step).toEqual([0, 2, 4, 0, 2, 4])
    expect(res.history.seedIndex).toEqual([0, 0, 0, 1, 1, 1])
    expect(res.history.seed).toEqual([3, 3, 3, 4, 4, 4])
    expect(res.history.loss).toEqual([...(res.runs[0]?.history.loss ?? []), ...(res.runs[1]?.history.loss ?? [])])
    expect(states).toEqual([[0, 0, 1], [0, 2, 2], [0, 4, 3], [1, 0, 4], [1, 2, 5], [1, 4, 6]])
    expect([res.steps, res.stoppedBy]).toEqual([8, 'steps'])
    expect(res.exactMatch).toEqual(res.runs.map((r) => r.exactMatch))
    expect(res.median).toEqual(res.testLengths.map((_, l) => ((res.exactMatch[0]?.[l] as number) + (res.exactMatch[1]?.[l] as number)) / 2))
    expect(res.finalLoss).toEqual(res.runs.map((r) => r.history.loss.at(-1)))

    // The same seed gives the same run; keepModels returns the trained model.
    const kept = lengthGeneralization({ ...common, seeds: [4], keepModels: true })
    expect(kept.runs[0]?.history.loss).toEqual(res.runs[1]?.history.loss)
    expect(kept.exactMatch[0]).toEqual(res.exactMatch[1])
    const model = kept.runs[0]?.model as Transformer
    expect(evaluateExactMatch(model, task, 1, { samples: 4, rng: createRng(4).fork('eval-1') })).toBe(kept.exactMatch[0]?.[0])
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)

    // An aborted signal ends the run in progress and skips the remaining seeds.
    const controller = new AbortController()
    const cut = lengthGeneralization({ ...common, seeds: [3, 4, 5], signal: controller.signal, onStep: (s) => { if (s.step === 2) controller.abort() } })
    expect(cut.runs.map((r) => [r.seed, r.steps, r.stoppedBy])).toEqual([[3, 3, 'signal']]) // the signal is read at the next step
    expect([cut.steps, cut.stoppedBy, cut.exactMatch.length]).toEqual([3, 'signal', 1])
    const early = lengthGeneralization({ ...common, seeds: [3, 4], stopWhen: (s) => s.seedIndex === 1 && s.step === 1 })
    expect(early.runs.map((r) => r.stoppedBy)).toEqual(['steps', 'stopWhen'])
    expect([early.steps, early.stoppedBy]).toEqual([5, 'stopWhen'])
    expect(tf.memory().numTensors).toBe(before)

    expect(() => lengthGeneralization({ ...common, rng: 0 } as never)).toThrow(/rng: lengthGeneralization trains one model per seed; pass seeds/)
    expect(() => lengthGeneralization({ ...common, tf } as never)).toThrow(/unknown option 'tf'/)
    expect(() => lengthGeneralization({ ...common, record: { seedIndex: (s) => s.seedIndex } })).toThrow(/record.seedIndex/)
    expect(() => lengthGeneralization({ ...common, seeds: [] })).toThrow(/seeds: expected a non-empty array/)
  })
})
