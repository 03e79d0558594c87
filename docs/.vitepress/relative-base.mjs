#!/usr/bin/env node
/**
 * Make a VitePress build work from any folder of any static host. VitePress only builds for an
 * absolute base (`base: './'` is not supported), so `pnpm docs:build` builds for the placeholder
 * base '/__VPBASE__/' and this script rewrites it in `docs/dist`:
 * - HTML: links and assets become relative to the page (`./`, `../`, …); a first inline script sets
 *   `window.__VP_BASE__` to the folder the site was loaded from (the page's URL resolved against
 *   that same relative prefix) and makes VitePress's site data take it as its base, so the client
 *   router and the page-chunk loader compute the right absolute paths at run time;
 * - JS: the base literal becomes `self.__VP_BASE__` (the local search index is wrapped to replace it
 *   at load); CSS: `url(/__VPBASE__/assets/…)` becomes relative to the CSS file.
 * Fails if any placeholder is left. Usage: node docs/.vitepress/relative-base.mjs docs/dist
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const PLACEHOLDER = '/__VPBASE__/'
const root = path.resolve(process.argv[2] ?? 'docs/dist')

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const f = path.join(dir, name)
    if (statSync(f).isDirectory()) yield* files(f)
    else yield f
  }
}

/** The relative prefix from a file's folder to the site root: './' or '../../'. */
const prefixOf = (file) => {
  const depth = path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean).length
  return depth === 0 ? './' : '../'.repeat(depth)
}

const headScript = (prefix) =>
  `<script>window.__VP_BASE__=new URL(${JSON.stringify(prefix)},location.href).pathname;` +
  `(function(){var d;Object.defineProperty(window,'__VP_SITE_DATA__',{configurable:true,get:function(){return d},set:function(v){if(v)v.base=window.__VP_BASE__;d=v}})})()</script>`

let changed = 0
for (const file of files(root)) {
  const ext = path.extname(file)
  if (!['.html', '.js', '.css'].includes(ext)) continue
  let text = readFileSync(file, 'utf8')
  if (!text.includes(PLACEHOLDER) && ext !== '.html') continue
  const before = text
  if (ext === '.html') {
    const prefix = prefixOf(file)
    // Site data (inline metadata script): base set by the setter above; the rest of the page: relative.
    text = text.split(PLACEHOLDER).join(prefix)
    if (!text.includes('window.__VP_BASE__=')) text = text.replace(/<head>/, `<head>${headScript(prefix)}`)
  } else if (ext === '.js') {
    if (/@localSearchIndex/.test(path.basename(file))) {
      // `const t='{…"/__VPBASE__/page.html#…"…}';export{t as default}`: replace at load.
      // The placeholder becomes the escape \u0001 inside the string literal, replaced at load.
      text = text
        .split(PLACEHOLDER).join('\\u0001')
        .replace(/^const (\w+)=/, 'const $1=(')
        .replace(/;export\{(\w+) as default\};?\s*$/, ').split("\\u0001").join(self.__VP_BASE__);export{$1 as default};')
    } else {
      text = text.replaceAll(`"${PLACEHOLDER}"`, '(self.__VP_BASE__)')
      for (const q of ['"', "'", '`']) text = text.replaceAll(`${q}${PLACEHOLDER}`, `(self.__VP_BASE__)+${q}`)
    }
  } else {
    text = text.replaceAll(`url(${PLACEHOLDER}`, `url(${prefixOf(file)}`)
  }
  if (text !== before) {
    writeFileSync(file, text)
    changed++
  }
}
const left = [...files(root)].filter((f) => ['.html', '.js', '.css', '.json'].includes(path.extname(f)) && readFileSync(f, 'utf8').includes(PLACEHOLDER))
if (left.length) {
  console.error(`relative-base: the placeholder base is left in ${left.length} files, e.g. ${left.slice(0, 5).map((f) => path.relative(root, f)).join(', ')}`)
  process.exit(1)
}
console.log(`relative-base: ${changed} files of ${path.relative(process.cwd(), root) || '.'} rewritten to relative links`)
