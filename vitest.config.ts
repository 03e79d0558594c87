import { configDefaults, defineConfig } from 'vitest/config'

// Tests run against the TypeScript sources through the '@theoryml/source' export condition.
export default defineConfig({
  resolve: { conditions: ['@theoryml/source', 'module', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@theoryml/source', 'module', 'import', 'default'], externalConditions: ['@theoryml/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    // The Slurm test starts daemons and runs for minutes: `pnpm test:slurm` (tests/slurm/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'tests/slurm/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on the 2-core CI machine: tfjs (wasm) and the float64 loops are single-threaded.
    maxWorkers: 2,
  },
})
