/** Test matrices shared by the packages' tests. */
import { Matrix, createRng } from '@theoryml/core'

/** A rows × cols matrix of standard normal entries from createRng(seed), filled row by row. */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed)
  const m = new Matrix(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, rng.normal())
  return m
}
