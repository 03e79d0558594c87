// Every export of every package carries JSDoc (DESIGN: "JSDoc on every export").
import path from 'node:path'
import { readFileSync, readdirSync } from 'node:fs'
import ts from 'typescript'
import { expect, test } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')

test('every exported function, class, interface and type of every package has a doc comment', () => {
  // Every entry point of every package (root, ./tf, ./node), as its package.json exports name them.
  const entries = readdirSync(path.join(root, 'packages')).flatMap((p) => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'packages', p, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
    return Object.values(pkg.exports).flatMap((c) => (c && typeof c === 'object' ? [path.join(root, 'packages', p, (c as Record<string, string>)['@theoryml/source'] as string)] : []))
  })
  expect(entries.length).toBeGreaterThan(10)
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@theoryml/source'],
    skipLibCheck: true,
    noEmit: true,
  })
  const checker = program.getTypeChecker()
  const missing: string[] = []
  for (const entry of entries) {
    const source = program.getSourceFile(entry)
    if (!source) throw new Error(`cannot read ${entry}`)
    const moduleSymbol = checker.getSymbolAtLocation(source)
    if (!moduleSymbol) continue
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const decl = symbol.declarations?.[0]
      // Re-exports of third-party symbols (ml-matrix's Matrix) document themselves.
      if (!decl || decl.getSourceFile().fileName.includes('node_modules')) continue
      const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
      if (!docs) missing.push(`${path.relative(root, entry).split(path.sep)[1]}: ${exported.getName()}`)
    }
  }
  expect(missing).toEqual([])
}, 120_000)
