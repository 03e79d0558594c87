import { defineConfig } from 'tsup'
import { tsupConfig } from '../../tsup.base'

// Two entries: the float64 root (no tfjs) and the tfjs track (`./tf`).
export default defineConfig(tsupConfig({ index: 'src/index.ts', tf: 'src/tf.ts' }))
