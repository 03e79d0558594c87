/**
 * The paper pages of the site and what their live demos let a reader change. Each entry names an
 * example under examples/<name>/ (its run.ts is the module the page's worker imports, the same one
 * `pnpm repro <name>` runs); `params` are config keys (dotted paths into the example's config) shown
 * as inputs; `demo` is a config override for the page, applied through resolveConfig like any other,
 * where the quick mode takes longer than a reader should wait (the page says so).
 */
export interface DemoParam {
  /** Dotted path into the config, e.g. 'completion.initScale'. */
  key: string
  label: string
  /** A number, or a comma-separated list of numbers. */
  kind: 'number' | 'numbers'
}

export interface Paper {
  name: string
  title: string
  /** Runs on the tfjs track (the page shows the backend). */
  tf: boolean
  /** Fetches Cora from the site's static files. */
  cora?: boolean
  /** Fetches tensor-factorization's shipped data sets (digits, breast cancer, wine) from the site's static files. */
  datasets?: boolean
  params: DemoParam[]
  /** Config override of the page's demo (deep-merged over the quick configuration). */
  demo?: Record<string, unknown>
  /** Why the demo differs from the quick mode, shown on the page. */
  demoNote?: string
}

export const PAPERS: Paper[] = [
  {
    name: 'least-squares',
    title: 'Least squares (worked example)',
    tf: false,
    params: [
      { key: 'samples', label: 'samples', kind: 'number' },
      { key: 'features', label: 'features', kind: 'number' },
      { key: 'noise', label: 'label noise', kind: 'number' },
    ],
  },
  {
    name: 'linear-nets',
    title: 'Deep linear networks',
    tf: false,
    params: [
      { key: 'completion.depths', label: 'depths (completion)', kind: 'numbers' },
      { key: 'completion.initScale', label: 'init scale (completion)', kind: 'number' },
      { key: 'norms.depth', label: 'depth (norms)', kind: 'number' },
    ],
  },
  {
    name: 'tensor-factorization',
    title: 'Tensor factorization',
    tf: true,
    params: [
      { key: 'recovery.initStd', label: 'init std (CP recovery)', kind: 'number' },
      { key: 'recovery.observed', label: 'observed entries (CP recovery)', kind: 'numbers' },
      { key: 'hierarchical.initStd', label: 'init std (HTF)', kind: 'number' },
    ],
    demo: { recovery: { seeds: 3 }, regularization: { seeds: 3 } },
    demoNote: 'The page runs 3 seeds instead of the quick mode’s 5 for CP recovery and for the regularizer against locality (medians over 3 seeds); everything else is the quick configuration.',
  },
  {
    name: 'entanglement',
    title: 'Entanglement and locally connected nets',
    tf: true,
    datasets: true,
    params: [
      { key: 'swaps', label: 'random swaps', kind: 'numbers' },
      { key: 'steps', label: 'training steps', kind: 'number' },
    ],
  },
  {
    name: 'ssm-poisoning',
    title: 'SSM poisoning',
    tf: true,
    params: [
      { key: 'full.special', label: 'special sequence length (A, B, C trained)', kind: 'number' },
      { key: 'network.special', label: 'special sequence length (network)', kind: 'number' },
    ],
  },
  {
    name: 'lqr-extrapolation',
    title: 'LQR extrapolation',
    tf: true,
    params: [
      { key: 'n', label: 'state dimension', kind: 'number' },
      { key: 'seeds', label: 'random systems', kind: 'number' },
    ],
  },
  {
    name: 'gnn-walk-index',
    title: 'GNN walk index (WIS)',
    tf: true,
    cora: true,
    params: [
      { key: 'removeFractions', label: 'fractions of edges removed', kind: 'numbers' },
      { key: 'depth', label: 'GCN depth', kind: 'number' },
    ],
    demo: { removeFractions: [0.7], accuracyClaims: [['1-WIS', 0.7, 0.05], ['2-WIS', 0.7, 0.05]], seeds: 1, interactionSeeds: 2 },
    demoNote: 'The page trains the Cora GCNs at one fraction of edges removed, 0.7, with one seed (the quick mode: 0.5 and 0.7, two seeds), and the interaction task with 2 seeds instead of 3; isolated vertices are still counted at every fraction. `pnpm repro gnn-walk-index` runs the quick mode.',
  },
  {
    name: 'likelihood-displacement',
    title: 'Likelihood displacement',
    tf: false,
    params: [
      { key: 'polarity.strong', label: 'polarity strength (catastrophic)', kind: 'number' },
      { key: 'filter.removeFraction', label: 'fraction of pairs filtered', kind: 'number' },
    ],
  },
  {
    name: 'vanishing-gradients',
    title: 'Vanishing gradients in RL finetuning',
    tf: true,
    params: [
      { key: 'p0s', label: 'initial probabilities p0', kind: 'numbers' },
      { key: 'sftFraction', label: 'SFT fraction', kind: 'number' },
    ],
  },
  {
    name: 'length-generalization',
    title: 'Length generalization (RASP)',
    tf: true,
    params: [
      { key: 'count.trainMax', label: 'count: longest training length', kind: 'number' },
      { key: 'count.steps', label: 'count: training steps', kind: 'number' },
    ],
    demo: { count: { seeds: [0, 1] } },
    demoNote: 'The page trains count with 2 seeds per recipe instead of the quick mode’s 3 (medians over 2 seeds).',
  },
]

/** The entry of one example, or an error naming the known ones. */
export function paper(name: string): Paper {
  const p = PAPERS.find((x) => x.name === name)
  if (!p) throw new Error(`paper: unknown example '${name}' (known: ${PAPERS.map((x) => x.name).join(', ')})`)
  return p
}

/** Read a dotted path of a config. */
export function getPath(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)
}

/** A config override that sets one dotted path (merged deeply by resolveConfig). */
export function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.')
  let o = target
  for (const k of parts.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>
  o[parts.at(-1)!] = value
}
