import { Matrix, singularValues } from '@theoryml/core'
import { describe, expect, test } from 'vitest'
import { balancednessGap, endToEnd, endToEndStep, initDeepLinear, layerGrad, singularValueDynamics } from '../src'
import { randomMatrix } from '../../../tests/matrices'

const rel = (a: Matrix, b: Matrix): number => a.clone().sub(b).norm('frobenius') / Math.max(b.norm('frobenius'), 1e-300)

/** One gradient descent step on the layers for ℓ(W) = ½‖W − T‖². */
function gdStep(ws: Matrix[], T: Matrix, lr: number): Matrix[] {
  const G = endToEnd(ws).sub(T)
  const grads = layerGrad(ws, G)
  return ws.map((w, j) => w.clone().sub((grads[j] as Matrix).clone().mul(lr)))
}

describe('endToEndStep', () => {
  test('predicts one GD step on a balanced net with an error linear in η', () => {
    for (const dims of [[4, 4, 4, 4], [3, 5, 5, 4], [4, 6, 6, 6, 2]]) {
      const ws = initDeepLinear({ dims, init: 'balanced', scale: 2, rng: 11 })
      const W = endToEnd(ws)
      const T = randomMatrix(W.rows, W.columns, 12)
      const errs = [1e-3, 1e-4].map((lr) => {
        const gd = endToEnd(gdStep(ws, T, lr))
        const e2e = endToEndStep(W, W.clone().sub(T), { depth: ws.length, lr })
        // Error relative to the size of the move.
        return rel(gd, e2e) * W.norm('frobenius') / gd.clone().sub(W).norm('frobenius')
      })
      const [e1, e2] = errs as [number, number]
      expect(e1).toBeLessThan(1e-2)
      expect(e1 / e2).toBeGreaterThan(8)
      expect(e1 / e2).toBeLessThan(12)
    }
  })

  test('balancedness drifts by O(η²) per GD step', () => {
    const ws = initDeepLinear({ dims: [4, 4, 4, 4], init: 'balanced', scale: 2, rng: 13 })
    const T = randomMatrix(4, 4, 14)
    const drift = [1e-2, 1e-3].map((lr) => balancednessGap(gdStep(ws, T, lr)))
    expect((drift[0] as number) / (drift[1] as number)).toBeGreaterThan(80)
    expect((drift[0] as number) / (drift[1] as number)).toBeLessThan(120)
  })

  test('depth 1 is plain gradient descent; the doc example holds', () => {
    const W = randomMatrix(3, 2, 15)
    const G = randomMatrix(3, 2, 16)
    expect(rel(endToEndStep(W, G, { depth: 1, lr: 0.1 }), W.clone().sub(G.clone().mul(0.1)))).toBeLessThan(1e-15)
    expect(endToEndStep([[2]], [[1]], { depth: 2, lr: 0.1 }).get(0, 0)).toBeCloseTo(1.6, 14)
  })

  test('bad input', () => {
    expect(() => endToEndStep([[1]], [[1]], { depth: 0, lr: 0.1 })).toThrow(/depth/)
    expect(() => endToEndStep([[1]], [[1]], { depth: 2, lr: -1 })).toThrow(/lr/)
    expect(() => endToEndStep([[1]], [[1, 2]], { depth: 2, lr: 0.1 })).toThrow(/gradW: expected 1 columns/)
    expect(() => endToEndStep([[NaN]], [[1]], { depth: 2, lr: 0.1 })).toThrow(/W: expected finite/)
  })
})

describe('singularValueDynamics', () => {
  test('σ̇_r = −N σ_r^{2−2/N}⟨∇, u_r v_rᵀ⟩ matches central differences of σ(W ∓ h P_W(∇))', () => {
    const W = randomMatrix(5, 4, 17)
    const G = randomMatrix(5, 4, 18)
    for (const depth of [1, 2, 3, 5]) {
      const rate = singularValueDynamics(W, G, depth)
      const h = 1e-6
      const plus = singularValues(endToEndStep(W, G, { depth, lr: h }))
      const minus = singularValues(endToEndStep(W, G.clone().mul(-1), { depth, lr: h }))
      for (let r = 0; r < rate.length; r++) {
        const fd = ((plus[r] as number) - (minus[r] as number)) / (2 * h)
        expect(Math.abs(fd - (rate[r] as number))).toBeLessThan(1e-5 * (1 + Math.abs(fd)))
      }
    }
  })

  test('the doc example and bad input', () => {
    expect(Array.from(singularValueDynamics([[4, 0], [0, 1]], [[-1, 0], [0, 0]], 2)).map((v) => v + 0)).toEqual([8, 0])
    expect(() => singularValueDynamics([[1]], [[1]], 0)).toThrow(/depth/)
    expect(() => singularValueDynamics([[1]], [[1], [2]], 2)).toThrow(/gradW/)
  })
})
