import type { Chart, Plugin } from 'chart.js'

/** One pane's title and the values of its series at the hovered (or latest) bar. */
export interface PaneLegend {
  /** The y scale id of the pane. */
  scale: string
  title: string
  items: readonly { label: string; color: string; dataset: number; format(v: number): string }[]
}

export interface LegendColors {
  text: string
  background: string
}

/** The bar index the legend reports: the hovered one, else the last one in view. */
function shownIndex(chart: Chart): number | undefined {
  const active = chart.tooltip?.getActiveElements()[0] ?? chart.getActiveElements()[0]
  if (active) return active.index
  const data = chart.data.datasets[0]?.data as { x: number }[] | undefined
  const max = chart.scales.x?.max
  if (!data?.length) return undefined
  if (max === undefined) return data.length - 1
  for (let i = data.length - 1; i >= 0; i--) if (data[i].x <= max) return i
  return undefined
}

/**
 * Writes each visible pane's title and legend into its top-left corner, so an RSI or MACD pane
 * says what it is and what it reads now without hovering.
 */
export function paneLegendsPlugin(get: () => { legends: readonly PaneLegend[]; colors: LegendColors }): Plugin {
  return {
    id: 'keelPaneLegends',
    afterDatasetsDraw(chart: Chart) {
      const { legends, colors } = get()
      const index = shownIndex(chart)
      const { ctx, chartArea } = chart
      ctx.save()
      ctx.font = '10px ui-monospace, SFMono-Regular, Menlo, monospace'
      ctx.textBaseline = 'top'
      for (const legend of legends) {
        const scale = chart.scales[legend.scale]
        if (!scale || scale.options.display === false || scale.bottom - scale.top < 14) continue
        let x = chartArea.left + 6
        const y = scale.top + 3
        const parts: { text: string; color: string }[] = [{ text: legend.title, color: colors.text }]
        for (const item of legend.items) {
          const raw = index === undefined ? undefined : (chart.data.datasets[item.dataset]?.data[index] as { y?: number } | undefined)?.y
          if (chart.data.datasets[item.dataset]?.hidden) continue
          parts.push({ text: `${item.label} ${raw === undefined || !Number.isFinite(raw) ? '—' : item.format(raw)}`, color: item.color })
        }
        const width = parts.reduce((w, p) => w + ctx.measureText(p.text).width + 10, 0)
        ctx.fillStyle = colors.background
        ctx.globalAlpha = 0.8
        ctx.fillRect(x - 3, y - 2, width, 14)
        ctx.globalAlpha = 1
        for (const part of parts) {
          ctx.fillStyle = part.color
          ctx.fillText(part.text, x, y)
          x += ctx.measureText(part.text).width + 10
        }
      }
      ctx.restore()
    }
  }
}
