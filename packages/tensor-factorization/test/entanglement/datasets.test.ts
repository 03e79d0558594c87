import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { canonicalPartitions, canonicalPartitions2d, parseDatasetCsv, permuteFeatures, quadTreeOrder, shippedDataset, SHIPPED_DATASETS } from '../../src/index'
import { loadBreastCancer, loadDigits, loadWine } from '../../src/node'

const dataFile = (name: string): Buffer => readFileSync(new URL(`../../data/${name}`, import.meta.url))
const counts = (target: Int32Array): number[] => {
  const out: number[] = []
  for (const t of target) out[t] = (out[t] ?? 0) + 1
  return out
}

describe('shipped real data', () => {
  test('the unzipped files have the SHA-256 stated in data/README.md', () => {
    const readme = dataFile('README.md').toString('utf8')
    for (const name of ['digits.csv', 'breast-cancer.csv', 'wine.csv']) {
      const sha = createHash('sha256').update(gunzipSync(dataFile(`${name}.gz`))).digest('hex')
      expect(readme).toContain(`${sha}  ${name}`)
    }
  })

  test('loadDigits: 1797 images of 8 × 8 pixels with values 0–16, classes 0–9', () => {
    const d = loadDigits()
    expect([d.X.rows, d.X.columns, d.grid, d.name]).toEqual([1797, 64, [8, 8], 'digits'])
    expect(d.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(counts(d.target)).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    const flat = d.X.to1DArray()
    expect(flat.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true)
    expect(d.features[9]).toBe('pixel_1_1')
    // the first image is a zero: an empty centre column, ink on both sides of it (row 3)
    expect(d.target[0]).toBe(0)
    expect(d.X.getRow(0).slice(24, 32)).toEqual([0, 4, 12, 0, 0, 8, 8, 0])
  })

  test('loadBreastCancer: 569 × 30, 212 malignant and 357 benign', () => {
    const d = loadBreastCancer()
    expect([d.X.rows, d.X.columns, d.name]).toEqual([569, 30, 'breast-cancer'])
    expect(d.classes).toEqual(['malignant', 'benign'])
    expect(counts(d.target)).toEqual([212, 357])
    expect(d.features[0]).toBe('mean_radius')
    expect(d.X.get(0, 0)).toBe(17.99)
  })

  test('loadWine: 178 × 13, cultivars of 59, 71 and 48 wines', () => {
    const d = loadWine()
    expect([d.X.rows, d.X.columns, d.name]).toEqual([178, 13, 'wine'])
    expect(counts(d.target)).toEqual([59, 71, 48])
    expect(d.features[0]).toBe('alcohol')
    expect(d.X.getRow(0)).toEqual([14.23, 1.71, 2.43, 15.6, 127, 2.8, 3.06, 0.28, 2.29, 5.64, 1.04, 3.92, 1065])
  })
})

describe('parseDatasetCsv', () => {
  test('reads text or UTF-8 bytes, a BOM, CRLF and a final newline', () => {
    const text = '\ufefftarget,a,b\r\n0,1.5,2\r\n1,0,-1e-3\r\n'
    for (const input of [text, new TextEncoder().encode(text)]) {
      const d = parseDatasetCsv(input)
      expect(d.X.to2DArray()).toEqual([[1.5, 2], [0, -0.001]])
      expect(Array.from(d.target)).toEqual([0, 1])
      expect(d.features).toEqual(['a', 'b'])
    }
  })

  test('errors name the file, the line and the column', () => {
    const opts = { name: 'x.csv' }
    expect(() => parseDatasetCsv('label,a\n0,1\n', opts)).toThrow("x.csv:1: expected the header to start with 'target'")
    expect(() => parseDatasetCsv('target\n0\n', opts)).toThrow('x.csv:1: expected at least one feature column')
    expect(() => parseDatasetCsv('target,a,a\n0,1,2\n', opts)).toThrow('x.csv:1: feature names must be distinct')
    expect(() => parseDatasetCsv('target,a\n', opts)).toThrow('x.csv: expected a header line and at least one sample')
    expect(() => parseDatasetCsv('target,a,b\n0,1\n', opts)).toThrow('x.csv:2: expected 3 comma-separated values')
    expect(() => parseDatasetCsv('target,a\n0,1\n-1,2\n', opts)).toThrow("x.csv:3: expected a class index (a non-negative integer) in column 1, got '-1'")
    expect(() => parseDatasetCsv('target,a\n0,0x10\n', opts)).toThrow("x.csv:2: expected a decimal number for feature 'a' (column 2), got '0x10'")
    expect(() => parseDatasetCsv('target,a\n0,\n', opts)).toThrow("x.csv:2: expected a decimal number for feature 'a'")
    expect(() => parseDatasetCsv('target,a\n0,1e999\n', opts)).toThrow("x.csv:2: feature 'a' (column 2) overflows")
    expect(() => parseDatasetCsv(42 as unknown as string)).toThrow('text: expected the file as a string or as UTF-8 bytes')
    expect(() => parseDatasetCsv(Uint8Array.of(0x74, 0xff))).toThrow()
  })
})

describe('quadTreeOrder', () => {
  test('a 4 × 4 grid: 2 × 2 blocks first, in Z order', () => {
    expect(quadTreeOrder(4, 4)).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15])
  })

  test('a permutation; on 8 × 8 the even levels of the 1D partitions are the quad-tree blocks', () => {
    const order = quadTreeOrder(8, 8)
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i))
    for (const level of [1, 2, 3]) {
      const blocks = canonicalPartitions2d(8, 8, level).map((b) => [...b].sort((x, y) => x - y).join(','))
      const chunks = canonicalPartitions(64, 2 * level).map((c) => c.map((p) => order[p] as number).sort((x, y) => x - y).join(','))
      expect(new Set(chunks)).toEqual(new Set(blocks))
    }
  })

  test('non-square and odd sizes: every pixel once; permuteFeatures applies it to row-major images', () => {
    for (const [h, w] of [[1, 1], [3, 5], [2, 7], [6, 4]] as const) {
      const order = quadTreeOrder(h, w)
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: h * w }, (_, i) => i))
    }
    const img = [Array.from({ length: 16 }, (_, i) => i)]
    expect(permuteFeatures(img, quadTreeOrder(4, 4)).getRow(0)).toEqual(quadTreeOrder(4, 4))
    expect(() => quadTreeOrder(0, 4)).toThrow('height')
    expect(() => quadTreeOrder(4, 2.5)).toThrow('width')
  })
})

describe('shippedDataset (the browser-safe reader the Node loaders and the docs site share)', () => {
  test('reads the same data set as the Node loader from the unzipped text', () => {
    const a = shippedDataset('breast-cancer', gunzipSync(dataFile(SHIPPED_DATASETS['breast-cancer'].file)).toString('utf8'))
    const b = loadBreastCancer()
    expect(a.classes).toEqual(b.classes)
    expect(Array.from(a.target)).toEqual(Array.from(b.target))
    expect(a.X.to1DArray()).toEqual(b.X.to1DArray())
  })
  test('checks the name, the shape and the class indices', () => {
    expect(() => shippedDataset('mnist' as never, 'target,a\n0,1\n')).toThrow(/name: expected one of digits, breast-cancer, wine/)
    expect(() => shippedDataset('wine', 'target,a\n0,1\n')).toThrow(/has 1 × 1 values, expected 178 × 13/)
  })
})
