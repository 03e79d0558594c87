#!/usr/bin/env node
/**
 * A tiny static file server for the built docs site (no dependencies): serves a folder under a URL
 * prefix (default '/', e.g. '/some/sub/folder/' to check that the site works from any folder) on
 * 127.0.0.1. `node tests/browser/server.mjs docs/dist [--port 4173] [--prefix /theoryml/]`
 * (`pnpm docs:serve`); the browser test imports serveStatic.
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.gz': 'application/gzip', '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
}

/**
 * Serve `root` at `http://127.0.0.1:<port><prefix>`; resolves to { url, close }. A path without an
 * extension is tried as `<path>.html`, a folder as `<folder>/index.html`; anything else is a 404.
 */
export function serveStatic({ root, prefix = '/', port = 0, onNotFound = () => {} }) {
  const base = path.resolve(root)
  if (!existsSync(path.join(base, 'index.html'))) throw new Error(`root: '${root}' has no index.html (run pnpm docs:build first)`)
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix: expected '/…/', got '${prefix}'`)
  const server = createServer((req, res) => {
    res.on('error', () => {})
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    let rel = decodeURIComponent(url.pathname)
    if (!rel.startsWith(prefix)) return notFound(res, req.url, onNotFound)
    rel = rel.slice(prefix.length)
    let file = path.join(base, rel)
    if (!file.startsWith(base)) return notFound(res, req.url, onNotFound)
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html')
    else if (!existsSync(file) && existsSync(`${file}.html`)) file = `${file}.html`
    if (!existsSync(file) || !statSync(file).isFile()) return notFound(res, req.url, onNotFound)
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    createReadStream(file).pipe(res)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address()
      resolve({ url: `http://127.0.0.1:${p}${prefix}`, close: () => new Promise((r) => server.close(() => r())) })
    })
  })
}

function notFound(res, url, onNotFound) {
  onNotFound(url)
  res.writeHead(404, { 'content-type': 'text/plain' })
  res.end('not found')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const opt = (name, dflt) => {
    const i = args.indexOf(name)
    return i >= 0 ? args.splice(i, 2)[1] : dflt
  }
  const port = Number(opt('--port', '4173'))
  const prefix = opt('--prefix', '/')
  const { url } = await serveStatic({ root: args[0] ?? 'docs/dist', prefix, port })
  console.log(`serving ${args[0] ?? 'docs/dist'} at ${url} (Ctrl-C stops)`)
}
