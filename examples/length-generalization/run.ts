/**
 * Zhou et al. 2024, "What Algorithms can Transformers Learn? A Study in Length Generalization":
 * the RASP-Generalization Conjecture. (1) Short RASP-L programs solve count, mode, copy (unique),
 * sort and addition with index hints at every length, while the induction-head program fails on
 * copy with repeated tokens; (2) a small transformer trained on short count / unique-copy inputs
 * stays exact beyond its training lengths, and fails just past them on repeated-token copy;
 * (3) the training recipe (packing, random position offsets) matters; (4, --full) longer training
 * lengths extend how far count generalizes.
 */
import { createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { claim, defineExperiment, type Claim, type Figure } from '@theoryml/lab'
import {
  additionTask,
  andTask,
  copyTask,
  copyUniqueProgram,
  countTask,
  exactMatch,
  modeTask,
  parityTask,
  runAutoregressive,
  sortTask,
  type Task,
} from '@theoryml/rasp'
import { lengthGeneralization, type LengthGeneralizationResult, type Recipe } from '@theoryml/rasp/tf'

interface Config {
  /** Programs are checked at lengths 1 … programMaxLength (addition: 1–20 then every 10). */
  programMaxLength: number
  model: { dModel: number; heads: number; layers: number; maxPositions: number }
  batchSize: number
  contextLength: number
  evalSamples: number
  /** Count: trained on lengths 1 … trainMax with each recipe, one model per seed. */
  count: { maxNumber: number; trainMax: number; testLengths: number[]; steps: number; lr: number; seeds: number[] }
  /**
   * --full: the larger model (d = 64, 4 heads) that the copy runs and count's reach use; the count
   * ablations keep the small model with more seeds, so that --full fits in about 50 minutes.
   */
  large: { model: { dModel: number; heads: number; layers: number; maxPositions: number }; batchSize: number; contextLength: number }
  /**
   * Copy (--full), on the large model with its own context and position table. `packing: false`:
   * one sample per context row (see README.md: in a packed context the earlier samples repeat the
   * symbols, and the small model then learns position indexing instead of an induction head).
   */
  copy: {
    symbols: number; repeatSymbols: number; trainMax: number; testLengths: number[]; steps: number; lr: number
    contextLength: number; maxPositions: number; packing: boolean
  }
  /** --full: count (numbers 0 … maxNumber − 1) trained up to each of trainMaxes with the large model. */
  countReach: { maxNumber: number; trainMaxes: number[]; testLengths: number[]; steps: number; lr: number }
  /**
   * Run the copy experiments and the packing ablations. Off in quick mode: copy needs thousands of
   * steps of the d = 64 model (about 14 minutes per model on tfjs-wasm), and packing does not help
   * count (5 seeds: 0.77 without vs 0.73 with at 15); see README.md. `--full` runs and prints them.
   */
  copyAndPacking: boolean
  /**
   * Parity (no short RASP-L program), trained like count: same small model, recipe, lengths, steps
   * and seeds, so that the two differ only in the task.
   */
  parity: { trainMax: number; testLengths: number[]; steps: number; lr: number; seeds: number[] }
  /**
   * --full (issue 20.3): addition with and without index hints, one model each on the large model
   * with its own context; `reversed`: the answer least-significant digit first.
   */
  addition: {
    run: boolean; reversed: boolean; trainMax: number; testLengths: number[]; steps: number; lr: number
    contextLength: number; maxPositions: number; seeds: number[]
  }
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i)

/** Fraction of lengths at which a program solves a fresh sample placed after a packed previous sample. */
function programAccuracy(task: Task, lengths: number[], seed: number): number {
  const rng = createRng(seed)
  const program = task.program
  if (!program) throw new Error(`${task.name}: no program`)
  let ok = 0
  for (const n of lengths) {
    const prev = task.sample(rng, 1 + rng.int(Math.min(8, task.maxLength)))
    const s = task.sample(rng, n)
    const before = [...prev.prompt, ...prev.answer]
    // Teacher-forced check: greedy decoding reproduces the answer iff every next-token prediction is right.
    const out = program([...before, ...s.prompt, ...s.answer])
    ok += exactMatch(out.subarray(before.length + s.prompt.length - 1), s.answer)
  }
  return ok / lengths.length
}

export default defineExperiment<Config>({
  name: 'length-generalization',
  title: 'RASP-L programs and length generalization of small transformers',
  paper: 'Zhou, Bradley, Littwin, Razin, Saremi, Susskind, Bengio, Nakkiran 2024 (ICLR)',
  defaults: {
    programMaxLength: 100,
    model: { dModel: 32, heads: 2, layers: 2, maxPositions: 40 },
    batchSize: 16,
    contextLength: 32,
    evalSamples: 64,
    count: { maxNumber: 24, trainMax: 10, testLengths: [5, 10, 12, 15, 20], steps: 300, lr: 1e-2, seeds: [0, 1, 2] },
    large: { model: { dModel: 64, heads: 4, layers: 2, maxPositions: 64 }, batchSize: 32, contextLength: 48 },
    copy: { symbols: 8, repeatSymbols: 4, trainMax: 6, testLengths: [4, 6, 7, 8], steps: 600, lr: 3e-3, contextLength: 32, maxPositions: 40, packing: false },
    countReach: { maxNumber: 60, trainMaxes: [10], testLengths: [10, 15, 20], steps: 300, lr: 3e-3 },
    copyAndPacking: false,
    parity: { trainMax: 10, testLengths: [10, 15], steps: 300, lr: 1e-2, seeds: [0, 1, 2] },
    // Unique forms of n-digit addition with hints take 6n + 10 tokens (n = 8: 58; n = 12: 82).
    addition: { run: false, reversed: true, trainMax: 8, testLengths: [8, 10, 12], steps: 4000, lr: 3e-3, contextLength: 64, maxPositions: 128, seeds: [0] },
  },
  quick: {},
  // Sized for ~50 minutes on 2 cores (tfjs-wasm: ~25 ms per step of the small model, ~140 ms of
  // the large one on 48 tokens, ~210 ms on copy's 64; the two copy models take ~28 minutes): the
  // paper's models and step counts are far beyond this machine.
  full: {
    evalSamples: 128,
    count: { maxNumber: 24, trainMax: 10, testLengths: [5, 10, 12, 15, 20], steps: 300, lr: 1e-2, seeds: [0, 1, 2, 3, 4] },
    // Copy: lengths 1 … 20 (the paper trains on far longer inputs than 10; on lengths ≤ 10 the model
    // learns position indexing that breaks at 11), 32 symbols, one sample per context (64 tokens,
    // offsets 0 … 32 of 96 positions), Adam 3·10⁻³, 4000 steps: unique copy goes through a phase
    // transition near step 1500–2000 to a solution that holds past the training length (not the
    // position indexing learned on lengths ≤ 10); tested at 1.25× and 1.5× (README.md).
    copy: { symbols: 32, repeatSymbols: 4, trainMax: 20, testLengths: [10, 20, 22, 25, 30], steps: 4000, lr: 3e-3, contextLength: 64, maxPositions: 96, packing: false },
    countReach: { maxNumber: 60, trainMaxes: [10, 20, 30], testLengths: [10, 15, 20, 30, 40, 50], steps: 1000, lr: 3e-3 },
    copyAndPacking: true,
    parity: { trainMax: 10, testLengths: [10, 15, 20], steps: 300, lr: 1e-2, seeds: [0, 1, 2, 3, 4] },
    addition: { run: true, reversed: true, trainMax: 8, testLengths: [8, 10, 12], steps: 4000, lr: 3e-3, contextLength: 64, maxPositions: 128, seeds: [0] },
  },
  async run(config, ctx) {
    const { backend } = await initTf()
    const claims: Claim[] = []
    const figures: Record<string, Figure> = {}
    const metrics: Record<string, unknown> = { backend }

    // 1. Programs.
    const L = config.programMaxLength
    const big = Math.min(120, L + 4)
    const programTasks: Array<[string, Task, number[]]> = [
      ['count', countTask({ maxNumber: big }), range(1, L)],
      ['mode', modeTask({ symbols: 8 }), range(1, L)],
      ['copy (unique)', copyTask({ symbols: big }), range(1, L)],
      ['sort', sortTask({ symbols: big }), range(1, L)],
      ['and', andTask(), range(1, L)],
      ['addition, forward, hints', additionTask({ reversed: false, maxDigits: L }), [...range(1, Math.min(20, L)), ...range(3, Math.floor(L / 10)).map((k) => 10 * k)]],
      ['addition, reversed, hints', additionTask({ reversed: true, maxDigits: L }), [...range(1, Math.min(20, L)), ...range(3, Math.floor(L / 10)).map((k) => 10 * k)]],
    ]
    const programAcc: Record<string, number> = {}
    programTasks.forEach(([name, task, lengths], i) => {
      programAcc[name] = programAccuracy(task, lengths, 100 + i)
      ctx.progress((0.05 * (i + 1)) / programTasks.length, `program ${name}`)
    })
    const worst = Math.min(...Object.values(programAcc))
    metrics.programAccuracy = programAcc
    claims.push(claim(`each RASP-L program (count, mode, copy-unique, sort, and, addition ± reversed with hints) solves its task at every length 1–${L}, after a packed previous sample`, {
      measured: worst, expected: '= 1 (fraction of lengths solved, worst program)', holds: worst === 1,
    }))
    const repeated = copyTask({ repeated: true, symbols: 4 })
    const rr = createRng(7)
    let inductOk = 0
    const repLengths = range(2, L)
    for (const n of repLengths) {
      const s = repeated.sample(rr, n)
      inductOk += exactMatch(runAutoregressive(copyUniqueProgram, s.prompt, { maxNew: n + 1 }), s.answer)
    }
    const inductAcc = inductOk / repLengths.length
    metrics.inductionOnRepeatedCopy = inductAcc
    claims.push(claim('the induction-head copy program fails on copy with repeated tokens (no short RASP-L program)', {
      measured: inductAcc, expected: '≤ 0.05 exact match over lengths 2–' + L, holds: inductAcc <= 0.05,
    }))

    // 2. Short program → length generalization.
    const common = {
      model: config.model,
      batchSize: config.batchSize,
      contextLength: config.contextLength,
      evalSamples: config.evalSamples,
    }
    const large = { ...common, ...config.large }
    let done = 0.05
    const runLg = (label: string, task: Task, trainMax: number, testLengths: number[], steps: number, lr: number, seeds: number[], recipe?: Recipe, share = 0.2, sizes = common): LengthGeneralizationResult => {
      const t0 = performance.now()
      const res = lengthGeneralization({
        ...sizes, task, trainLengths: range(1, trainMax), testLengths, steps, lr, seeds: seeds.map((s) => 1000 * ctx.seed + s),
        ...(recipe ? { recipe } : {}),
        onStep: ({ seedIndex, step }) => ctx.progress(done + (share * (seedIndex + step / steps)) / seeds.length, label),
      })
      done += share
      ctx.log(`${label}: EM ${res.testLengths.map((n, i) => `${n}:${(res.median[i] as number).toFixed(2)}`).join(' ')}; at random positions ${res.testLengths.map((n, i) => `${n}:${(res.medianShifted[i] as number).toFixed(2)}`).join(' ')}  (${res.msPerStep.toFixed(0)} ms/step, ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
      return res
    }
    const cfgC = config.count
    const countT = countTask({ maxNumber: cfgC.maxNumber })
    const at = (res: LengthGeneralizationResult, n: number, shifted = false): number => {
      const i = res.testLengths.indexOf(n)
      if (i < 0) throw new Error(`test length ${n} not evaluated`)
      return (shifted ? res.medianShifted : res.median)[i] as number
    }
    const beyond = Math.round(cfgC.trainMax * 1.5)
    // The recipe, and its ablations (3): one count model per seed and recipe.
    const recipes: Array<[string, Recipe]> = [
      ['packing + offsets', { packing: true, positionOffsets: true }],
      ['no offsets', { packing: true, positionOffsets: false }],
      ...(config.copyAndPacking
        ? ([['no packing', { packing: false, positionOffsets: true }], ['neither', { packing: false, positionOffsets: false }]] as Array<[string, Recipe]>)
        : []),
    ]
    const ablation = recipes.map(([label, recipe]) => runLg(`count, ${label}`, countT, cfgC.trainMax, cfgC.testLengths, cfgC.steps, cfgC.lr, cfgC.seeds, recipe, (config.copyAndPacking ? 0.35 : 0.6) / recipes.length))
    const [count, noOffsets] = ablation as [LengthGeneralizationResult, LengthGeneralizationResult]
    // Exact match with the test sample alone at position 0 (the metrics also give it at random positions).
    claims.push(claim(`count trained on lengths ≤ ${cfgC.trainMax} is exact at ${cfgC.trainMax} (median over ${cfgC.seeds.length} seeds)`, {
      measured: at(count, cfgC.trainMax), expected: '≥ 0.9 exact match', holds: at(count, cfgC.trainMax) >= 0.9,
    }))
    claims.push(claim(`… and keeps high exact match at ${beyond} (beyond training)`, {
      measured: at(count, beyond), expected: '≥ 0.5 exact match', holds: at(count, beyond) >= 0.5,
    }))

    // The central contrast: parity, with no short RASP-L program, trained exactly like count.
    const cfgQ = config.parity
    const parity = runLg('parity', parityTask(), cfgQ.trainMax, cfgQ.testLengths, cfgQ.steps, cfgQ.lr, cfgQ.seeds, undefined, config.copyAndPacking ? 0.1 : 0.3)
    const beyondQ = Math.round(cfgQ.trainMax * 1.5)
    claims.push(claim(`the contrast: count (a short RASP-L program) generalizes to ${beyond} while parity (no short RASP-L program), trained on the same lengths with the same model, recipe and steps, stays at chance (0.5: one answer bit) at ${beyondQ} — in distribution (${cfgQ.trainMax}) it reaches ${at(parity, cfgQ.trainMax).toFixed(2)} (paper, Fig. 1: count near-perfect well past the training length, parity does not length-generalize)`, {
      measured: `count ${at(count, beyond).toFixed(2)}, parity ${at(parity, beyondQ).toFixed(2)} (median EM over ${cfgQ.seeds.length} seeds)`,
      expected: 'count ≥ 0.5 (chance ≈ 0), parity ≤ 0.65 (chance 0.5)',
      holds: at(count, beyond) >= 0.5 && at(parity, beyondQ) <= 0.65,
    }))
    metrics.parity = { testLengths: parity.testLengths, exactMatch: parity.median, perSeed: parity.exactMatch }

    // --full (issue 20.3): addition with index hints (a RASP-L program) against without (none known).
    const addRes: Record<string, LengthGeneralizationResult> = {}
    if (config.addition.run) {
      const cfgA = config.addition
      const addSizes = { ...large, contextLength: cfgA.contextLength, model: { ...large.model, maxPositions: cfgA.maxPositions } }
      const maxDigits = Math.max(...cfgA.testLengths)
      for (const hints of [true, false]) {
        const label = `addition (${cfgA.reversed ? 'reversed' : 'forward'}), ${hints ? 'with' : 'without'} index hints`
        addRes[hints ? 'hints' : 'noHints'] = runLg(label, additionTask({ reversed: cfgA.reversed, indexHints: hints, maxDigits }), cfgA.trainMax, cfgA.testLengths, cfgA.steps, cfgA.lr, cfgA.seeds, undefined, 0.1, addSizes)
      }
      const h = addRes.hints as LengthGeneralizationResult
      const nh = addRes.noHints as LengthGeneralizationResult
      const pastA = cfgA.testLengths.find((n) => n > cfgA.trainMax) as number
      claims.push(claim(`addition with index hints is learned in distribution (${cfgA.trainMax} digits) and generalizes past it (${pastA} digits) (paper, Fig. 1: forward addition with index hints length-generalizes)`, {
        measured: `${at(h, cfgA.trainMax).toFixed(2)} → ${at(h, pastA).toFixed(2)}`, expected: '≥ 0.9 → ≥ 0.5 exact match', holds: at(h, cfgA.trainMax) >= 0.9 && at(h, pastA) >= 0.5,
      }))
      claims.push(claim(`addition without index hints is learned in distribution (${cfgA.trainMax} digits) but fails past it (${pastA} digits) (paper, Fig. 1: addition without index hints does not length-generalize)`, {
        measured: `${at(nh, cfgA.trainMax).toFixed(2)} → ${at(nh, pastA).toFixed(2)}`, expected: '≥ 0.9 → ≤ 0.1 exact match', holds: at(nh, cfgA.trainMax) >= 0.9 && at(nh, pastA) <= 0.1,
      }))
      metrics.addition = Object.fromEntries(Object.entries(addRes).map(([k, r]) => [k, { testLengths: r.testLengths, exactMatch: r.median }]))
    }

    const cfgP = config.copy
    let uniq: LengthGeneralizationResult | undefined
    let rep: LengthGeneralizationResult | undefined
    if (config.copyAndPacking) {
      const copySizes = { ...large, contextLength: cfgP.contextLength, model: { ...large.model, maxPositions: cfgP.maxPositions } }
      const copyRecipe: Recipe = { packing: cfgP.packing, positionOffsets: true }
      uniq = runLg('copy (unique)', copyTask({ symbols: cfgP.symbols }), cfgP.trainMax, cfgP.testLengths, cfgP.steps, cfgP.lr, [0], copyRecipe, 0.15, copySizes)
      rep = runLg('copy (repeated)', copyTask({ repeated: true, symbols: cfgP.repeatSymbols }), cfgP.trainMax, cfgP.testLengths, cfgP.steps, cfgP.lr, [0], copyRecipe, 0.15, copySizes)
      // The first test length at least 1.25× the training maximum.
      const past = (cfgP.testLengths.find((n) => n >= 1.25 * cfgP.trainMax) ?? cfgP.testLengths.at(-1)) as number
      const far = cfgP.testLengths.at(-1) as number
      claims.push(claim(`copy with unique tokens generalizes past its training length (${cfgP.trainMax} → ${past})`, {
        measured: at(uniq as LengthGeneralizationResult, past), expected: '≥ 0.5 exact match', holds: at(uniq as LengthGeneralizationResult, past) >= 0.5,
      }))
      claims.push(claim(`copy with repeated tokens is learned in distribution (length ${cfgP.trainMax}) …`, {
        measured: at(rep as LengthGeneralizationResult, cfgP.trainMax), expected: '≥ 0.5 exact match', holds: at(rep as LengthGeneralizationResult, cfgP.trainMax) >= 0.5,
      }))
      claims.push(claim(`… but falls to about 0 just past it (${far}), below unique-token copy there`, {
        measured: `${at(rep as LengthGeneralizationResult, far).toFixed(2)} vs ${at(uniq as LengthGeneralizationResult, far).toFixed(2)}`, expected: '≤ 0.1 and < unique', holds: at(rep as LengthGeneralizationResult, far) <= 0.1 && at(rep as LengthGeneralizationResult, far) < at(uniq as LengthGeneralizationResult, far),
      }))
    }

    // 3. The recipe matters: which ingredient trains the positions a longer test sample needs.
    const med = ablation.map((r) => at(r, beyond))
    metrics.ablation = Object.fromEntries(recipes.map(([label], i) => {
      const r = ablation[i] as LengthGeneralizationResult
      const l = cfgC.testLengths.indexOf(beyond)
      return [label, {
        [`median EM at ${beyond}`]: med[i],
        [`per seed at ${beyond}`]: r.exactMatch.map((row) => row[l]),
        [`median EM at ${cfgC.trainMax}, random position`]: at(r, cfgC.trainMax, true),
        [`median EM at ${beyond}, random position`]: at(r, beyond, true),
      }]
    }))
    const [mFull, mNoOff, mNoPack, mNeither] = med as [number, number, number | undefined, number | undefined]
    claims.push(claim(`without random position offsets, count's median exact match at ${beyond} drops (the recipe: offsets train every position a longer sample needs)`, {
      measured: `${mNoOff.toFixed(2)} vs ${mFull.toFixed(2)}`, expected: 'lower than the full recipe by ≥ 0.3', holds: mNoOff <= mFull - 0.3,
    }))
    if (config.copyAndPacking) {
      claims.push(claim(`without packing, count's median exact match at ${beyond} drops`, {
        measured: `${(mNoPack as number).toFixed(2)} vs ${mFull.toFixed(2)}`, expected: '< full recipe', holds: (mNoPack as number) < mFull,
      }))
      claims.push(claim(`without both, count is exact in distribution (${cfgC.trainMax}) but fails at ${beyond}`, {
        measured: `${at(ablation[3] as LengthGeneralizationResult, cfgC.trainMax).toFixed(2)} → ${(mNeither as number).toFixed(2)}`, expected: '≥ 0.9 → ≤ 0.1', holds: at(ablation[3] as LengthGeneralizationResult, cfgC.trainMax) >= 0.9 && (mNeither as number) <= 0.1,
      }))
      claims.push(claim(`without offsets, a length-${cfgC.trainMax} sample at a random position of the table fails (positions never trained)`, {
        measured: `${at(noOffsets, cfgC.trainMax, true).toFixed(2)} vs ${at(count, cfgC.trainMax, true).toFixed(2)} with offsets`, expected: 'lower by ≥ 0.3', holds: at(noOffsets, cfgC.trainMax, true) <= at(count, cfgC.trainMax, true) - 0.3,
      }))
    }

    // 4. --full: longer training lengths extend how far count generalizes.
    const reach: Array<{ trainMax: number; res: LengthGeneralizationResult }> = []
    if (ctx.full) {
      const cfgR = config.countReach
      const countR = countTask({ maxNumber: cfgR.maxNumber })
      for (const m of cfgR.trainMaxes) {
        reach.push({ trainMax: m, res: runLg(`count ≤ ${m}`, countR, m, cfgR.testLengths, cfgR.steps, cfgR.lr, [0], undefined, 0, large) })
      }
      const farthest = reach.map(({ res }) => Math.max(0, ...res.testLengths.filter((_, i) => (res.median[i] as number) >= 0.9)))
      metrics.countReach = Object.fromEntries(reach.map(({ trainMax }, i) => [trainMax, farthest[i]]))
      const increasing = farthest.every((v, i) => i === 0 || v >= (farthest[i - 1] as number)) && (farthest.at(-1) as number) > (farthest[0] as number)
      claims.push(claim('longer training lengths extend how far count stays ≥ 0.9 exact', {
        measured: farthest.join(' → '), expected: 'increasing with the training length', holds: increasing,
      }))
    }

    metrics.msPerStep = count.msPerStep
    metrics.count = { testLengths: count.testLengths, exactMatch: count.median, exactMatchRandomPosition: count.medianShifted }
    if (uniq) metrics.copyUnique = { testLengths: uniq.testLengths, exactMatch: uniq.median, exactMatchRandomPosition: uniq.medianShifted }
    if (rep) metrics.copyRepeated = { testLengths: rep.testLengths, exactMatch: rep.median, exactMatchRandomPosition: rep.medianShifted }
    ctx.log(`time per training step: ${count.msPerStep.toFixed(1)} ms (d = ${config.model.dModel}, ${config.model.layers} layers, batch ${config.batchSize} × ${config.contextLength} tokens, ${backend})`)
    figures['exact-match-vs-length'] = {
      kind: 'line',
      title: `Exact match vs test length (trained on lengths ≤ ${cfgC.trainMax} for count, ≤ ${cfgP.trainMax} for copy)`,
      x: { label: 'test length' },
      y: { label: 'exact match' },
      lines: [
        { name: 'count', x: count.testLengths, y: count.median },
        { name: 'parity', x: parity.testLengths, y: parity.median },
        ...Object.entries(addRes).map(([k, r]) => ({ name: `addition, ${k === 'hints' ? 'with' : 'without'} index hints (digits)`, x: r.testLengths, y: r.median })),
        ...(uniq ? [{ name: 'copy (unique)', x: uniq.testLengths, y: uniq.median }] : []),
        ...(rep ? [{ name: 'copy (repeated)', x: rep.testLengths, y: rep.median }] : []),
        ...reach.map(({ trainMax, res }) => ({ name: `count, train ≤ ${trainMax}`, x: res.testLengths, y: res.median })),
      ],
    }
    figures['recipe-ablation'] = {
      kind: 'line',
      title: `Count trained on lengths ≤ ${cfgC.trainMax}: exact match vs test length per recipe (median over seeds)`,
      x: { label: 'test length' },
      y: { label: 'exact match' },
      lines: recipes.map(([label], i) => {
        const r = ablation[i] as LengthGeneralizationResult
        const rows = r.exactMatch
        return {
          name: label, x: r.testLengths, y: r.median,
          lower: r.testLengths.map((_, l) => Math.min(...rows.map((row) => row[l] as number))),
          upper: r.testLengths.map((_, l) => Math.max(...rows.map((row) => row[l] as number))),
        }
      }),
    }
    ctx.progress(1, 'done')
    return { metrics, figures, claims }
  },
})
