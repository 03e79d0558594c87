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

/** A data set shipped in this package's `data` folder: {@link LabeledDataset} plus its name and class names. */
export interface RealDataset extends LabeledDataset {
  /** Short name of the data set ('digits', 'breast-cancer', 'wine'). */
  name: string
  /** Class names by class index (target[i] indexes this list). */
  classes: string[]
}

/** The 8 × 8 digits: a {@link RealDataset} whose features are the pixels of a row-major grid. */
export interface DigitsDataset extends RealDataset {
  /** [height, width] of the image grid: feature r·8 + c is the pixel in row r, column c. */
  grid: [number, number]
}

/** Name of a data set shipped in the package's `data` folder. */
export type ShippedDatasetName = 'digits' | 'breast-cancer' | 'wine'

/**
 * The data sets shipped in the package's `data` folder: file name (`<name>.csv.gz`), class names and
 * shape [rows, features]. `loadDigits()` etc. (`./node`) read them from disk; a browser fetches the
 * same files and passes the bytes to {@link shippedDataset}.
 */
export const SHIPPED_DATASETS: Readonly<Record<ShippedDatasetName, { file: string; classes: readonly string[]; shape: readonly [number, number] }>> = Object.freeze({
  digits: { file: 'digits.csv.gz', classes: Array.from({ length: 10 }, (_, i) => String(i)), shape: [1797, 64] as const },
  'breast-cancer': { file: 'breast-cancer.csv.gz', classes: ['malignant', 'benign'], shape: [569, 30] as const },
  wine: { file: 'wine.csv.gz', classes: ['class_0', 'class_1', 'class_2'], shape: [178, 13] as const },
})

/**
 * One of the shipped data sets from its unzipped CSV (text or bytes): parsed by
 * {@link parseDatasetCsv}, checked against {@link SHIPPED_DATASETS} (shape, class indices), with its
 * name and class names (and `grid: [8, 8]` for the digits). `source` names the file in errors.
 * @example
 * // in a browser: fetch + DecompressionStream('gzip'), then
 * const digits = shippedDataset('digits', csvText) as DigitsDataset
 */
export function shippedDataset(name: ShippedDatasetName, csv: string | Uint8Array, source: string = SHIPPED_DATASETS[name]?.file ?? String(name)): RealDataset | DigitsDataset {
  const spec = SHIPPED_DATASETS[name]
  if (!spec) throw new Error(`name: expected one of ${Object.keys(SHIPPED_DATASETS).join(', ')}, got '${String(name)}'`)
  const data = parseDatasetCsv(csv, { name: source })
  const [rows, cols] = spec.shape
  if (data.X.rows !== rows || data.X.columns !== cols) throw new Error(`${source}: has ${data.X.rows} × ${data.X.columns} values, expected ${rows} × ${cols}`)
  for (let i = 0; i < data.target.length; i++) {
    if ((data.target[i] as number) >= spec.classes.length) throw new Error(`${source}: line ${i + 2} has class ${data.target[i]}, expected 0..${spec.classes.length - 1}`)
  }
  const out: RealDataset = { name, ...data, classes: [...spec.classes] }
  return name === 'digits' ? { ...out, grid: [8, 8] } : out
}
