import type { Options } from 'tsup'

/**
 * Shared tsup settings: ESM + CJS with .d.ts/.d.cts, dependencies external. No shims: a shim
 * imports Node's `path`/`url` at the top of every bundle, which breaks browser bundling; code that
 * needs a file location lives in a `./node` entry and finds it itself. Source maps point into the
 * shipped `src/` instead of embedding it (`sourcesContent: false`), so no source ships twice.
 */
export function tsupConfig(entry: Record<string, string> | string[] = { index: 'src/index.ts' }): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: false,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    external: [/^@tensorflow\//, /^@theoryml\//],
    esbuildOptions(options) {
      options.sourcesContent = false
    },
  }
}
