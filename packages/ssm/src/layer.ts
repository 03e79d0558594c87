import * as tf from '@tensorflow/tfjs'
import type * as TF from '@tensorflow/tfjs'
import { assertInteger, assertKnownOptions, assertPositive, resolveRng, toVector, type Rng, type VectorLike } from '@theoryml/core'
import { tfjs } from '@theoryml/core/tf'

/** Options of {@link ssmLayer}. */
export interface SsmLayerOptions {
  /** State dimension N per channel. */
  stateDim: number
  /** Number of independent channels H (default 1). */
  channels?: number
  /** Complex diagonal A, B, C stored as pairs of reals (S4D/LRU style); default false (real). */
  complex?: boolean
  /** 'last' returns C h_L per channel, [batch, channels]; 'sequence' returns y_t for every t, [batch, L, channels]. Default 'last'. */
  output?: 'last' | 'sequence'
  /** Std of the Gaussian initialization of a, b, c (default 0.01). */
  initStd?: number
  /** Explicit initial values (channels·stateDim entries, channel-major); they replace the random ones. */
  initial?: { a?: VectorLike; b?: VectorLike; c?: VectorLike; aImag?: VectorLike; bImag?: VectorLike; cImag?: VectorLike }
  /** Seed or stream (default seed 0). */
  rng?: Rng | number
  /** Whether the variables are trainable (default true). */
  trainable?: boolean
}

/** A diagonal SSM layer on the tfjs track (float32): its variables, kernel and forward pass. */
export interface SsmLayer {
  readonly stateDim: number
  readonly channels: number
  readonly complex: boolean
  readonly output: 'last' | 'sequence'
  /** Real parts (and imaginary parts when complex) of a, b, c, each [channels, stateDim]. */
  readonly variables: TF.Variable[]
  /** Named variables: a, b, c (real parts) and aImag, bImag, cImag when complex. */
  readonly params: Record<string, TF.Variable>
  /**
   * Impulse response (the convolution kernel) k_h(j) = Re Σ_n c_{h,n} b_{h,n} a_{h,n}^j, j < length,
   * as [channels, length]: the float64 track's `impulseResponse(ssm, length)` of the same SSM.
   * Throws, as that one does, when the response overflows (float32 here: max|a| > 1 on long lengths).
   */
  impulseResponse(length: number): TF.Tensor2D
  /** Forward pass of x: [batch, L, channels] (or [batch, L] when channels = 1). */
  apply(x: TF.Tensor): TF.Tensor
  /** Dispose the variables (and the cached shift matrices); using the layer afterwards throws. Calling it again does nothing. */
  dispose(): void
}

/**
 * A diagonal (real or complex) linear SSM layer for tfjs models: per channel h,
 * s_t = diag(a_h) s_{t−1} + b_h x_{t,h}, y_{t,h} = Re(c_hᵀ s_t), computed as a causal convolution with
 * the kernel k_h(j) = Re Σ_n c_{h,n} b_{h,n} a_{h,n}^j (powers by repeated multiplication, so negative
 * and complex a are exact). The complex variant keeps real and imaginary parts as separate real
 * variables (the wasm backend has no complex dtype). Autodiff-ready: call inside tf.tidy / variableGrads.
 * @example
 * await initTf()
 * const layer = ssmLayer({ stateDim: 10, channels: 1, rng: 0 })
 * const y = layer.apply(tf.randomNormal([4, 6])) // [4, 1]
 * layer.dispose()
 */
