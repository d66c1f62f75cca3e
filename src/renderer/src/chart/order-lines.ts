import type { Chart, Plugin } from 'chart.js'

export interface OrderLine {
  price: number
  side: 'buy' | 'sell'
  label: string
}

export interface OrderLineColors {
  buy: string
  sell: string
  labelText: string
}

/**
 * Draws a dashed horizontal line with a price tag for each open order. A plugin instead of
 * datasets: lines do not take part in x/y autoscaling beyond what the price axis shows.
 */
export function orderLinesPlugin(get: () => { lines: readonly OrderLine[]; colors: OrderLineColors }): Plugin {
  return {
    id: 'keelOrderLines',
    afterDatasetsDraw(chart: Chart) {
      const { lines, colors } = get()
      const y = chart.scales.y
      if (!lines.length || !y) return
      const { ctx, chartArea } = chart
      ctx.save()
      ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace'
      ctx.textBaseline = 'middle'
      for (const line of lines) {
        if (line.price < y.min || line.price > y.max) continue
        const py = Math.round(y.getPixelForValue(line.price)) + 0.5
        const color = line.side === 'buy' ? colors.buy : colors.sell
        ctx.strokeStyle = color
        ctx.setLineDash([4, 3])
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(chartArea.left, py)
        ctx.lineTo(chartArea.right, py)
        ctx.stroke()
        ctx.setLineDash([])
        const width = ctx.measureText(line.label).width + 8
        ctx.fillStyle = color
        ctx.fillRect(chartArea.left + 4, py - 8, width, 16)
        ctx.fillStyle = colors.labelText
        ctx.fillText(line.label, chartArea.left + 8, py)
      }
      ctx.restore()
    }
  }
}
