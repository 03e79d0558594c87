import { defineConfig } from 'tsup'
import { tsupConfig } from '../../tsup.base'

export default defineConfig(tsupConfig({ index: 'src/index.ts', node: 'src/node.ts', bin: 'src/bin.ts', 'sweep-worker': 'src/sweep-worker.ts' }))
