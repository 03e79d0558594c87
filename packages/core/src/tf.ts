/**
 * @theoryml/core/tf: the tfjs track's setup. `initTf` loads `@tensorflow/tfjs` (an optional peer
 * dependency: one engine shared with the user's own tfjs) and starts a backend; `toTensor` /
 * `fromTensor` cross between the float64 and float32 tracks; `linear` and `tfOptimizer` are the
 * tfjs counterparts of core's float64 kernels and optimizers. Every function here (and every
 * package's `./tf` entry) needs `await initTf()` once first; none takes the tfjs namespace as an
 * argument. The root entry `@theoryml/core`
 * loads none of this, so a float64-only user installs no tfjs package.
 * @packageDocumentation
 */
import type * as TF from '@tensorflow/tfjs'
import { Matrix } from 'ml-matrix'
import { isNdArray, ndarray, type NdArray } from './ndarray'
import { setTfEngine, tfjs, tfState } from './tf-engine'
import { assertKnownOptions } from './validate'

export { linear, tfOptimizer } from './tf-ops'
export { tfjs } from './tf-engine'

/** A tfjs backend {@link initTf} can start. */
export type TfBackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu'

/** Options of {@link initTf}. */
export interface InitTfOptions {
  /**
   * 'auto' (default) tries, in Node, wasm then cpu; in a browser webgpu (when
   * `@tensorflow/tfjs-backend-webgpu` is installed), webgl, wasm, then cpu. A name forces that
   * backend (falling back to cpu with a warning, or throwing with `strict`).
   */
  backend?: 'auto' | TfBackendName
  /**
   * Where the `@tensorflow/tfjs-backend-wasm` binaries (`tfjs-backend-wasm.wasm`,
   * `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`) are served: a folder URL
   * ending in '/'. Needed in a browser (a bundler does not copy them); found automatically in Node.
   */
  wasmPaths?: string
  /** Throw instead of falling back when the requested backend (with 'auto': any but cpu) cannot start (default false). */
  strict?: boolean
  /** Print a one-line warning when a backend fails to start and another is used (default true). */
  warn?: boolean
}

/** What {@link initTf} set up. */
export interface TfContext {
  /** The `@tensorflow/tfjs` namespace: the same engine instance the user's own tfjs and the domain packages use. */
  tf: typeof TF
  /** The active backend. */
  backend: TfBackendName
}


const isNode = (): boolean =>
  typeof globalThis.process === 'object' && typeof (globalThis.process as { versions?: { node?: string } }).versions?.node === 'string'

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0] as string

async function loadTfjs(): Promise<typeof TF> {
  try {
    // The union package registers gradients and chained tensor methods and loads in Node and browsers.
    return (await import('@tensorflow/tfjs')) as typeof TF
  } catch (err) {
    throw new Error(
      `initTf: the tfjs track needs the package '@tensorflow/tfjs' (npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm); it could not be loaded: ${firstLine(err)}`,
    )
  }
}

function silenceNodeBanner(tf: typeof TF): void {
  // The cpu backend prints an "install tfjs-node" banner on first use in Node; mark it used.
  const backend = tf.engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null
  if (backend && 'firstUse' in backend) backend.firstUse = false
}

/** Register a backend package (a dynamic import: bundled when installed, skipped when not). */
async function registerBackend(tf: typeof TF, name: TfBackendName, wasmPaths: string | undefined): Promise<string | null> {
  if (name === 'cpu' || name === 'webgl') return null // registered by @tensorflow/tfjs
  try {
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm')
      if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths)
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    } else if (tf.findBackendFactory('webgpu') === null) {
      await import('@tensorflow/tfjs-backend-webgpu')
    }
    return null
  } catch (err) {
    return `package '@tensorflow/tfjs-backend-${name}' could not be loaded (${firstLine(err)})`
  }
}

async function start(tf: typeof TF, name: TfBackendName, wasmPaths: string | undefined): Promise<string | null> {
  const missing = await registerBackend(tf, name, wasmPaths)
  if (missing) return missing
  if (tf.findBackendFactory(name) === null) return 'it is not registered'
  // tfjs logs its own line and resolves false when a backend's initialization fails.
  const ok = await tf.setBackend(name).catch(() => false)
  if (!ok) {
    return name === 'wasm' && !isNode()
      ? `its .wasm files could not be fetched or compiled (serve them and pass initTf({ wasmPaths: '<folder URL>/' }))`
      : 'it failed to initialize'
  }
  return null
}

/** The first backend of `candidates` that starts (null when none does); each failure is added to `failures`. */
async function firstBackend(tf: typeof TF, candidates: readonly TfBackendName[], want: string, wasmPaths: string | undefined, failures: string[]): Promise<TfBackendName | null> {
  for (const name of candidates) {
    const why = await start(tf, name, wasmPaths)
    if (why === null) return name
    // In a browser, 'auto' tries webgpu only where its package is installed: not having it is no failure.
    if (!(want === 'auto' && name === 'webgpu' && why.startsWith('package'))) failures.push(`${name}: ${why}`)
  }
  return null
}