export function ssmLayer(options: SsmLayerOptions): SsmLayer {
  tfjs() // throws until initTf() has run
  assertKnownOptions('ssmLayer', options, ['stateDim', 'channels', 'complex', 'output', 'initStd', 'initial', 'rng', 'trainable'])
  assertInteger('stateDim', options.stateDim, { min: 1 })
  const channels = options.channels ?? 1
  assertInteger('channels', channels, { min: 1 })
  const complex = options.complex ?? false
  const output = options.output ?? 'last'
  if (output !== 'last' && output !== 'sequence') throw new Error(`output: expected 'last' or 'sequence', got '${String(output)}'`)
  const initStd = options.initStd ?? 0.01
  assertPositive('initStd', initStd)
  const N = options.stateDim
  const H = channels
  const size = N * H
  const rng = resolveRng(options.rng)
  const trainable = options.trainable ?? true
  const initial = options.initial ?? {}
  assertKnownOptions('initial', initial, ['a', 'b', 'c', 'aImag', 'bImag', 'cImag'])
  const values = (name: keyof typeof initial): Float32Array => {
    const given = initial[name]
    return Float32Array.from(given !== undefined ? toVector(`initial.${name}`, given, size) : rng.fillNormal(new Float64Array(size), initStd))
  }
  const names = complex ? (['a', 'b', 'c', 'aImag', 'bImag', 'cImag'] as const) : (['a', 'b', 'c'] as const)
  // every value is drawn and checked before any variable exists: a bad `initial` leaks nothing
  const init = names.map(values)
  const params: Record<string, TF.Variable> = {}
  // inside tidy, the initial tensor is freed once the variable holds its data
  names.forEach((name, i) => (params[name] = tf.tidy(() => tf.variable(tf.tensor2d(init[i] as Float32Array, [H, N]), trainable))))
  const shiftCache = new Map<number, TF.Tensor2D>()
  const shift = (L: number): TF.Tensor2D => {
    // S[j, t·L + s] = 1 when t − s = j: K [H, L] · S gives the Toeplitz matrices [H, L·L]
    let s = shiftCache.get(L)
    if (!s) {
      const data = new Float32Array(L * L * L)
      for (let t = 0; t < L; t++) for (let u = 0; u <= t; u++) data[(t - u) * L * L + t * L + u] = 1
      s = tf.keep(tf.tensor2d(data, [L, L * L]))
      shiftCache.set(L, s)
    }
    return s
  }
  let disposed = false
  const alive = (): void => {
    if (disposed) throw new Error('layer: this ssmLayer was disposed; build a new one')
  }
  const kernel = (length: number): TF.Tensor2D => {
    assertInteger('length', length, { min: 1 })
    return tf.tidy(() => {
      const a = params.a as TF.Variable
      const b = params.b as TF.Variable
      const c = params.c as TF.Variable
      const cols: TF.Tensor[] = []
      if (!complex) {
        const cb = tf.mul(c, b)
        let p: TF.Tensor = cb
        for (let j = 0; j < length; j++) {
          cols.push(tf.sum(p, 1))
          if (j + 1 < length) p = tf.mul(p, a)
        }
      } else {
        const ai = params.aImag as TF.Variable
        const bi = params.bImag as TF.Variable
        const ci = params.cImag as TF.Variable
        // (c b) as a complex number, then multiplied by a repeatedly
        let pr: TF.Tensor = tf.sub(tf.mul(c, b), tf.mul(ci, bi))
        let pi: TF.Tensor = tf.add(tf.mul(c, bi), tf.mul(ci, b))
        for (let j = 0; j < length; j++) {
          cols.push(tf.sum(pr, 1))
          if (j + 1 < length) {
            const nr = tf.sub(tf.mul(pr, a), tf.mul(pi, ai))
            const ni = tf.add(tf.mul(pr, ai), tf.mul(pi, a))
            pr = nr
            pi = ni
          }
        }
      }
      return tf.stack(cols, 1) as TF.Tensor2D
    })
  }
  // The public kernel is checked like the float64 track's impulseResponse: a float32 overflow throws.
  const impulseResponse = (length: number): TF.Tensor2D => {
    alive()
    const K = kernel(length)
    const k = K.dataSync()
    for (let i = 0; i < k.length; i++) {
      if (!Number.isFinite(k[i] as number)) {
        const maxA = tf.tidy(() => (complex ? tf.sqrt(tf.add(tf.square(params.a as TF.Variable), tf.square(params.aImag as TF.Variable))) : tf.abs(params.a as TF.Variable)).max().dataSync()[0] as number)
        K.dispose()
        throw new Error(`a: the impulse response blows up in float32 (k(${i % length}) = ${k[i]} in channel ${Math.floor(i / length)}) because max|a_i| = ${maxA.toPrecision(4)} > 1`)
      }
    }
    return K
  }
  const apply = (x: TF.Tensor): TF.Tensor => {
    if (!x || typeof (x as TF.Tensor).rank !== 'number') throw new Error('x: expected a tf.Tensor [batch, L, channels]')
    const lifted = x.rank === 2 && H === 1
    if (!lifted && (x.rank !== 3 || x.shape[2] !== H)) throw new Error(`x: expected shape [batch, L, ${H}]${H === 1 ? ' or [batch, L]' : ''}, got [${x.shape.join(', ')}]`)
    const L = x.shape[1] as number
    alive()
    return tf.tidy(() => {
      if (lifted) x = tf.expandDims(x, 2) // inside tidy: the lifted copy is freed
      const K = kernel(L) // [H, L]
      if (output === 'last') {
        const rev = tf.transpose(tf.reverse(K, 1)) // [L, H]: rev[t, h] = k_h(L−1−t)
        return tf.sum(tf.mul(x, rev), 1) // [batch, H]
      }
      const T = tf.reshape(tf.matMul(K, shift(L)), [H, L, L]) // T[h, t, s] = k_h(t − s)
      const xt = tf.transpose(x, [2, 1, 0]) // [H, L, batch]
      return tf.transpose(tf.matMul(T, xt), [2, 1, 0]) // [batch, L, H]
    })
  }
  return {
    stateDim: N,
    channels: H,
    complex,
    output,
    variables: Object.values(params),
    params,
    impulseResponse,
    apply,
    dispose() {
      if (disposed) return
      disposed = true
      for (const v of Object.values(params)) v.dispose()
      for (const s of shiftCache.values()) s.dispose()
      shiftCache.clear()
    },
  }
}
