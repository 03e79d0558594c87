import { describe, expect, test } from 'vitest'
import { figureSpec, type LineFigure } from '../src/index'
import { renderSvg } from '../src/node'

const fig: LineFigure = {
  kind: 'line',
  title: 'loss over steps',
  x: { label: 'step' },
  y: { label: 'loss', log: true },
  lines: [
    { name: 'depth 1', x: [0, 1, 2], y: [1, 0.1, 0.01], lower: [0.5, 0.05, 0.005], upper: [2, 0.2, 0.02] },
    { name: 'depth 3', x: [0, 1, 2], y: [1, 0.5, 0] },
  ],
}

describe('plots', () => {
  test('Vega-Lite spec drops points a log axis cannot show and keeps the band', () => {
    const spec = figureSpec(fig) as { data: { values: unknown[] }; layer: unknown[] }
    expect(spec.data.values).toHaveLength(5)
    expect(spec.layer).toHaveLength(2)
  })

  test('renders SVG headless with title, axis labels and legend', async () => {
    const svg = await renderSvg(fig)
    expect(svg.startsWith('<svg')).toBe(true)
    for (const text of ['loss over steps', 'step', 'depth 1', 'depth 3']) expect(svg).toContain(text)
    const heat = await renderSvg({ kind: 'heatmap', title: 'grid', x: { label: 'a' }, y: { label: 'b' }, values: [[1, 2], [3, 4]], xTicks: ['p', 'q'] })
    expect(heat).toContain('grid')
  })

  test('mismatched line lengths get a named error', () => {
    expect(() => figureSpec({ ...fig, lines: [{ name: 'bad', x: [1, 2], y: [1] }] })).toThrow(/line 'bad' has 2 x and 1 y/)
  })
})
