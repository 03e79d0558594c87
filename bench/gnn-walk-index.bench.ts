/**
 * @theoryml/gnn-walk-index against bench/reference/gnn-walk-index.py (numpy, the paper's algorithms
 * as written): the full 1-WIS removal order of Cora, and 2-WIS (ℓ = 2) in chunks of 100 edges.
 */
import { oneWis, wis, type Graph } from '@theoryml/gnn-walk-index'
import { loadCora } from '@theoryml/gnn-walk-index/node'
import { defineBench } from './harness'

let cached: Graph | null = null
const cora = (): Graph => (cached ??= loadCora().graph)

export default defineBench({
  name: 'gnn-walk-index',
  reference: 'gnn-walk-index.py',
  workloads: [
    { name: 'oneWis full order (Cora, 5278 edges)', setup: cora, run: (g: Graph) => oneWis(g), target: 'ahead', repeat: 5 },
    { name: 'wis length 2, chunk 100 (Cora, first 300 edges)', setup: cora, run: (g: Graph) => wis(g, { length: 2, chunkSize: 100, removeCount: 300 }), target: 'ahead', repeat: 3 },
    { name: 'wis length 2, chunk 100 (Cora, full order)', setup: cora, run: (g: Graph) => wis(g, { length: 2, chunkSize: 100 }), target: 'ahead', repeat: 3 },
  ],
})
