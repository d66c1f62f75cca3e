import type { ChartTheme } from './price-chart'

/** Chart colours come from the CSS theme variables, so one stylesheet themes everything. */
export function readChartTheme(element: Element): ChartTheme {
  const css = getComputedStyle(element)
  const v = (name: string) => css.getPropertyValue(name).trim()
  return {
    up: v('--up'),
    down: v('--down'),
    text: v('--text-dim'),
    grid: v('--grid'),
    sma: v('--sma'),
    ema: v('--ema'),
    band: v('--band'),
    bandFill: v('--band-fill'),
    rsi: v('--rsi'),
    macd: v('--macd'),
    signal: v('--signal'),
    volumeUp: v('--volume-up'),
    volumeDown: v('--volume-down'),
    buy: v('--buy'),
    sell: v('--sell'),
    tagText: v('--tag-text'),
    panel: v('--panel'),
    border: v('--border'),
    strong: v('--text')
  }
}
