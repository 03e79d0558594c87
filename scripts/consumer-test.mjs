#!/usr/bin/env node
/**
 * Consumer test: what a user gets from npm. Packs every package (after `pnpm build`) into a temp
 * folder outside the workspace, installs the tarballs with npm into scratch projects (no workspace
 * links), and checks, from there:
 *   - the tarballs: size, LICENSE, no src/generated, no source shipped twice, no workspace: ranges;
 *   - an ESM and a CJS script that load every entry (root, ./tf, ./node) and call real functions;
 *     core's DivergenceError across the ESM and CJS builds;
 *   - a TypeScript consumer under node16, nodenext and bundler resolution (skipLibCheck false);
 *   - a browser app bundled by esbuild (no aliases, no externals), run in Debian's chromium via
 *     playwright-core: float64 bits equal Node's, tfjs on the wasm backend, no console errors;
 *   - the installed `theoryml` bin on the user's own examples/<name>/run.ts and run.js;
 *   - a float64-only install (core + linear-nets, no tfjs).
 * Prints `ok - …` / `not ok - …` per check and a final `N passed, M failed`; exits 1 on a failure.
 *
 * Usage: node scripts/consumer-test.mjs   (or `pnpm test:consumer`)
 * Env: THEORYML_CONSUMER_KEEP=1 keeps the temp folders; CHROMIUM=/path overrides /usr/bin/chromium.
 * The scratch projects install playwright-core, esbuild, tsx and typescript themselves, so the
 * workspace needs none of them for this script.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { classifyTscOutput } from './consumer/tsc-errors.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(repo, 'scripts', 'consumer', 'fixtures')
const t0 = Date.now()
const PACKAGES = ['core', 'lab', 'linear-nets', 'tensor-factorization', 'ssm', 'rl-lqr', 'preference-opt', 'gnn-walk-index', 'rasp']
const TFJS = ['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0']
// playwright-core drives the system chromium over CDP: 1.65 (latest when written) runs Debian
// bookworm's chromium 156. The TypeScript check uses the default `types` (every @types package
// installed, as a consumer's tsconfig does by default) and lib es2022 + dom (tfjs's types need dom).
const TOOLS = ['typescript@~5.9.3', 'esbuild@^0.27', 'tsx@^4', 'playwright-core@~1.65.2']
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error']
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

// ---------------------------------------------------------------- reporting

let passed = 0
const failures = []
const elapsed = () => ((Date.now() - t0) / 1000).toFixed(0)
const ok = (name) => { passed++; console.log(`ok - ${name}`) }
const notOk = (name, why) => { failures.push(`${name}: ${why}`); console.log(`not ok - ${name}: ${why}`) }
const check = (name, cond, why) => { if (cond) ok(name); else notOk(name, why); return !!cond }
const info = (text) => console.log(`# ${text}`)
const section = (title) => console.log(`\n# === ${title} (${elapsed()} s)`)
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

// ---------------------------------------------------------------- processes

// Child npm/npx must not inherit pnpm's npm_config_* settings when run through `pnpm test:consumer`.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_|^pnpm_/i.test(k)))
cleanEnv.npm_config_update_notifier = 'false'

/** Run a command synchronously; never throws. */
function run(cmd, args, { cwd = repo, timeoutMs = 180_000, env = cleanEnv } = {}) {
  const started = Date.now()
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })
  const code = r.error ? (r.error.code === 'ETIMEDOUT' ? 124 : 127) : r.status ?? (r.signal ? 128 : 1)
  return { code, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''), ms: Date.now() - started }
}

const lastLines = (text, n = 3) => text.trim().split('\n').slice(-n).join(' | ').slice(0, 600)

/**
 * Run a fixture script and forward its `ok - …` / `not ok - …` lines as checks; other lines are
 * printed as comments. A crash (non-zero exit with no `not ok`) is a failure of its own.
 */
