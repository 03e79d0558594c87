import { defineConfig } from 'tsup'
import { tsupConfig } from '../../tsup.base'

// Three entries: the browser-safe float64 root, the tfjs track (`./tf`) and the Node-only data loader (`./node`, uses node:fs).
export default defineConfig(tsupConfig({ index: 'src/index.ts', tf: 'src/tf.ts', node: 'src/node.ts' }))
