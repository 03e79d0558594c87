import { defineConfig } from 'tsup'
import { tsupConfig } from '../../tsup.base'

// Two entries: the browser-safe main entry and the Node-only data loader (`/node`, uses node:fs).
export default defineConfig(tsupConfig({ index: 'src/index.ts', node: 'src/node.ts' }))