function runFixture(label, cmd, args, opts) {
  const r = run(cmd, args, opts)
  let sawNotOk = false
  let checks = 0
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('ok - ')) { ok(line.slice(5)); checks++ }
    else if (line.startsWith('not ok - ')) {
      const body = line.slice(9)
      const i = body.indexOf(': ')
      notOk(i < 0 ? body : body.slice(0, i), i < 0 ? 'failed' : body.slice(i + 2))
      sawNotOk = true
      checks++
    } else if (line.startsWith('# ')) console.log(line)
    else if (line.trim()) console.log(`#   ${line}`)
  }
  if (r.code !== 0 && !sawNotOk) notOk(`${label} ran to the end`, `exit ${r.code} after ${checks} checks: ${lastLines(r.stderr || r.stdout)}`)
  else if (checks === 0) notOk(`${label} ran checks`, `no check lines (exit ${r.code}): ${lastLines(r.stderr)}`)
  info(`${label}: ${(r.ms / 1000).toFixed(1)} s`)
  return r
}

function pnpmCommand() {
  const execPath = process.env.npm_execpath ?? ''
  if (/pnpm/.test(execPath) && existsSync(execPath)) return /\.(c?js|mjs)$/.test(execPath) ? [process.execPath, execPath] : [execPath]
  const probe = run('pnpm', ['--version'], { timeoutMs: 30_000 })
  if (probe.code === 0) return ['pnpm']
  return ['npx', '-y', 'pnpm@12.4.2']
}

/** Write `npm init -y` + `"type": "module"` in `dir` and install `specs` with npm. */
function npmProject(dir, specs, label) {
  mkdirSync(dir, { recursive: true })
  const init = run('npm', ['init', '-y', ...NPM_QUIET], { cwd: dir, timeoutMs: 60_000 })
  if (init.code !== 0) return notOk(`${label}: npm init -y`, lastLines(init.stderr))
  const pkgFile = path.join(dir, 'package.json')
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'))
  writeFileSync(pkgFile, JSON.stringify({ ...pkg, type: 'module' }, null, 2) + '\n')
  const r = run('npm', ['install', ...NPM_QUIET, ...specs], { cwd: dir, timeoutMs: 300_000 })
  check(`${label}: npm install of ${specs.length} specs (${(r.ms / 1000).toFixed(0)} s)`, r.code === 0, `exit ${r.code}: ${lastLines(r.stderr, 6)}`)
  return r.code === 0
}

function duKb(dir) {
  const r = run('du', ['-sk', dir], { timeoutMs: 60_000 })
  return r.code === 0 ? Number(r.stdout.split(/\s/)[0]) : NaN
}

// ---------------------------------------------------------------- 1. dist present, pack

function checkDist() {
  section('1. build output present')
  const missing = []
  for (const p of PACKAGES) {
    const pkg = JSON.parse(readFileSync(path.join(repo, 'packages', p, 'package.json'), 'utf8'))
    const targets = JSON.stringify(pkg.exports ?? {}).match(/"\.\/dist\/[^"]+"/g) ?? []
    for (const t of new Set(targets)) {
      const file = path.join(repo, 'packages', p, JSON.parse(t))
      if (!existsSync(file)) missing.push(path.relative(repo, file))
    }
  }
  check('every package export points at a built file (run `pnpm build` first)', missing.length === 0, `missing: ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ` and ${missing.length - 6} more` : ''}`)
  return missing.length === 0
}

function packAll(dest) {
  section('1. pnpm pack every package into a folder outside the workspace')
  const pnpm = pnpmCommand()
  info(`pnpm: ${pnpm.join(' ')}; destination ${dest}`)
  const tarballs = {}
  for (const p of PACKAGES) {
    const r = run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', dest, '--json'], { cwd: path.join(repo, 'packages', p), timeoutMs: 120_000, env: process.env })
    let file
    try { file = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))).filename } catch { /* reported below */ }
    if (r.code !== 0 || !file || !existsSync(file)) { notOk(`pnpm pack ${p}`, `exit ${r.code}: ${lastLines(r.stderr || r.stdout)}`); continue }
    tarballs[p] = file
  }
  check('pnpm pack produced 9 tarballs', Object.keys(tarballs).length === PACKAGES.length, `got ${Object.keys(tarballs).length}`)
  return tarballs
}

