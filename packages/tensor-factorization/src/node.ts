/**
 * Node-only entry of @theoryml/tensor-factorization (`@theoryml/tensor-factorization/node`): the
 * small real data sets shipped inside the package (`data/*.csv.gz`), read from disk with no
 * argument and no network. The root entry stays free of Node built-ins so it bundles for the
 * browser; its {@link parseDatasetCsv} reads the same files from text or bytes.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
// Through the package's main entry (external in the build), so both entries share one Matrix class.
import { parseDatasetCsv, type LabeledDataset } from '@theoryml/tensor-factorization'

/** A shipped data set: {@link LabeledDataset} plus its name and class names. */
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

/** The folder of the shipped files: `data` at the package root, one level above `src/` and `dist/`. */
function dataDir(): string {
  // CJS build: __dirname; ESM build and ESM source: import.meta.url (tsup adds no shims).
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(here, '..', 'data')
}

function readShipped(loader: string, file: string, classes: string[], shape: [number, number]): RealDataset {
  const full = path.join(dataDir(), file)
  if (!existsSync(full)) throw new Error(`${loader}: the shipped data file '${full}' is missing (is the package's 'data' folder installed?)`)
  const data = parseDatasetCsv(gunzipSync(readFileSync(full)), { name: file })
  if (data.X.rows !== shape[0] || data.X.columns !== shape[1]) {
    throw new Error(`${loader}: '${full}' has ${data.X.rows} × ${data.X.columns} values, expected ${shape[0]} × ${shape[1]}`)
  }
  for (let i = 0; i < data.target.length; i++) {
    if ((data.target[i] as number) >= classes.length) throw new Error(`${loader}: '${full}' line ${i + 2} has class ${data.target[i]}, expected 0..${classes.length - 1}`)
  }
  return { name: file.replace(/\.csv\.gz$/, ''), ...data, classes }
}

/**
 * The 8 × 8 handwritten digits of scikit-learn (`load_digits`): the test part of the UCI "Optical
 * Recognition of Handwritten Digits" data (Alpaydin & Kaynak 1998), 1797 images of 8 × 8 pixels with
 * values 0–16 (counts of set pixels in 4 × 4 blocks of a 32 × 32 bitmap), classes '0' … '9'.
 * Features are the pixels in row-major order (feature r·8 + c; `grid` is [8, 8]). Read from the
 * gzipped copy in this package's `data` folder; source, citation, license (CC BY 4.0) and SHA-256:
 * `data/README.md`.
 * @example
 * const digits = loadDigits()
 * digits.X.rows    // 1797
 * digits.X.columns // 64
 * digits.target[0] // 0 (the first image is a zero)
 */
export function loadDigits(): DigitsDataset {
  const classes = Array.from({ length: 10 }, (_, i) => String(i))
  return { ...readShipped('loadDigits', 'digits.csv.gz', classes, [1797, 64]), grid: [8, 8] }
}

/**
 * The Breast Cancer Wisconsin (Diagnostic) data of scikit-learn (`load_breast_cancer`; UCI, Wolberg,
 * Street & Mangasarian 1995): 569 tumours, 30 real features (mean, standard error and worst value of
 * ten measurements of cell nuclei: radius, texture, perimeter, area, …), classes 'malignant' (212) and
 * 'benign' (357). Read from the gzipped copy in this package's `data` folder; source, citation,
 * license (CC BY 4.0) and SHA-256: `data/README.md`.
 * @example
 * const cancer = loadBreastCancer()
 * cancer.X.columns   // 30
 * cancer.classes     // ['malignant', 'benign']
 */
export function loadBreastCancer(): RealDataset {
  return readShipped('loadBreastCancer', 'breast-cancer.csv.gz', ['malignant', 'benign'], [569, 30])
}

/**
 * The Wine data of scikit-learn (`load_wine`; UCI, Aeberhard & Forina 1991): chemical analysis of
 * 178 wines from three cultivars, 13 real features (alcohol, malic acid, ash, …), classes 'class_0'
 * (59), 'class_1' (71), 'class_2' (48). Read from the gzipped copy in this package's `data` folder;
 * source, citation, license (CC BY 4.0) and SHA-256: `data/README.md`.
 * @example
 * const wine = loadWine()
 * wine.X.rows // 178
 */
export function loadWine(): RealDataset {
  return readShipped('loadWine', 'wine.csv.gz', ['class_0', 'class_1', 'class_2'], [178, 13])
}
