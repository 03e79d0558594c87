/**
 * What `@theoryml/gnn-walk-index/node` is in the site's bundle (an alias in docs/.vitepress/config.mts):
 * the example imports `loadCora` from there, and in a browser that entry cannot read the disk. The
 * demo worker fetches the Cora files the site serves (copied from the package's data/cora), parses
 * them with the package's own `parseCora` and hands the result to {@link provideCora} before the
 * example runs; `loadCora()` then returns it. Nothing else of the Node entry exists here.
 */
import { parseCora, type CoraDataset } from '@theoryml/gnn-walk-index'
import { fetchGunzipText } from './fetch-gz'

let cora: CoraDataset | null = null

/** Set the data set that {@link loadCora} returns. */
export function provideCora(data: CoraDataset): void {
  cora = data
}

/** Fetch `<folder>/{cora.content,cora.cites,planetoid-split.json}.gz`, gunzip them in the browser and parse them. */
export async function fetchCora(folder: string): Promise<CoraDataset> {
  const text = (file: string): Promise<string> => fetchGunzipText(new URL(`${file}.gz`, folder), 'fetchCora')
  const [content, cites, split] = await Promise.all([text('cora.content'), text('cora.cites'), text('planetoid-split.json')])
  return parseCora({ content, cites, split })
}

/** The browser's `loadCora`: the data set the worker fetched. */
export function loadCora(): CoraDataset {
  if (!cora) throw new Error('loadCora: in the browser the page fetches Cora first (provideCora was not called)')
  return cora
}

export function loadLinqs(): never {
  throw new Error('loadLinqs reads a folder from disk: Node only (in a browser use parseLinqs on fetched texts)')
}