function inspectTarballs(tarballs, tmp) {
  section('1. tarball sizes and contents')
  const sizes = {}
  const offenders = { license: [], generated: [], twice: [], mapsContent: [], mapsDangling: [], workspace: [], tests: [] }
  for (const [p, file] of Object.entries(tarballs)) {
    sizes[p] = statSync(file).size
    const dir = path.join(tmp, 'unpacked', p)
    mkdirSync(dir, { recursive: true })
    const x = run('tar', ['-xzf', file, '-C', dir], { timeoutMs: 60_000 })
    if (x.code !== 0) { notOk(`unpack ${path.basename(file)}`, lastLines(x.stderr)); continue }
    const root = path.join(dir, 'package')
    const files = walk(root).map((f) => path.relative(root, f).split(path.sep).join('/'))
    info(`${path.basename(file)}: ${kb(sizes[p])} packed, ${files.length} files, ${kb(files.reduce((s, f) => s + statSync(path.join(root, f)).size, 0))} unpacked`)
    if (p === 'core') info(`files of ${path.basename(file)}: ${files.join(' ')}`)
    if (!files.some((f) => /^LICEN[CS]E(\.md|\.txt)?$/i.test(f))) offenders.license.push(p)
    if (files.some((f) => f.startsWith('src/generated'))) offenders.generated.push(p)
    if (files.some((f) => /^(test|tests|__tests__)\//.test(f))) offenders.tests.push(p)
    // A TypeScript source shipped twice: the same module under two folders (src/x.ts and dist/src/x.ts …).
    const tsSources = files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !/\.d\.[cm]?ts$/.test(f))
    const byName = new Map()
    for (const f of tsSources) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f])
    for (const [, list] of byName) if (list.length > 1 && new Set(list.map((f) => f.split('/').slice(1).join('/'))).size < list.length) offenders.twice.push(`${p}: ${list.join(' + ')}`)
    for (const f of files.filter((f) => f.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(path.join(root, f), 'utf8'))
      if (Array.isArray(map.sourcesContent) && map.sourcesContent.some((s) => s)) offenders.mapsContent.push(`${p}/${f}`)
      for (const s of map.sources ?? []) {
        const target = path.normalize(path.join(path.dirname(f), s)).split(path.sep).join('/')
        if (!files.includes(target)) offenders.mapsDangling.push(`${p}/${f} → ${s}`)
      }
    }
    const manifest = readFileSync(path.join(root, 'package.json'), 'utf8')
    if (manifest.includes('workspace:')) offenders.workspace.push(p)
  }
  const list = (a) => a.slice(0, 6).join(', ') + (a.length > 6 ? ` and ${a.length - 6} more` : '')
  check('every tarball has a LICENSE', offenders.license.length === 0, `no LICENSE in: ${list(offenders.license)}`)
  check('no tarball ships src/generated', offenders.generated.length === 0, list(offenders.generated))
  check('no tarball ships its tests', offenders.tests.length === 0, list(offenders.tests))
  check('no source ships twice (one copy of each .ts module)', offenders.twice.length === 0, list(offenders.twice))
  check('source maps embed no sourcesContent (sources ship once, in src/)', offenders.mapsContent.length === 0, list(offenders.mapsContent))
  check("source maps' sources resolve to files in the tarball", offenders.mapsDangling.length === 0, list(offenders.mapsDangling))
  check('packed package.json files have no workspace: ranges', offenders.workspace.length === 0, list(offenders.workspace))
  return sizes
}

