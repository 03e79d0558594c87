import { Matrix } from '@theoryml/core'

/** A labeled data set as {@link parseDatasetCsv} reads it: samples × features and one class index a sample. */
export interface LabeledDataset {
  /** The samples (rows) × features (columns). */
  X: Matrix
  /** Class index of every sample (0, 1, …). */
  target: Int32Array
  /** Feature names, from the header line. */
  features: string[]
}

/** Options of {@link parseDatasetCsv}. */
export interface ParseDatasetCsvOptions {
  /** Name of the file, used in error messages (default 'csv'). */
  name?: string
}

/** A plain decimal number (no hex, binary, Infinity or NaN spellings that `Number()` accepts). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * Parse the CSV format of the data sets shipped with this package (`data/*.csv.gz`, read by
 * `loadDigits()`, `loadBreastCancer()` and `loadWine()` from `@theoryml/tensor-factorization/node`):
 * a header line `target,<feature names>`, then one sample a line, its class index (a non-negative
 * integer) and its features (plain decimal numbers), comma-separated. Takes the uncompressed text or
 * its UTF-8 bytes (no Node built-ins: it runs in a browser too). A byte-order mark, `\r\n` line ends
 * and a final newline are accepted; anything else malformed is an error naming the file and line.
 * @example parseDatasetCsv('target,a,b\n0,1.5,2\n1,0,-1\n').X.get(1, 1) // -1
 */
export function parseDatasetCsv(text: string | Uint8Array, options: ParseDatasetCsvOptions = {}): LabeledDataset {
  const name = options.name ?? 'csv'
  if (typeof name !== 'string') throw new Error('name: expected a string (the file name for error messages)')
  let src: string
  if (typeof text === 'string') src = text
  else if (text instanceof Uint8Array) src = new TextDecoder('utf-8', { fatal: true }).decode(text)
  else throw new Error('text: expected the file as a string or as UTF-8 bytes (Uint8Array)')
  if (src.charCodeAt(0) === 0xfeff) src = src.slice(1)
  const lines = src.split(/\r?\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length < 2) throw new Error(`${name}: expected a header line and at least one sample, got ${lines.length} line(s)`)
  const header = (lines[0] as string).split(',').map((s) => s.trim())
  if (header[0] !== 'target') throw new Error(`${name}:1: expected the header to start with 'target', got '${header[0] ?? ''}'`)
  const features = header.slice(1)
  const D = features.length
  if (D === 0) throw new Error(`${name}:1: expected at least one feature column after 'target'`)
  features.forEach((f, i) => {
    if (f === '') throw new Error(`${name}:1: feature column ${i + 2} has an empty name`)
  })
  if (new Set(features).size !== D) throw new Error(`${name}:1: feature names must be distinct`)
  const M = lines.length - 1
  const X = new Matrix(M, D)
  const target = new Int32Array(M)
  for (let m = 0; m < M; m++) {
    const lineNo = m + 2
    const cells = (lines[m + 1] as string).split(',')
    if (cells.length !== D + 1) throw new Error(`${name}:${lineNo}: expected ${D + 1} comma-separated values (target and ${D} features), got ${cells.length}`)
    const t = (cells[0] as string).trim()
    if (!/^\d+$/.test(t) || Number(t) > 2 ** 31 - 1) throw new Error(`${name}:${lineNo}: expected a class index (a non-negative integer) in column 1, got '${t}'`)
    target[m] = Number(t)
    for (let f = 0; f < D; f++) {
      const s = (cells[f + 1] as string).trim()
      if (!DECIMAL.test(s)) throw new Error(`${name}:${lineNo}: expected a decimal number for feature '${features[f]}' (column ${f + 2}), got '${s}'`)
      const v = Number(s)
      if (!Number.isFinite(v)) throw new Error(`${name}:${lineNo}: feature '${features[f]}' (column ${f + 2}) overflows: '${s}'`)
      X.set(m, f, v)
    }
  }
  return { X, target, features }
}
