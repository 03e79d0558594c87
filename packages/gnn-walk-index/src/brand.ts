/**
 * The Graph brand and its check, apart from the Graph class so that the tfjs entry can validate a
 * graph without bundling a second copy of the class. @internal
 */
import type { Graph } from './graph'

/** @internal Brand every Graph carries: `Symbol.for`, so graphs from any copy of the package (ESM and CJS builds, several installs) pass. */
export const GRAPH_BRAND = Symbol.for('@theoryml/gnn-walk-index/Graph')

/** @internal Validate that `graph` is a Graph (by its brand). */
export function assertGraph(graph: unknown, name = 'graph'): asserts graph is Graph {
  if ((graph as { [GRAPH_BRAND]?: unknown } | null)?.[GRAPH_BRAND] !== true) throw new Error(`${name}: expected a Graph (Graph.fromEdges(...)), got ${typeof graph}`)
}
