import type * as TF from '@tensorflow/tfjs-core'
import { Matrix } from 'ml-matrix'
import { isNdArray, ndarray, type NdArray } from './ndarray'
import { assertKnownOptions } from './validate'

/** Options of {@link initTf}. */
export interface InitTfOptions {
  /** 'auto' tries wasm then cpu; 'wasm' or 'cpu' forces one (wasm falls back to cpu with a warning). */
  backend?: 'auto' | 'wasm' | 'cpu' | 'webgl' | 'webgpu'
  /** Folder (or URL prefix) of the tfjs-backend-wasm `.wasm` files; found automatically in Node. */
  wasmPaths?: string
  /** Print the one-line fallback warning (default true). */
  warn?: boolean
}

/** What {@link initTf} set up. */
export interface TfContext {
  /** The tfjs-core namespace, the same engine instance the domain packages use. */
  tf: typeof TF
  /** The active backend name ('wasm', 'cpu', …). */
  backend: string
}

let current: Promise<TfContext> | null = null
let currentBackend: string | null = null

const isNode = (): boolean =>
  typeof globalThis.process === 'object' && typeof (globalThis.process as { versions?: { node?: string } }).versions?.node === 'string'

async function nodeWasmDir(): Promise<string | undefined> {
  try {
    const spec = 'node:module'
    const mod = (await import(/* @vite-ignore */ spec)) as typeof import('node:module')
    const req = mod.createRequire(import.meta.url)
    const main = req.resolve('@tensorflow/tfjs-backend-wasm')
    // main is …/tfjs-backend-wasm/dist/<entry>.js; the .wasm binaries sit in that dist folder.
    return main.slice(0, main.lastIndexOf('/dist/') + '/dist/'.length)
  } catch {
    return undefined
  }
}

function silenceNodeBanner(tf: typeof TF): void {
  // The cpu backend prints a "install tfjs-node" banner on first use in Node; mark it used.
  const backend = tf.engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null
  if (backend && 'firstUse' in backend) backend.firstUse = false
}

/**
 * Set up the tfjs engine once: in Node the wasm backend (SIMD, no threads) with its binaries found
 * inside the installed package, falling back to cpu with a one-line warning. Idempotent: later calls
 * return the same context (a different backend request switches the backend).
 * @example const { tf, backend } = await initTf() // backend === 'wasm' in Node
 */
export async function initTf(options: InitTfOptions = {}): Promise<TfContext> {
  assertKnownOptions('initTf', options, ['backend', 'wasmPaths', 'warn'])
  const want = options.backend ?? 'auto'
  if (!['auto', 'wasm', 'cpu', 'webgl', 'webgpu'].includes(want)) {
    throw new Error(`backend: expected 'auto', 'wasm', 'cpu', 'webgl' or 'webgpu', got '${String(want)}'`)
  }
  if (current && (want === 'auto' || want === currentBackend)) return current
  const setup = (async (): Promise<TfContext> => {
    const tf = await import('@tensorflow/tfjs-core')
    // Gradients and chained tensor methods (t.reshape(…)), which plain tfjs-core does not register;
    // bundled from tfjs-core at install time (scripts/bundle-tfjs-extras.mjs).
    await import('./generated/tfjs-core-extras.js')
    await import('@tensorflow/tfjs-backend-cpu')
    silenceNodeBanner(tf)
    const warn = options.warn ?? true
    let backend = 'cpu'
    if (want === 'auto' || want === 'wasm') {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm')
        const dir = options.wasmPaths ?? (isNode() ? await nodeWasmDir() : undefined)
        if (dir !== undefined) wasm.setWasmPaths(dir)
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
        if (await tf.setBackend('wasm')) backend = 'wasm'
      } catch (err) {
        if (warn) console.warn(`theoryml: tfjs wasm backend unavailable (${(err as Error).message.split('\n')[0]}); using cpu`)
      }
    } else if (want === 'webgl' || want === 'webgpu') {
      if (await tf.setBackend(want).catch(() => false)) backend = want
      else if (warn) console.warn(`theoryml: tfjs ${want} backend unavailable; using cpu`)
    }
    if (backend === 'cpu') await tf.setBackend('cpu')
    await tf.ready()
    currentBackend = backend
    return { tf, backend }
  })()
  current = setup
  return setup
}

/**
 * Convert a float64 n-d array, a `Matrix` or nested arrays to a float32 tf tensor.
 * @example const t = toTensor(tf, ndarray([1, 2, 3, 4], [2, 2]))
 */
export function toTensor(tf: typeof TF, x: NdArray | Matrix | readonly (readonly number[])[]): TF.Tensor {
  if (isNdArray(x)) return tf.tensor(Float32Array.from(x.data), [...x.shape])
  const m = Matrix.isMatrix(x) ? (x as Matrix) : new Matrix(x as number[][])
  return tf.tensor2d(Float32Array.from(m.to1DArray()), [m.rows, m.columns])
}

/**
 * Read a tf tensor back into a float64 n-d array (synchronously).
 * @example fromTensor(tf.ones([2, 2])).data // Float64Array [1, 1, 1, 1]
 */
export function fromTensor(t: TF.Tensor): NdArray {
  return ndarray(Float64Array.from(t.dataSync() as Float32Array), t.shape)
}