type NodeProcess = { listeners(event: string): Array<(...args: unknown[]) => void>; removeListener(event: string, listener: (...args: unknown[]) => void): unknown }

/**
 * In Node, remember the 'uncaughtException' and 'unhandledRejection' handlers; the returned function
 * removes any handler added since (elsewhere: does nothing).
 */
function snapshotProcessHandlers(): () => void {
  if (!isNode()) return () => {}
  const proc = globalThis.process as unknown as NodeProcess
  const events = ['uncaughtException', 'unhandledRejection']
  const before = events.map((e) => new Set(proc.listeners(e)))
  return () => {
    events.forEach((e, i) => {
      for (const l of proc.listeners(e)) if (!before[i]!.has(l)) proc.removeListener(e, l)
    })
  }
}

/**
 * Load `@tensorflow/tfjs` and start a backend, once: in Node the wasm backend (SIMD, no threads;
 * its binaries are found inside the installed package), in a browser WebGPU, WebGL, wasm, cpu in
 * that order. A backend that cannot start is reported by a warning naming the cause (or an error
 * with `strict: true`), never skipped in silence. Idempotent: later calls with the same options
 * return the same context. Throws an error naming `@tensorflow/tfjs` when it is not installed.
 * In Node, handlers the wasm backend's emscripten module adds to `process` ('uncaughtException',
 * 'unhandledRejection') are removed again: an uncaught error in the user's script exits 1 with its own stack.
 * @example const { tf, backend } = await initTf() // backend === 'wasm' in Node
 * @example await initTf({ backend: 'wasm', wasmPaths: '/assets/tfjs-wasm/', strict: true }) // in a browser
 */
export async function initTf(options: InitTfOptions = {}): Promise<TfContext> {
  assertKnownOptions('initTf', options, ['backend', 'wasmPaths', 'strict', 'warn'])
  const want = options.backend ?? 'auto'
  if (!['auto', 'wasm', 'cpu', 'webgl', 'webgpu'].includes(want)) {
    throw new Error(`backend: expected 'auto', 'wasm', 'cpu', 'webgl' or 'webgpu', got '${String(want)}'`)
  }
  if (options.wasmPaths !== undefined && (typeof options.wasmPaths !== 'string' || options.wasmPaths === '')) {
    throw new Error(`wasmPaths: expected a folder URL ending in '/', got ${JSON.stringify(options.wasmPaths)}`)
  }
  const key = JSON.stringify([want, options.wasmPaths ?? null, options.strict ?? false])
  const state = tfState()
  if (state.setup && (key === state.key || (want === 'auto' && options.wasmPaths === undefined))) return state.setup as Promise<TfContext>
  const setup = (async (): Promise<TfContext> => {
    const tf = await loadTfjs()
    setTfEngine(tf)
    silenceNodeBanner(tf)
    const strict = options.strict ?? false
    const warn = options.warn ?? true
    const candidates: TfBackendName[] = want !== 'auto' ? [want] : isNode() ? ['wasm'] : ['webgpu', 'webgl', 'wasm']
    const failures: string[] = []
    let backend: TfBackendName | null = null
    // The wasm backend's emscripten module installs process handlers that rethrow every uncaught
    // error from inside the handler: Node then exits with code 7 and prints the minified module
    // source. Whatever handlers starting a backend adds are removed again, so a user's uncaught
    // error exits 1 with the user's stack, as without tfjs.
    const restoreHandlers = snapshotProcessHandlers()
    try {
      backend = await firstBackend(tf, candidates, want, options.wasmPaths, failures)
    } finally {
      restoreHandlers()
    }
    if (backend === null) {
      if (want === 'cpu' || candidates.length === 0) backend = 'cpu'
      else if (strict) throw new Error(`initTf: backend '${want}' could not start (${failures.join('; ')})`)
      else {
        if (warn) console.warn(`theoryml: tfjs backend ${failures.join('; ')}; using cpu`)
        backend = 'cpu'
      }
      if (!(await tf.setBackend('cpu'))) throw new Error('initTf: even the cpu backend could not start')
    } else if (failures.length && warn) {
      console.warn(`theoryml: tfjs backend ${failures.join('; ')}; using ${backend}`)
    }
    const restoreAgain = snapshotProcessHandlers()
    try {
      await tf.ready()
    } finally {
      restoreAgain()
    }
    return { tf, backend }
  })()
  state.setup = setup
  state.key = key
  setup.catch(() => {
    if (state.setup === setup) state.setup = state.key = null
  })
  return setup
}

/**
 * Convert a float64 n-d array, a `Matrix` or nested arrays to a float32 tf tensor.
 * @example const t = toTensor(ndarray([1, 2, 3, 4], [2, 2]))
 */
export function toTensor(x: NdArray | Matrix | readonly (readonly number[])[]): TF.Tensor {
  const tf = tfjs()
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
