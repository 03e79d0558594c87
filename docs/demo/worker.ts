/**
 * The demo's Web Worker: imports the example's own module (examples/<name>/run.ts, the one the CLI
 * runs) and runs it through lab's runExperiment with the page's seed and config override, posting
 * progress, log lines, each figure's Vega-Lite spec (lab's figureSpec, as the CLI renders them) and
 * at the end the claims. The page stops a run by terminating the worker.
 */
import { figureSpec, resolveConfig, runExperiment, type AnyExperiment } from '@theoryml/lab'

const EXAMPLES: Record<string, () => Promise<{ default: AnyExperiment }>> = {
  'least-squares': () => import('../../examples/least-squares/run'),
  'linear-nets': () => import('../../examples/linear-nets/run'),
  'tensor-factorization': () => import('../../examples/tensor-factorization/run'),
  entanglement: () => import('../../examples/entanglement/run'),
  'ssm-poisoning': () => import('../../examples/ssm-poisoning/run'),
  'lqr-extrapolation': () => import('../../examples/lqr-extrapolation/run'),
  'gnn-walk-index': () => import('../../examples/gnn-walk-index/run'),
  'likelihood-displacement': () => import('../../examples/likelihood-displacement/run'),
  'vanishing-gradients': () => import('../../examples/vanishing-gradients/run'),
  'length-generalization': () => import('../../examples/length-generalization/run'),
}

export interface StartMessage {
  name: string
  seed: number
  config: Record<string, unknown>
  /** Absolute URL of the folder of the tfjs wasm binaries, when the example runs on tfjs. */
  wasmPaths?: string
  /** Force a tfjs backend ('auto' by default: webgpu, webgl, wasm). */
  backend?: 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu'
  /** Absolute URL of the folder of the Cora .gz files, for gnn-walk-index. */
  cora?: string
  /** Absolute URL of the folder of tensor-factorization's shipped .csv.gz data sets, for entanglement. */
  datasets?: string
  /** Only resolve the configuration and post it (the page's inputs show its values). */
  describe?: boolean
}

export type WorkerMessage =
  | { type: 'backend'; backend: string; note?: string | undefined }
  | { type: 'progress'; fraction: number; label?: string | undefined }
  | { type: 'log'; message: string }
  | { type: 'config'; config: unknown }
  | { type: 'figure'; name: string; spec: Record<string, unknown> }
  | { type: 'done'; claims: unknown[]; seconds: number; config: unknown }
  | { type: 'error'; message: string }

const post = (m: WorkerMessage): void => (self as unknown as Worker).postMessage(m)

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i

/**
 * The backend 'auto' means on this page: WebGPU, then WebGL, then wasm, as initTf orders them,
 * except that a GPU emulated in software (a fallback WebGPU adapter, WebGL on SwiftShader or
 * llvmpipe, as in headless Chromium without a GPU) is skipped: there the wasm backend is 3–4 times
 * faster for these small models (vanishing-gradients: 50 s against 174 s on SwiftShader WebGL).
 */
async function pickBackend(): Promise<{ backend: 'webgpu' | 'webgl' | 'wasm'; note?: string }> {
  const skipped: string[] = []
  const gpu = (navigator as unknown as { gpu?: { requestAdapter: () => Promise<{ isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } } | null> } }).gpu
  if (gpu) {
    try {
      const adapter = await gpu.requestAdapter()
      if (adapter && !(adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter)) return { backend: 'webgpu' }
      skipped.push(adapter ? 'WebGPU: software fallback adapter' : 'WebGPU: no adapter')
    } catch {
      skipped.push('WebGPU: no adapter')
    }
  } else skipped.push('WebGPU: not available')
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info')
      const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
      if (!SOFTWARE.test(renderer)) return { backend: 'webgl' }
      skipped.push(`WebGL: software-rendered (${renderer.split('(')[0]!.trim()})`)
    } else skipped.push('WebGL: not available')
  } catch {
    skipped.push('WebGL: not available')
  }
  return { backend: 'wasm', note: skipped.join('; ') }
}

self.onmessage = async (event: MessageEvent<StartMessage>) => {
  const msg = event.data
  try {
    const load = EXAMPLES[msg.name]
    if (!load) throw new Error(`unknown example '${msg.name}'`)
    if (msg.describe) {
      post({ type: 'config', config: resolveConfig((await load()).default, { config: msg.config }) })
      return
    }
    if (msg.wasmPaths) {
      // Started here, once, with the site's wasm folder; the example's own initTf() gets the same engine.
      const { initTf } = await import('@theoryml/core/tf')
      const want = msg.backend && msg.backend !== 'auto' ? { backend: msg.backend, note: 'chosen by the URL' } : await pickBackend()
      const { backend } = await initTf({ wasmPaths: msg.wasmPaths, backend: want.backend, warn: false })
      post({ type: 'backend', backend, note: backend === want.backend ? want.note : `${want.backend} did not start` })
    }
    if (msg.cora) {
      post({ type: 'progress', fraction: 0, label: 'fetching Cora' })
      const { fetchCora, provideCora } = await import('./cora-browser')
      provideCora(await fetchCora(msg.cora))
    }
    if (msg.datasets) {
      post({ type: 'progress', fraction: 0, label: 'fetching the data sets' })
      const { fetchDatasets, provideDatasets } = await import('./tf-data-browser')
      provideDatasets(await fetchDatasets(msg.datasets))
    }
    const experiment = (await load()).default
    post({ type: 'config', config: resolveConfig(experiment, { config: msg.config }) })
    let last = 0
    const result = await runExperiment(experiment, {
      seed: msg.seed,
      config: msg.config,
      progress: (fraction, label) => {
        const now = performance.now()
        if (fraction >= 1 || now - last > 100) {
          last = now
          post({ type: 'progress', fraction, label })
        }
      },
      log: (message) => post({ type: 'log', message }),
    })
    for (const [name, figure] of Object.entries(result.figures)) post({ type: 'figure', name, spec: figureSpec(figure) })
    post({ type: 'done', claims: result.claims, seconds: result.seconds, config: result.config })
  } catch (err) {
    post({ type: 'error', message: String((err as Error)?.stack ?? err) })
  }
}
