import type { Chart, Plugin } from 'chart.js'
import type { Order } from '../../../shared/trading'

export interface OrderLine {
  price: number
  side: 'buy' | 'sell'
  label: string
  /** A trigger (stop) is drawn dashed, a resting price solid-dotted, so a stop-limit's two lines differ. */
  kind: 'price' | 'trigger'
}

export interface OrderLineColors {
  buy: string
  sell: string
  labelText: string
}

const TAG_H = 16
/** The band at the top of the price pane that its legend takes (pane-legends.ts). */
const LEGEND_BAND = 17

/**
 * Tag centres for lines at `ys` (pixels, any order): each at its line unless that would put it
 * over the legend band or over the tag above it, then pushed down just enough. Tags that reach
 * the pane's bottom stack upwards from it instead, so none leaves the pane while room remains.
 * Returns the centres in the order of `ys`.
 */
export function placeTags(ys: readonly number[], top: number, bottom: number, tagH = TAG_H): number[] {
  const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y)
  const out = new Array<number>(ys.length)
  let next = top + LEGEND_BAND + tagH / 2
  for (const { y, i } of order) {
    out[i] = Math.max(y, next)
    next = out[i] + tagH + 1
  }
  let limit = bottom - tagH / 2
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k].i
    out[i] = Math.min(out[i], limit)
    limit = out[i] - tagH - 1
  }
  return out
}

/**
 * The lines of one live order: its trigger and its limit price, each labelled. A stop-limit has
 * both; a stop-market or take-profit only a trigger; a limit only a price.
 */
export function linesOfOrder(o: Order, price: (v: number) => string, amount: (v: number) => string): OrderLine[] {
  const what = `${o.side.toUpperCase()} ${o.type.replace('_', ' ')} ${amount(o.remaining)}`
  const lines: OrderLine[] = []
  const triggered = o.triggeredAt !== undefined
  if (o.stopPrice !== undefined && !triggered) lines.push({ price: o.stopPrice, side: o.side, kind: 'trigger', label: `${what} · trigger ${price(o.stopPrice)}` })
  if (o.price !== undefined) lines.push({ price: o.price, side: o.side, kind: 'price', label: `${what} · ${o.stopPrice !== undefined && !triggered ? 'limit' : '@'} ${price(o.price)}` })
  return lines
}

/**
 * Draws a horizontal line with a price tag for each open order; an order outside the visible
 * price range gets a tag pinned to the top or bottom edge with an arrow. A plugin instead of
 * datasets: lines do not take part in autoscaling.
 */
export function orderLinesPlugin(get: () => { lines: readonly OrderLine[]; colors: OrderLineColors }): Plugin {
  return {
    id: 'keelOrderLines',
    afterDatasetsDraw(chart: Chart) {
      const { lines, colors } = get()
      const y = chart.scales.y
      if (!lines.length || !y) return
      const { ctx, chartArea } = chart
      const top = y.top
      const bottom = y.bottom
      ctx.save()
      ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace'
      ctx.textBaseline = 'middle'
      const edgeCount = { above: 0, below: 0 }
      const inView = lines.filter((l) => l.price <= y.max && l.price >= y.min)
      const lineY = inView.map((l) => Math.round(y.getPixelForValue(l.price)) + 0.5)
      const tagY = placeTags(lineY, top, bottom)
      for (const line of lines) {
        const color = line.side === 'buy' ? colors.buy : colors.sell
        const above = line.price > y.max
        const below = line.price < y.min
        let py: number
        let label = line.label
        if (above || below) {
          const n = above ? edgeCount.above++ : edgeCount.below++
          py = above ? top + TAG_H / 2 + 2 + n * (TAG_H + 2) : bottom - TAG_H / 2 - 2 - n * (TAG_H + 2)
          label = `${above ? '▲' : '▼'} ${label}`
          ctx.globalAlpha = 0.8
        } else {
          const k = inView.indexOf(line)
          const ly = lineY[k]
          py = tagY[k]
          ctx.globalAlpha = 1
          ctx.strokeStyle = color
          ctx.setLineDash(line.kind === 'trigger' ? [6, 4] : [1, 2])
          ctx.lineWidth = line.kind === 'trigger' ? 1 : 1.5
          ctx.beginPath()
          ctx.moveTo(chartArea.left, ly)
          ctx.lineTo(chartArea.right, ly)
          ctx.stroke()
          ctx.setLineDash([])
          if (Math.abs(py - ly) > TAG_H / 2) {
            // A tag moved off its line keeps a short lead to it.
            ctx.beginPath()
            ctx.moveTo(chartArea.left + 2, ly)
            ctx.lineTo(chartArea.left + 2, py)
            ctx.stroke()
          }
        }
        const width = ctx.measureText(label).width + 8
        // Off-screen orders are tagged at the price axis, clear of the pane legend at the left.
        const x = above || below ? chartArea.right - width - 4 : chartArea.left + 4
        ctx.fillStyle = color
        ctx.fillRect(x, py - TAG_H / 2, width, TAG_H)
        ctx.fillStyle = colors.labelText
        ctx.fillText(label, x + 4, py)
      }
      ctx.restore()
    }
  }
}
