import type { Figure } from './experiment'

/**
 * The Vega-Lite spec of a figure (line chart with optional log axes and bands, or heatmap), usable in
 * a browser with vega-embed.
 * @example const spec = figureSpec({ kind: 'line', title: 'loss', x: { label: 'step' }, y: { label: 'loss', log: true }, lines: [...] })
 */
export function figureSpec(figure: Figure): Record<string, unknown> {
  if (figure.kind === 'line') {
    const values: Array<Record<string, unknown>> = []
    for (const line of figure.lines) {
      if (line.x.length !== line.y.length) throw new Error(`figure '${figure.title}': line '${line.name}' has ${line.x.length} x and ${line.y.length} y values`)
      line.x.forEach((x, i) => {
        const y = line.y[i] as number
        if (!Number.isFinite(x) || !Number.isFinite(y)) return
        if ((figure.x.log && x <= 0) || (figure.y.log && y <= 0)) return
        values.push({ series: line.name, x, y, lower: line.lower?.[i], upper: line.upper?.[i] })
      })
    }
    const xScale = figure.x.log ? { type: 'log' } : { zero: false }
    const yScale = figure.y.log ? { type: 'log' } : { zero: false }
    const hasBand = figure.lines.some((l) => l.lower && l.upper)
    const layers: unknown[] = [
      {
        mark: { type: 'line', point: values.length < 60 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: figure.x.label, scale: xScale },
          y: { field: 'y', type: 'quantitative', title: figure.y.label, scale: yScale },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } },
        },
      },
    ]
    if (hasBand) {
      layers.unshift({
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale },
          y: { field: 'lower', type: 'quantitative', scale: yScale },
          y2: { field: 'upper' },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } },
        },
      })
    }
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: figure.title,
      width: 480,
      height: 300,
      data: { values },
      layer: layers,
    }
  }
  const values: Array<Record<string, unknown>> = []
  figure.values.forEach((row, i) =>
    row.forEach((v, j) => values.push({ row: String(figure.yTicks?.[i] ?? i), col: String(figure.xTicks?.[j] ?? j), value: v })),
  )
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: figure.title,
    width: 400,
    height: 300,
    data: { values },
    mark: 'rect',
    encoding: {
      x: { field: 'col', type: 'ordinal', title: figure.x.label, sort: null },
      y: { field: 'row', type: 'ordinal', title: figure.y.label, sort: null },
      color: { field: 'value', type: 'quantitative' },
    },
  }
}

/**
 * Render a figure to an SVG string in Node (vega's headless SVG renderer, no canvas needed).
 * @example const svg = await renderSvg(figure)
 */
export async function renderSvg(figure: Figure): Promise<string> {
  const vl = await import('vega-lite')
  const vega = await import('vega')
  const compiled = vl.compile(figureSpec(figure) as never).spec
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' })
  const svg = await view.toSVG()
  view.finalize()
  return svg
}