/** Every export subpath of every installed @theoryml package, as import specifiers. */
function theorymlExports(project) {
  const scope = path.join(project, 'node_modules', '@theoryml')
  return readdirSync(scope).sort().flatMap((name) => {
    const pkg = JSON.parse(readFileSync(path.join(scope, name, 'package.json'), 'utf8'))
    return Object.keys(pkg.exports ?? { '.': null }).filter((k) => k !== './package.json').map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`))
  })
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
}

// ---------------------------------------------------------------- 3. ESM + CJS smoke

function smoke(project) {
  section('3. ESM and CJS consumers: every entry, real calls')
  runFixture('smoke.mjs', process.execPath, ['smoke.mjs'], { cwd: project, timeoutMs: 180_000 })
  runFixture('smoke.cjs', process.execPath, ['smoke.cjs'], { cwd: project, timeoutMs: 180_000 })
}

// ---------------------------------------------------------------- 4. TypeScript consumer

function typecheck(project) {
  section('4. TypeScript consumer: tsc --noEmit, skipLibCheck false, strict')
  const modes = [
    { name: 'node16', module: 'node16', moduleResolution: 'node16', files: ['consumer.ts', 'consumer-cjs.cts', 'all-entries.ts', 'all-entries-cjs.cts'] },
    { name: 'nodenext', module: 'nodenext', moduleResolution: 'nodenext', files: ['consumer.ts', 'consumer-cjs.cts', 'all-entries.ts', 'all-entries-cjs.cts'] },
    { name: 'bundler', module: 'esnext', moduleResolution: 'bundler', files: ['consumer.ts', 'all-entries.ts'] },
  ]
  // Beside the hand-written consumers, one file importing every entry the installed packages export,
  // so a new entry's declarations are checked too.
  const entries = theorymlExports(project)
  writeFileSync(path.join(project, 'ts', 'all-entries.ts'), entries.map((s, i) => `export * as e${i} from '${s}'\n`).join(''))
  writeFileSync(path.join(project, 'ts', 'all-entries-cjs.cts'), entries.map((s, i) => `import e${i} = require('${s}')\n`).join('') + `export = [${entries.map((_, i) => `e${i}`).join(', ')}]\n`)
  info(`type-checking ${entries.length} entries: ${entries.join(', ')}`)
  const upstreamSummary = {}
  for (const m of modes) {
    const config = {
      compilerOptions: {
        module: m.module, moduleResolution: m.moduleResolution, target: 'es2022', lib: ['es2022', 'dom'],
        strict: true, skipLibCheck: false, noEmit: true,
      },
      files: m.files,
    }
    const file = path.join(project, 'ts', `tsconfig.${m.name}.json`)
    writeFileSync(file, JSON.stringify(config, null, 2) + '\n')
    const r = run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file, '--pretty', 'false'], { cwd: path.join(project, 'ts'), timeoutMs: 240_000 })
    const { ours, upstream, byPackage } = classifyTscOutput(r.stdout + r.stderr, path.join(project, 'ts'))
    upstreamSummary[m.name] = byPackage
    const counts = Object.entries(byPackage).map(([p, n]) => `${p}: ${n}`).join(', ') || 'none'
    info(`tsc ${m.name}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s; upstream (not theoryml) .d.ts errors by package: ${counts}`)
    for (const e of upstream.slice(0, 3)) info(`  upstream e.g. ${e.slice(0, 200)}`)
    if (upstream.length > 3) info(`  … ${upstream.length - 3} more upstream errors`)
    check(`tsc --noEmit (${m.module}/${m.moduleResolution}): no error in @theoryml types or the consumer's files`, ours.length === 0 && (r.code === 0 || upstream.length > 0),
      ours.length ? `${ours.length} errors: ${ours.slice(0, 4).join(' || ')}` : `tsc exit ${r.code} without located errors: ${lastLines(r.stdout + r.stderr)}`)
  }
  return upstreamSummary
}

// ---------------------------------------------------------------- 5. browser

