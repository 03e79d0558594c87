// Sort `tsc --pretty false` output into errors that are ours (in @theoryml's .d.ts files, in the
// consumer's own files, or unlocated) and upstream errors in other packages' .d.ts files.
import path from 'node:path'

const LOCATED = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/
const UNLOCATED = /^error (TS\d+): (.*)$/

/** The npm package a file path lies in ('@scope/name' or 'name'), or undefined outside node_modules. */
export function packageOf(file) {
  const parts = file.split(/[\\/]/)
  const i = parts.lastIndexOf('node_modules')
  if (i < 0) return undefined
  const first = parts[i + 1]
  return first?.startsWith('@') ? `${first}/${parts[i + 2]}` : first
}

/**
 * @returns {{ ours: string[], upstream: string[], byPackage: Record<string, number> }} each error
 * as one line `file(line,col): TSxxxx message` (continuation lines joined).
 */
export function classifyTscOutput(output, cwd) {
  const ours = []
  const upstream = []
  const byPackage = {}
  let last
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const m = LOCATED.exec(line)
    const u = m ? null : UNLOCATED.exec(line)
    if (m) {
      const file = path.relative(cwd, path.resolve(cwd, m[1])).split(path.sep).join('/')
      const pkg = packageOf(file)
      const text = `${file}(${m[2]},${m[3]}): ${m[4]} ${m[5]}`
      if (pkg === undefined || pkg.startsWith('@theoryml/')) { ours.push(text); last = ours }
      else { upstream.push(text); byPackage[pkg] = (byPackage[pkg] ?? 0) + 1; last = upstream }
    } else if (u) {
      ours.push(`(no file): ${u[1]} ${u[2]}`)
      last = ours
    } else if (/^\s+\S/.test(line) && last?.length) {
      last[last.length - 1] += ` ${line.trim()}`
    }
  }
  return { ours, upstream, byPackage }
}
