import path from 'node:path'
import { defineConfig } from 'vitest/config'

// `pnpm test:slurm`: the Slurm test only (it starts daemons and runs minutes; `pnpm test` leaves it out).
const conditions = ['@theoryml/source', 'module', 'import', 'default']
export default defineConfig({
  root: path.resolve(import.meta.dirname, '../..'),
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@theoryml/source'] } },
  test: {
    include: ['tests/slurm/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
