/**
 * Node-only entry of @theoryml/tensor-factorization (`@theoryml/tensor-factorization/node`): the
 * small real data sets shipped inside the package (`data/*.csv.gz`), read from disk with no
 * argument and no network. The root entry stays free of Node built-ins so it bundles for the
 * browser; its `parseDatasetCsv` (package root) reads the same files from text or bytes.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
// Through the package's main entry (external in the build), so both entries share one Matrix class.
import { shippedDataset, SHIPPED_DATASETS, type DigitsDataset, type RealDataset, type ShippedDatasetName } from '@theoryml/tensor-factorization'

export type { DigitsDataset, RealDataset } from '@theoryml/tensor-factorization'

/** The folder of the shipped files: `data` at the package root, one level above `src/` and `dist/`. */
function dataDir(): string {
  // CJS build: __dirname; ESM build and ESM source: import.meta.url (tsup adds no shims).
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
  return path.resolve(here, '..', 'data')
}

function readShipped(loader: string, name: ShippedDatasetName): RealDataset {
  const full = path.join(dataDir(), SHIPPED_DATASETS[name].file)
  if (!existsSync(full)) throw new Error(`${loader}: the shipped data file '${full}' is missing (is the package's 'data' folder installed?)`)
  return shippedDataset(name, gunzipSync(readFileSync(full)), `${loader}: '${full}'`)
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
  return readShipped('loadDigits', 'digits') as DigitsDataset
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
  return readShipped('loadBreastCancer', 'breast-cancer')
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
  return readShipped('loadWine', 'wine')
}
