import { defineConfig } from 'tsup'
import { tsupConfig } from '../../tsup.base'

// Three entries: the browser-safe float64 root (no tfjs), the tfjs track (`./tf`) and the Node-only loaders of the shipped data (`./node`, uses node:fs).
export default defineConfig(tsupConfig({ index: 'src/index.ts', tf: 'src/tf.ts', node: 'src/node.ts' }))