function browser(project) {
  section('5. browser: esbuild bundle (no aliases, no externals) in chromium via playwright-core')
  const www = path.join(project, 'www')
  mkdirSync(www, { recursive: true })
  const esbuild = path.join(project, 'node_modules', '.bin', 'esbuild')
  const sizes = {}
  for (const [name, label] of [['app-f64.js', 'float64-only (core + linear-nets)'], ['app.js', 'tfjs (core + core/tf + linear-nets + @tensorflow/tfjs + wasm backend)']]) {
    const meta = path.join(project, `meta-${name}.json`)
    const r = run(esbuild, [`browser/${name}`, '--bundle', '--format=esm', '--platform=browser', '--minify', `--outfile=www/${name}`, '--log-level=warning', `--metafile=${meta}`], { cwd: project, timeoutMs: 120_000 })
    const warnings = (r.stderr.match(/▲ \[WARNING\][^\n]*/g) ?? []).map((w) => w.replace('▲ [WARNING] ', ''))
    if (!check(`esbuild bundles ${name} for the browser`, r.code === 0 && existsSync(path.join(www, name)), `exit ${r.code}: ${lastLines(r.stderr, 6)}`)) continue
    if (warnings.length) info(`esbuild warnings for ${name}: ${warnings.slice(0, 5).join(' | ')}`)
    const code = readFileSync(path.join(www, name))
    sizes[name] = { min: code.length, gzip: gzipSync(code).length }
    info(`bundle ${label}: ${code.length} bytes minified (${kb(code.length)}), ${sizes[name].gzip} bytes gzip (${kb(sizes[name].gzip)})`)
    const { inputs, imports } = bundleComposition(JSON.parse(readFileSync(meta, 'utf8')))
    info(`  ${name} by package (minified bytes): ${inputs.slice(0, 10).map(([p, b]) => `${p} ${kb(b)}`).join(', ')}`)
    const left = imports.map((i) => `${i.kind} '${i.path}'`)
    if (left.length) info(`  ${name} keeps unresolved imports (bare specifiers a browser cannot load; other bundlers may refuse them): ${left.join(', ')}`)
    const nodeOnly = inputs.map(([p]) => p).filter((p) => /^@theoryml\/[^/]+\/dist\/(node|bin|sweep-worker)\./.test(p))
    check(`${name}: no Node-only theoryml entry in the browser bundle`, nodeOnly.length === 0, nodeOnly.join(', '))
    if (name === 'app-f64.js') {
      const tfjs = inputs.map(([p]) => p).filter((p) => p.startsWith('@tensorflow/'))
      check('app-f64.js: the float64-only bundle holds no tfjs code', tfjs.length === 0, tfjs.join(', '))
    }
  }
  const wasmDir = path.join(project, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')
  const wasmFiles = existsSync(wasmDir) ? readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')) : []
  check('three .wasm files in @tensorflow/tfjs-backend-wasm/dist', wasmFiles.length === 3, `found ${wasmFiles.join(', ') || 'none'}`)
  for (const f of wasmFiles) cpSync(path.join(wasmDir, f), path.join(www, f))
  cpSync(path.join(project, 'browser', 'index.html'), path.join(www, 'index.html'))
  if (!existsSync(CHROMIUM)) notOk('chromium installed', `${CHROMIUM} not found (apt-get install -y chromium; .ci/run does this)`)
  else runFixture('browser.mjs', process.execPath, ['browser.mjs', www, CHROMIUM], { cwd: project, timeoutMs: 150_000 })
  return sizes
}

/** Bytes in the output by package (theoryml entries by file), and the imports left unresolved. */
function bundleComposition(meta) {
  const [out] = Object.values(meta.outputs)
  const by = {}
  for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(file)
    const key = !m ? file : m[1].startsWith('@theoryml/') ? `${m[1]}${m[2] ?? ''}` : m[1]
    by[key] = (by[key] ?? 0) + bytesInOutput
  }
  const merged = {}
  for (const [k, b] of Object.entries(by)) {
    const pkg = k.startsWith('@theoryml/') && !/\/dist\/(node|bin|sweep-worker)\./.test(k) ? k.split('/').slice(0, 2).join('/') : k
    merged[pkg] = (merged[pkg] ?? 0) + b
  }
  return { inputs: Object.entries(merged).sort((a, b) => b[1] - a[1]), imports: out.imports ?? [] }
}

// ---------------------------------------------------------------- 6. the installed bin

