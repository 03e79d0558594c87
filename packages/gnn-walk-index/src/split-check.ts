/** @internal A split's parts must not share a vertex and must not repeat one (a test set equal to the train set measures nothing). */
export function assertDisjointSplit(split: { train: ArrayLike<number>; val: ArrayLike<number>; test: ArrayLike<number> }, name: string): void {
  const seen = new Map<number, string>()
  for (const part of ['train', 'val', 'test'] as const) {
    const idx = split[part]
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i] as number
      const other = seen.get(v)
      if (other === part) throw new Error(`${name}.${part}: vertex ${v} appears twice`)
      if (other !== undefined) throw new Error(`${name}.${part}: vertex ${v} is also in ${name}.${other} (the parts of a split must be disjoint)`)
      seen.set(v, part)
    }
  }
}
