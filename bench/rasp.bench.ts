/**
 * @theoryml/rasp: one Adam training step of the small causal transformer (2 layers, 4 heads, d = 64,
 * MLP 256, vocabulary 32, batch 32 × 48 tokens, loss on all tokens) on tfjs-wasm, the forward pass
 * alone, and a RASP-L program over 200 tokens; reference: bench/reference/rasp.py (the same model in
 * PyTorch on the CPU, one thread, as tfjs-wasm runs on one).
 */
import { createRng } from '@theoryml/core'
import { initTf } from '@theoryml/core/tf'
import { additionSample, additionProgram } from '@theoryml/rasp'
import { batchLoss, createTransformer, type Batch, type Transformer } from '@theoryml/rasp/tf'
import type * as TF from '@tensorflow/tfjs'
import { defineBench } from './harness'

const V = 32
const B = 32
const T = 48
const D = 64
/**
 * Multiply–adds × 2 of one forward pass: per layer qkv 2·BT·d·3d, scores and A·V 2·2·B·T²·d,
 * output 2·BT·d², MLP 2·2·BT·d·4d; embeddings and unembedding 2·2·BT·d·V.
 */
const FORWARD_FLOPS = 2 * (2 * B * T * D * 3 * D + 2 * 2 * B * T * T * D + 2 * B * T * D * D + 2 * 2 * B * T * D * 4 * D) + 2 * 2 * B * T * D * V

function randomBatch(seed: number): Batch {
  const rng = createRng(seed)
  const tokens = new Int32Array(B * T)
  const targets = new Int32Array(B * T)
  for (let i = 0; i < B * T; i++) { tokens[i] = rng.int(V); targets[i] = rng.int(V) }
  return { tokens, targets, weights: new Float32Array(B * T).fill(1), batchSize: B, contextLength: T, offset: 0 }
}

interface State { tf: typeof TF; model: Transformer; opt: TF.Optimizer; batch: Batch }

async function setup(): Promise<State> {
  const { tf } = await initTf()
  const model = createTransformer({ vocabSize: V, maxPositions: 64, dModel: 64, heads: 4, layers: 2, rng: 0 })
  return { tf, model, opt: tf.train.adam(1e-3), batch: randomBatch(1) }
}

const addition = additionSample(Array.from({ length: 48 }, (_, i) => i % 10), Array.from({ length: 48 }, (_, i) => (3 * i) % 10), { reversed: true })

export default defineBench({
  name: 'rasp',
  reference: 'rasp.py',
  workloads: [
    {
      name: 'transformer train step (2L, 4H, d64, batch 32x48)',
      setup,
      run: (s: State) => s.tf.tidy(() => (s.opt.minimize(() => batchLoss(s.model, s.batch), true, s.model.variables) as TF.Scalar).dataSync()),
      repeat: 10,
      // ≈ 3 × the forward pass
      target: 2, flops: 3 * FORWARD_FLOPS, engine: 'tfjs',
    },
    {
      name: 'transformer forward (2L, 4H, d64, batch 32x48)',
      setup,
      run: (s: State) => s.tf.tidy(() => batchLoss(s.model, s.batch).dataSync()),
      repeat: 10,
      target: 2, flops: FORWARD_FLOPS, engine: 'tfjs',
    },
    {
      name: 'RASP-L reversed addition program, 48 digits (200 tokens)',
      run: () => additionProgram({ reversed: true })([...addition.prompt, ...addition.answer]),
      repeat: 5,
    },
  ],
  peaks: [
    {
      // The tfjs backend's 2-D matMul at the MLP's shape [B·T, d] × [d, 4d].
      name: 'tf.matMul [1536,64]×[64,256]',
      setup: async () => { const { tf } = await initTf(); return { tf, x: tf.randomNormal([B * T, D]), w: tf.randomNormal([D, 4 * D]) } },
      // (not inside tf.tidy: tidy walks a returned typed array entry by entry looking for tensors)
      run: (s: { tf: typeof TF; x: TF.Tensor2D; w: TF.Tensor2D }) => { const z = s.tf.matMul(s.x, s.w); z.dataSync(); z.dispose() },
      repeat: 20,
      flops: 2 * B * T * D * 4 * D,
      engine: 'tfjs',
    },
  ],
})