/** The README's "Writing your own experiment" code block. */
function readmeExperiment() {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8')
  const section = readme.split(/^## Writing your own experiment\s*$/m)[1] ?? ''
  return /```ts\n([\s\S]*?)```/.exec(section)?.[1]
}

function bin(project) {
  section('6. the installed `theoryml` bin on the consumer\'s own examples')
  const code = readmeExperiment()
  if (!check("README.md has the 'Writing your own experiment' example", !!code && code.includes('defineExperiment'), 'no ```ts block under that heading')) return
  const tsName = /name:\s*'([^']+)'/.exec(code)?.[1] ?? 'my-experiment'
  // The JS copy is the same code (it has no type annotations) under its own experiment name, so
  // the two sweeps write different results files.
  const examples = { 'my-ts': { file: 'run.ts', code, name: tsName }, 'my-js': { file: 'run.js', code: code.replaceAll(tsName, 'my-js'), name: 'my-js' } }
  for (const [dir, ex] of Object.entries(examples)) {
    mkdirSync(path.join(project, 'examples', dir), { recursive: true })
    writeFileSync(path.join(project, 'examples', dir, ex.file), ex.code)
  }
  const theoryml = (args) => run('npx', ['--no', 'theoryml', ...args], { cwd: project, timeoutMs: 120_000 })
  for (const [dir, ex] of Object.entries(examples)) {
    const repro = theoryml(['repro', dir])
    check(`npx theoryml repro ${dir} (examples/${dir}/${ex.file}) exits 0`, repro.code === 0, `exit ${repro.code}: ${lastLines(repro.stderr || repro.stdout)}`)
    if (repro.code === 0) check(`repro ${dir} prints the claim`, /sample mean is near 0/.test(repro.stdout), `stdout: ${lastLines(repro.stdout)}`)
    const results = path.join(project, 'results')
    let shardsOk = true
    for (const shard of ['0/2', '1/2']) {
      const s = theoryml(['sweep', dir, '--grid', 'samples=100,1000', '--seeds', '2', '--shard', shard, '--out', 'results'])
      const okShard = s.code === 0 && /2 points run/.test(s.stdout)
      shardsOk &&= okShard
      check(`npx theoryml sweep ${dir} --grid samples=100,1000 --seeds 2 --shard ${shard} --out results runs 2 points`, okShard, `exit ${s.code}: ${lastLines(s.stderr || s.stdout)}`)
    }
    // Expand the shell glob results/<name>.shard-*-of-2.jsonl ourselves (the file is named after the experiment).
    const pattern = new RegExp(`^${ex.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.shard-\\d+-of-2\\.jsonl$`)
    const shards = existsSync(results) ? readdirSync(results).filter((f) => pattern.test(f)).sort().map((f) => path.join('results', f)) : []
    if (!shardsOk && shards.length === 0) { notOk(`npx theoryml merge results/${ex.name}.shard-*-of-2.jsonl`, 'no shard files to merge (the sweeps failed)'); continue }
    const out = path.join('results', `${dir}.jsonl`)
    const mg = theoryml(['merge', ...shards, '--out', out])
    const merged = existsSync(path.join(project, out)) ? readFileSync(path.join(project, out), 'utf8').trim().split('\n').filter(Boolean).length : 0
    check(`npx theoryml merge ${shards.join(' ')} --out ${out}: exit 0, 4 records`, mg.code === 0 && merged === 4, `exit ${mg.code}, ${merged} records, ${shards.length} shard files: ${lastLines(mg.stderr || mg.stdout)}`)
  }
}

// ---------------------------------------------------------------- 7. float64-only install

