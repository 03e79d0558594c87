/**
 * The documentation site (VitePress): the guides in docs/, one page per paper (docs/<example>.md,
 * each with a live demo), and the API reference that typedoc writes to docs/api/ as Markdown
 * (`pnpm docs:api`, run by docs:dev and docs:build). See docs/site.md for how it is built.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type DefaultTheme } from 'vitepress'
import { PAPERS } from '../demo/papers'

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const root = path.resolve(docs, '..')

/**
 * The static files the demos fetch, copied into docs/public/ (git-ignored) so that dev and build
 * serve them from the site itself: the tfjs wasm binaries (initTf({ wasmPaths })) and the Cora copy
 * shipped in @theoryml/gnn-walk-index (parsed in the page's worker by the package's parseCora), and the
 * real data sets of @theoryml/tensor-factorization (read by its shippedDataset).
 */
function copySiteAssets(): void {
  const require = createRequire(import.meta.url)
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')
  const copies: Array<[string, string]> = [
    ...readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).map((f): [string, string] => [path.join(wasmDir, f), path.join('tfjs-wasm', f)]),
    ...readdirSync(path.join(root, 'packages/gnn-walk-index/data/cora'))
      .filter((f) => f.endsWith('.gz'))
      .map((f): [string, string] => [path.join(root, 'packages/gnn-walk-index/data/cora', f), path.join('data', 'cora', f)]),
    ...readdirSync(path.join(root, 'packages/tensor-factorization/data'))
      .filter((f) => f.endsWith('.csv.gz'))
      .map((f): [string, string] => [path.join(root, 'packages/tensor-factorization/data', f), path.join('data', 'tensor-factorization', f)]),
  ]
  for (const [from, to] of copies) {
    const dest = path.join(docs, 'public', to)
    mkdirSync(path.dirname(dest), { recursive: true })
    if (!existsSync(dest) || !readFileSync(dest).equals(readFileSync(from))) copyFileSync(from, dest)
  }
}
copySiteAssets()

/** Guides in docs/ besides the ones the sidebar names and the paper pages (clusters, benchmarks, …), titled by their first heading. */
function otherGuides(): DefaultTheme.SidebarItem[] {
  const named = new Set(['index', 'README', 'DESIGN', 'CONTRIBUTING', 'consumers', 'site', ...PAPERS.map((p) => p.name)])
  return readdirSync(docs)
    .filter((f) => f.endsWith('.md') && !named.has(f.slice(0, -3)))
    .sort()
    .map((f) => {
      const heading = /^# (.+)$/m.exec(readFileSync(path.join(docs, f), 'utf8'))?.[1] ?? f.slice(0, -3)
      return { text: heading.split(' — ')[0]!.replace(/`/g, ''), link: `/${f.slice(0, -3)}` }
    })
}

/** The API pages typedoc-vitepress-theme lists (docs/api/typedoc-sidebar.json), when generated. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = path.join(docs, 'api', 'typedoc-sidebar.json')
  if (!existsSync(file)) return [{ text: 'run pnpm docs:api to generate', link: '/' }]
  // The packages only (each package's page lists its members): the whole tree of ~500 entries,
  // rendered into every page's HTML, made the site 140 MB.
  // A package with several entries lists them (its root entry, ./tf, ./node) one level down.
  const entryNames: Record<string, string> = { index: 'root entry', tf: './tf (tfjs track)', node: './node (Node only)' }
  const items = JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[]
  return items.map(({ text, link, items: children }) => {
    const entries = (children ?? []).filter((c) => c.link && c.text && c.text in entryNames)
    return {
      text: text ?? '',
      link: link ?? '/api/',
      ...(entries.length ? { collapsed: true, items: entries.map((c) => ({ text: entryNames[c.text!]!, link: c.link! })) } : {}),
    }
  })
}

// `pnpm docs:build` builds under a placeholder base that scripts/docs-relative.mjs then rewrites
// into relative links (VitePress itself only knows absolute bases), so the site works from any
// folder of any static host. DOCS_BASE=/theoryml/ builds for one known absolute base instead.
const base = process.env.DOCS_BASE ?? (process.env.DOCS_RELATIVE === '1' ? '/__VPBASE__/' : '/')

/**
 * Paper pages (docs/<example>.md) get the live demo under their title: a markdown-it rule inserts
 * the component, so the guides themselves stay plain Markdown that reads the same on GitHub.
 */
function insertDemo(md: { core: { ruler: { push: (name: string, rule: (state: any) => void) => void } } }): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  md.core.ruler.push('theoryml-demo', (state) => {
    const name = String(state.env?.relativePath ?? '').replace(/\.md$/, '')
    if (!PAPERS.some((p) => p.name === name)) return
    const at = state.tokens.findIndex((t: { type: string; tag: string }) => t.type === 'heading_close' && t.tag === 'h1')
    const token = new state.Token('html_block', '', 0)
    token.content = `<ClientOnly><PaperDemo name="${name}" /></ClientOnly>\n`
    state.tokens.splice(at + 1, 0, token)
  })
}

export default defineConfig({
  title: 'theoryml',
  description: 'Theoretical-ML primitives in TypeScript, with reproductions of the papers’ headline results that run in your browser.',
  base,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: `${base}favicon.svg` }]],
  outDir: 'dist',
  cacheDir: '.vitepress/cache',
  cleanUrls: false,
  srcExclude: ['dist/**', 'public/**'],
  // Links from the guides to the repository's files outside docs/ (examples/, scripts/: files, not pages).
  ignoreDeadLinks: [/(^|\/)\.\.\//],
  // No {attrs} syntax: the guides' formulas (e_{y⁺_k}) are text, not attributes.
  markdown: { attrs: { disable: true }, config: (md) => insertDemo(md as never) },
  themeConfig: {
    nav: [
      { text: 'Guides', link: '/README' },
      { text: 'Papers', link: `/${PAPERS[0]!.name}` },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guides',
        items: [
          { text: 'Overview', link: '/README' },
          { text: 'Design', link: '/DESIGN' },
          { text: 'Contributing', link: '/CONTRIBUTING' },
          { text: 'Using theoryml from npm', link: '/consumers' },
          ...otherGuides(),
          { text: 'This site', link: '/site' },
        ],
      },
      { text: 'Papers (live demos)', items: PAPERS.map((p) => ({ text: p.title, link: `/${p.name}` })) },
      { text: 'API reference', collapsed: true, items: apiSidebar() },
    ],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
  vite: {
    resolve: {
      // The workspace packages' source entries (as the CLI runs them), not their dist builds.
      conditions: ['@theoryml/source'],
      // gnn-walk-index's example imports loadCora from the Node-only entry; in the site that entry is
      // docs/demo/cora-browser.ts (Cora fetched from the site and parsed by the package's parseCora).
      // Likewise the entanglement example's loadDigits/loadBreastCancer (docs/demo/tf-data-browser.ts).
      alias: [
        { find: /^@theoryml\/gnn-walk-index\/node$/, replacement: path.join(docs, 'demo', 'cora-browser.ts') },
        { find: /^@theoryml\/tensor-factorization\/node$/, replacement: path.join(docs, 'demo', 'tf-data-browser.ts') },
      ],
    },
    worker: { format: 'es' },
    server: { fs: { allow: [root] } },
    build: { chunkSizeWarningLimit: 4000 },
  },
})
