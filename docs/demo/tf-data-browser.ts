/**
 * What `@theoryml/tensor-factorization/node` is in the site's bundle (an alias in
 * docs/.vitepress/config.mts), like cora-browser.ts for gnn-walk-index: the entanglement example
 * imports `loadDigits`/`loadBreastCancer` from there, and in a browser that entry cannot read the
 * disk. The demo worker fetches the data sets the site serves (copied from the package's data
 * folder), reads them with the package's own `shippedDataset` (the code `loadDigits()` uses in Node)
 * and hands them over with {@link provideDatasets} before the example runs.
 */
import { fetchGunzipText } from './fetch-gz'
import { shippedDataset, SHIPPED_DATASETS, type DigitsDataset, type RealDataset, type ShippedDatasetName } from '@theoryml/tensor-factorization'

export type { DigitsDataset, RealDataset } from '@theoryml/tensor-factorization'

const provided = new Map<ShippedDatasetName, RealDataset>()

/** Set the data sets that the loaders below return. */
export function provideDatasets(datasets: RealDataset[]): void {
  for (const d of datasets) provided.set(d.name as ShippedDatasetName, d)
}

/** Fetch `<folder>/<name>.csv.gz` for every shipped data set, gunzip in the browser and read each with `shippedDataset`. */
export async function fetchDatasets(folder: string): Promise<RealDataset[]> {
  const names = Object.keys(SHIPPED_DATASETS) as ShippedDatasetName[]
  return Promise.all(names.map(async (name) => {
    const file = SHIPPED_DATASETS[name].file
    const text = await fetchGunzipText(new URL(file, folder), 'fetchDatasets')
    return shippedDataset(name, text, file)
  }))
}

function get(loader: string, name: ShippedDatasetName): RealDataset {
  const d = provided.get(name)
  if (!d) throw new Error(`${loader}: in the browser the page fetches the data sets first (provideDatasets was not called)`)
  return d
}

/** The browser's `loadDigits`: the data set the worker fetched. */
export function loadDigits(): DigitsDataset {
  return get('loadDigits', 'digits') as DigitsDataset
}

/** The browser's `loadBreastCancer`. */
export function loadBreastCancer(): RealDataset {
  return get('loadBreastCancer', 'breast-cancer')
}

/** The browser's `loadWine`. */
export function loadWine(): RealDataset {
  return get('loadWine', 'wine')
}
