import type { Options } from 'tsup'

/** Shared tsup settings: ESM + CJS with .d.ts/.d.cts, tfjs and workspace packages external. */
export function tsupConfig(entry: Record<string, string> | string[] = { index: 'src/index.ts' }): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: 'es2022',
    splitting: false,
    treeshake: true,
    external: [/^@tensorflow\//, /^@theoryml\//],
  }
}