function float64Only(tmp, tarballs, expectedHex) {
  section('7. float64-only install: core + linear-nets, no tfjs')
  const dir = path.join(tmp, 'float64-only')
  if (!npmProject(dir, [tarballs.core, tarballs['linear-nets']], 'float64-only')) return undefined
  const tfDir = path.join(dir, 'node_modules', '@tensorflow')
  check('float64-only: no node_modules/@tensorflow', !existsSync(tfDir), existsSync(tfDir) ? `installed: ${readdirSync(tfDir).join(', ')}` : '')
  const size = duKb(path.join(dir, 'node_modules'))
  const top = readdirSync(path.join(dir, 'node_modules')).filter((f) => !f.startsWith('.'))
  info(`float64-only node_modules: ${size} KB on disk (du -sk); top level: ${top.join(' ')}`)
  for (const f of ['checks.mjs', 'f64-compute.mjs', 'f64only.mjs']) cpSync(path.join(fixtures, f), path.join(dir, f))
  runFixture('f64only.mjs', process.execPath, ['f64only.mjs', ...(expectedHex ? [expectedHex] : [])], { cwd: dir, timeoutMs: 120_000 })
  return size
}

// ---------------------------------------------------------------- main

function main() {
  console.log(`# theoryml consumer test: node ${process.version}, npm ${run('npm', ['--version'], { timeoutMs: 30_000 }).stdout.trim()}`)
  const keep = process.env.THEORYML_CONSUMER_KEEP === '1'
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'theoryml-consumer-'))
  const report = {}
  try {
    if (!checkDist()) return
    const packs = path.join(tmp, 'packs')
    mkdirSync(packs)
    const tarballs = packAll(packs)
    report.tarballs = inspectTarballs(tarballs, tmp)
    if (Object.keys(tarballs).length !== PACKAGES.length) return

    section('2. scratch project: npm install the nine tarballs + tfjs + tools')
    const project = path.join(tmp, 'app')
    if (!npmProject(project, [...PACKAGES.map((p) => tarballs[p]), ...TFJS, ...TOOLS], 'scratch')) return
    const theorymlDir = path.join(project, 'node_modules', '@theoryml')
    const installed = existsSync(theorymlDir) ? readdirSync(theorymlDir) : []
    check('scratch: node_modules/@theoryml holds the 9 packages, none a symlink', installed.length === 9 && installed.every((p) => !isLink(path.join(theorymlDir, p))), `found ${installed.join(', ')}`)
    const nested = run('npm', ['ls', '--all', '--parseable', '@theoryml/core'], { cwd: project, timeoutMs: 60_000 }).stdout.trim().split('\n').filter(Boolean)
    check('scratch: one copy of @theoryml/core (deduplicated)', nested.length === 1, `${nested.length} copies: ${nested.join(', ')}`)
    info(`scratch node_modules: ${duKb(path.join(project, 'node_modules'))} KB (with tfjs, typescript, esbuild, tsx, playwright-core)`)
    cpSync(fixtures, project, { recursive: true })

    smoke(project)
    report.types = typecheck(project)
    const nodeF64 = run(process.execPath, ['node-f64.mjs'], { cwd: project, timeoutMs: 60_000 })
    const expectedHex = nodeF64.code === 0 ? JSON.parse(nodeF64.stdout).hex : undefined
    report.bundles = browser(project)
    bin(project)
    report.float64OnlyKb = float64Only(tmp, tarballs, expectedHex)
  } catch (err) {
    notOk('consumer test ran to the end', String(err?.stack ?? err).split('\n').slice(0, 3).join(' | '))
  } finally {
    section('summary')
    if (report.tarballs) info(`tarballs: ${Object.entries(report.tarballs).map(([p, b]) => `${p} ${kb(b)}`).join(', ')}`)
    if (report.float64OnlyKb) info(`float64-only install: node_modules ${report.float64OnlyKb} KB`)
    for (const [n, s] of Object.entries(report.bundles ?? {})) info(`browser bundle ${n}: ${s.min} B min, ${s.gzip} B gzip`)
    if (failures.length) info(`failures:\n${failures.map((f) => `#   - ${f}`).join('\n')}`)
    info(`runtime ${elapsed()} s`)
    if (keep) info(`kept ${tmp}`)
    else rmSync(tmp, { recursive: true, force: true })
    console.log(`${passed} passed, ${failures.length} failed`)
    process.exitCode = failures.length ? 1 : 0
  }
}

function isLink(p) {
  try { return lstatSync(p).isSymbolicLink() } catch { return true }
}

main()
