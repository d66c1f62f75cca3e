import {
  BarController,
  BarElement,
  Chart,
  Filler,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  ScatterController,
  TimeSeriesScale,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type Scale
} from 'chart.js'
import 'chartjs-adapter-date-fns'
import { CandlestickController, CandlestickElement } from 'chartjs-chart-financial'
import { bollinger, ema, macd, rsi, sma, type Series } from '../indicators'
import { formatCompact, formatFixed } from '../lib/format'
import type { IndicatorPane, Overlay } from '../stores/prefs'
import type { CandleSeries } from './candle-series'
import { orderLinesPlugin, type OrderLine } from './order-lines'
import { paneLegendsPlugin, type PaneLegend } from './pane-legends'
import { markerDataset, type MarkerPoint } from './trade-markers'

Chart.register(CandlestickController, CandlestickElement, BarController, BarElement, LineController, LineElement, PointElement, ScatterController, LinearScale, TimeSeriesScale, Tooltip, Filler)

export interface ChartTheme {
  up: string
  down: string
  text: string
  grid: string
  sma: string
  ema: string
  band: string
  bandFill: string
  rsi: string
  macd: string
  signal: string
  volumeUp: string
  volumeDown: string
  buy: string
  sell: string
  tagText: string
  /** Tooltip and legend backgrounds, borders and strong text. */
  panel?: string
  border?: string
  strong?: string
}

export interface ChartView {
  overlays: Record<Overlay, boolean>
  panes: Record<IndicatorPane, boolean>
  priceDecimals: number
}

interface XY {
  x: number
  y: number
}
interface OHLC {
  x: number
  o: number
  h: number
  l: number
  c: number
}

export const INDICATOR_PARAMS = { sma: 20, ema: 50, bollinger: [20, 2], rsi: 14, macd: [12, 26, 9] } as const
const MIN_VISIBLE = 20
const MAX_VISIBLE = 600
/** Ask for older candles when the view comes this close (bars) to the oldest loaded one. */
const PREFETCH_BARS = 30
type PaneScale = 'y' | 'yVol' | 'yRsi' | 'yMacd'
/** Indicator panes' share of the height, with a floor in px so a pane stays readable in a short chart. */
const PANE_SHARE: Record<Exclude<PaneScale, 'y'>, number> = { yVol: 0.14, yRsi: 0.18, yMacd: 0.18 }
const PANE_MIN_PX: Record<Exclude<PaneScale, 'y'>, number> = { yVol: 40, yRsi: 64, yMacd: 64 }
/** The price pane keeps at least this share, whatever the panes ask for. */
const PRICE_MIN_SHARE = 0.45
/** Ticks closer than this to a pane's edge are dropped: they would collide with the next pane's labels. */
const EDGE_PX = 9
/** chart.js treats a stack weight of 0 as 1: a hidden pane gets a weight that rounds to no pixels. */
const HIDDEN_WEIGHT = 1e-6

/** Dataset indices: fixed, so updates address datasets without searching. */
const DS = { candles: 0, sma: 1, ema: 2, bbUpper: 3, bbLower: 4, bbMid: 5, buys: 6, sells: 7, volume: 8, rsi: 9, macd: 10, signal: 11, hist: 12 } as const

type Scales = NonNullable<NonNullable<ChartConfiguration['options']>['scales']>
type AnyDataset = ChartDataset<'line' | 'bar' | 'scatter', XY[]> | ChartDataset<'candlestick', OHLC[]>

const toXY = (xs: readonly number[], ys: Series): XY[] => xs.map((x, i) => ({ x, y: ys[i] ?? Number.NaN }))

/**
 * The trading chart: candles, volume, overlays and indicator panes in one chart.js instance
 * with stacked y axes. Built once; live data mutates the datasets in place and redraws with
 * `update('none')` (no animation, no rebuild). The view is a window of bars that the trader
 * pans (drag, arrows) and zooms (wheel); reaching the oldest bar asks for more history.
 */
export class PriceChart {
  private readonly chart: Chart
  private lines: OrderLine[] = []
  private theme: ChartTheme
  private view: ChartView
  private visible = 120
  private offset = 0
  private times: number[] = []
  private askedOlderAt: number | undefined
  private height = 0
  onNeedOlder: (() => void) | undefined
  /** Heights in px of the price pane and each shown indicator pane, after every layout. */
  onLayout: ((heights: Record<string, number>) => void) | undefined

  constructor(canvas: HTMLCanvasElement, theme: ChartTheme, view: ChartView) {
    this.theme = theme
    this.view = view
    const config = {
      type: 'candlestick',
      data: { datasets: this.emptyDatasets() },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false, axis: 'x' },
        plugins: { legend: { display: false }, tooltip: this.tooltip() },
        scales: this.scales(),
        onResize: (_chart: Chart, size: { height: number }) => {
          this.height = size.height
          this.applyPaneWeights()
        }
      },
      plugins: [
        orderLinesPlugin(() => ({ lines: this.lines, colors: { buy: this.theme.buy, sell: this.theme.sell, labelText: this.theme.tagText } })),
        {
          id: 'keelPaneHeights',
          afterLayout: (chart: Chart) => {
            const heights: Record<string, number> = {}
            for (const id of ['y', 'yVol', 'yRsi', 'yMacd']) {
              const scale = chart.scales[id]
              if (scale && scale.options.display !== false) heights[id] = Math.round(scale.height)
            }
            this.onLayout?.(heights)
          }
        },
        paneLegendsPlugin(() => ({ legends: this.legends(), colors: { text: this.theme.strong ?? this.theme.text, background: this.theme.panel ?? 'transparent' } }))
      ]
    }
    this.chart = new Chart(canvas, config as unknown as ChartConfiguration)
    // The chart.js instance behind the canvas, for devtools and the browser tests (a canvas has no DOM to read).
    Object.defineProperty(canvas, 'chartjs', { value: this.chart, configurable: true })
    this.height = this.chart.height
    this.applyPaneWeights()
  }

  destroy(): void {
    this.chart.destroy()
  }

  /**
   * Brings the datasets in line with the series: 'reset' rebuilds them, 'live' rewrites the bar
   * shown last and appends what came after it. A frame may carry several live changes (the last
   * trades of a period and the first of the next; minutes of a background tab without frames).
   */
  setSeries(series: CandleSeries, scope: 'reset' | 'live'): void {
    const { candles } = series
    const ds = this.chart.data.datasets as unknown as AnyDataset[]
    const closes = candles.map((c) => c[4])
    if (scope === 'reset' || this.times.length === 0) {
      this.times = candles.map((c) => c[0])
      ds[DS.candles].data = candles.map(([x, o, h, l, c]) => ({ x, o, h, l, c }))
      ds[DS.volume].data = candles.map(([x, , , , , v]) => ({ x, y: v }))
      this.colorVolume()
      this.recomputeIndicators(closes, 0)
    } else {
      const from = this.times.length - 1
      const bars = ds[DS.candles].data as OHLC[]
      const vols = ds[DS.volume].data as XY[]
      for (let i = from; i < candles.length; i++) {
        const [x, o, h, l, c, v] = candles[i]
        this.times[i] = x
        bars[i] = { x, o, h, l, c }
        vols[i] = { x, y: v }
      }
      if (this.offset > 0) this.offset += candles.length - 1 - from // keep a scrolled-back view where it is
      this.colorVolume(from)
      this.recomputeIndicators(closes, from)
    }
    this.applyWindow()
    this.chart.update('none')
  }

  /** Trades (see trade-markers.ts): buys ▲ from below, sells ▼ from above their price. */
  setMarks({ buys, sells }: { buys: MarkerPoint[]; sells: MarkerPoint[] }): void {
    const ds = this.chart.data.datasets
    ds[DS.buys].data = buys
    ds[DS.sells].data = sells
    this.chart.update('none')
  }

  setOrderLines(lines: OrderLine[]): void {
    this.lines = lines
    this.chart.draw()
  }

  setView(view: ChartView): void {
    this.view = view
    this.chart.options.scales = this.scales()
    this.applyPaneWeights()
    this.applyVisibility()
    this.applyWindow()
    this.chart.update('none')
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme
    const next = this.emptyDatasets()
    this.chart.data.datasets.forEach((dataset, i) => {
      const { data: _keep, ...style } = next[i] as unknown as Record<string, unknown>
      Object.assign(dataset, style)
    })
    this.chart.options.scales = this.scales()
    if (this.chart.options.plugins) this.chart.options.plugins.tooltip = this.tooltip()
    this.applyPaneWeights()
    this.colorVolume()
    this.applyWindow()
    this.chart.update('none')
  }

  /** Positive bars = further back in time. */
  pan(bars: number): void {
    const maxOffset = Math.max(0, this.times.length - MIN_VISIBLE)
    this.offset = Math.round(Math.min(maxOffset, Math.max(0, this.offset + bars)))
    this.applyWindow()
    this.chart.update('none')
  }

  /** factor > 1 shows more bars. */
  zoom(factor: number): void {
    this.visible = Math.round(Math.min(MAX_VISIBLE, Math.max(MIN_VISIBLE, this.visible * factor)))
    this.applyWindow()
    this.chart.update('none')
  }

  toLatest(): void {
    this.offset = 0
    this.applyWindow()
    this.chart.update('none')
  }

  get scrolledBack(): boolean {
    return this.offset > 0
  }

  /** Bars per CSS pixel, for turning a drag into a pan. */
  barsPerPixel(): number {
    const area = this.chart.chartArea
    return area ? this.visible / Math.max(1, area.right - area.left) : 0
  }

  /** Older candles were put in front of the series: keep the same bars in view. */
  prepended(series: CandleSeries): void {
    this.askedOlderAt = undefined
    this.setSeries(series, 'reset')
  }

  /** Stack weights in px: each shown pane gets its share (at least its floor), the price the rest. */
  private applyPaneWeights(): void {
    // chart.js may report a size while the constructor still runs, before `chart` is set.
    const scales = this.chart?.options.scales as Record<string, { stackWeight?: number }> | undefined
    if (!scales) return
    const { panes } = this.view
    const h = Math.max(1, this.height)
    const shown: Record<Exclude<PaneScale, 'y'>, boolean> = { yVol: panes.volume, yRsi: panes.rsi, yMacd: panes.macd }
    const want: Record<Exclude<PaneScale, 'y'>, number> = { yVol: 0, yRsi: 0, yMacd: 0 }
    for (const key of Object.keys(want) as Exclude<PaneScale, 'y'>[]) if (shown[key]) want[key] = Math.max(PANE_MIN_PX[key], h * PANE_SHARE[key])
    const asked = want.yVol + want.yRsi + want.yMacd
    const room = h * (1 - PRICE_MIN_SHARE)
    const scale = asked > room ? room / asked : 1
    for (const key of Object.keys(want) as Exclude<PaneScale, 'y'>[]) if (scales[key]) scales[key].stackWeight = shown[key] ? want[key] * scale : HIDDEN_WEIGHT
    if (scales.y) scales.y.stackWeight = Math.max(1, h - asked * scale)
  }

  /** Titles and current values per pane (see pane-legends.ts). */
  private legends(): PaneLegend[] {
    const t = this.theme
    const { overlays, panes, priceDecimals } = this.view
    const price = (v: number) => formatFixed(v, priceDecimals)
    const out: PaneLegend[] = []
    const overlayItems: PaneLegend['items'][number][] = []
    if (overlays.sma) overlayItems.push({ label: `SMA ${INDICATOR_PARAMS.sma}`, color: t.sma, dataset: DS.sma, format: price })
    if (overlays.ema) overlayItems.push({ label: `EMA ${INDICATOR_PARAMS.ema}`, color: t.ema, dataset: DS.ema, format: price })
    if (overlays.bollinger) overlayItems.push({ label: 'BB up', color: t.band, dataset: DS.bbUpper, format: price }, { label: 'low', color: t.band, dataset: DS.bbLower, format: price })
    if (overlayItems.length) out.push({ scale: 'y', title: '', items: overlayItems })
    if (panes.volume) out.push({ scale: 'yVol', title: 'Volume', items: [{ label: '', color: t.text, dataset: DS.volume, format: formatCompact }] })
    if (panes.rsi) out.push({ scale: 'yRsi', title: `RSI ${INDICATOR_PARAMS.rsi}`, items: [{ label: '', color: t.rsi, dataset: DS.rsi, format: (v) => v.toFixed(2) }] })
    if (panes.macd)
      out.push({
        scale: 'yMacd',
        title: `MACD ${INDICATOR_PARAMS.macd.join(',')}`,
        items: [
          { label: 'MACD', color: t.macd, dataset: DS.macd, format: price },
          { label: 'Signal', color: t.signal, dataset: DS.signal, format: price },
          { label: 'Hist', color: t.band, dataset: DS.hist, format: price }
        ]
      })
    return out
  }

  /** The theme's tooltip, with every number in the format its pane uses. */
  private tooltip(): Record<string, unknown> {
    const t = this.theme
    const price = (v: number) => formatFixed(v, this.view.priceDecimals)
    const mono = { family: 'ui-monospace, SFMono-Regular, Menlo, monospace', size: 11 }
    return {
      enabled: true,
      backgroundColor: t.panel ?? 'rgba(0,0,0,0.8)',
      borderColor: t.border ?? t.grid,
      borderWidth: 1,
      titleColor: t.strong ?? t.text,
      bodyColor: t.strong ?? t.text,
      titleFont: { ...mono, weight: 'bold' },
      bodyFont: mono,
      padding: 8,
      cornerRadius: 4,
      boxWidth: 8,
      boxHeight: 8,
      usePointStyle: true,
      caretSize: 0,
      filter: (item: { datasetIndex: number; raw: unknown }) => {
        if (item.datasetIndex === DS.buys || item.datasetIndex === DS.sells) return false
        const y = (item.raw as { y?: number } | undefined)?.y
        return item.datasetIndex === DS.candles || (y !== undefined && Number.isFinite(y))
      },
      callbacks: {
        label: (item: { datasetIndex: number; dataset: { label?: string }; raw: unknown }) => {
          const raw = item.raw as { o?: number; h?: number; l?: number; c?: number; y?: number }
          if (item.datasetIndex === DS.candles) return `O ${price(raw.o ?? NaN)}  H ${price(raw.h ?? NaN)}  L ${price(raw.l ?? NaN)}  C ${price(raw.c ?? NaN)}`
          const y = raw.y ?? NaN
          if (item.datasetIndex === DS.volume) return `Volume ${formatCompact(y)}`
          if (item.datasetIndex === DS.rsi) return `${item.dataset.label ?? 'RSI'} ${y.toFixed(2)}`
          return `${item.dataset.label ?? ''} ${price(y)}`
        }
      }
    }
  }

  private applyWindow(): void {
    const n = this.times.length
    const x = this.chart.options.scales?.x
    if (!x || n === 0) return
    const end = Math.max(0, n - 1 - this.offset)
    const start = Math.max(0, end - this.visible + 1)
    x.min = this.times[start]
    x.max = this.times[end]
    if (start <= PREFETCH_BARS && this.onNeedOlder && this.askedOlderAt !== this.times[0]) {
      this.askedOlderAt = this.times[0]
      this.onNeedOlder()
    }
  }

  /** Rewrites the shown indicators from bar `from` on: a value depends only on closes up to its bar. */
  private recomputeIndicators(closes: number[], from: number): void {
    const { overlays, panes } = this.view
    const ds = this.chart.data.datasets as unknown as AnyDataset[]
    const write = (index: number, values: Series) => {
      const data = ds[index].data as XY[]
      if (from === 0 || data.length === 0) {
        ds[index].data = toXY(this.times, values)
        return
      }
      for (let i = from; i < values.length; i++) data[i] = { x: this.times[i], y: values[i] ?? Number.NaN }
    }
    if (overlays.sma) write(DS.sma, sma(closes, INDICATOR_PARAMS.sma))
    if (overlays.ema) write(DS.ema, ema(closes, INDICATOR_PARAMS.ema))
    if (overlays.bollinger) {
      const bands = bollinger(closes, ...INDICATOR_PARAMS.bollinger)
      write(DS.bbUpper, bands.upper)
      write(DS.bbLower, bands.lower)
      write(DS.bbMid, bands.middle)
    }
    if (panes.rsi) write(DS.rsi, rsi(closes, INDICATOR_PARAMS.rsi))
    if (panes.macd) {
      const m = macd(closes, ...INDICATOR_PARAMS.macd)
      write(DS.macd, m.macd)
      write(DS.signal, m.signal)
      write(DS.hist, m.histogram)
    }
  }

  /** Dataset visibility follows the view; newly shown indicators need a full compute. */
  private applyVisibility(): void {
    const { overlays, panes } = this.view
    const hidden: Record<number, boolean> = {
      [DS.sma]: !overlays.sma,
      [DS.ema]: !overlays.ema,
      [DS.bbUpper]: !overlays.bollinger,
      [DS.bbLower]: !overlays.bollinger,
      [DS.bbMid]: !overlays.bollinger,
      [DS.volume]: !panes.volume,
      [DS.rsi]: !panes.rsi,
      [DS.macd]: !panes.macd,
      [DS.signal]: !panes.macd,
      [DS.hist]: !panes.macd
    }
    this.chart.data.datasets.forEach((d, i) => {
      if (i in hidden) d.hidden = hidden[i]
    })
    const bars = this.chart.data.datasets[DS.candles].data as unknown as OHLC[]
    this.recomputeIndicators(bars.map((b) => b.c), 0)
  }

  private colorVolume(from = 0): void {
    const bars = this.chart.data.datasets[DS.candles].data as unknown as OHLC[]
    const vol = this.chart.data.datasets[DS.volume] as ChartDataset<'bar'>
    const colors = Array.isArray(vol.backgroundColor) ? (vol.backgroundColor as string[]) : []
    if (from === 0) colors.length = 0
    for (let i = from; i < bars.length; i++) colors[i] = bars[i].c >= bars[i].o ? this.theme.volumeUp : this.theme.volumeDown
    vol.backgroundColor = colors
  }

  private emptyDatasets(): AnyDataset[] {
    const t = this.theme
    const { overlays, panes } = this.view
    const line = (label: string, color: string, yAxisID: string, hidden: boolean, extra: Record<string, unknown> = {}) =>
      ({ type: 'line', label, data: [], borderColor: color, borderWidth: 1.2, pointRadius: 0, yAxisID, hidden, spanGaps: false, ...extra }) as unknown as AnyDataset
    const marker = (side: 'buy' | 'sell', label: string) => markerDataset(side, label, { buy: t.buy, sell: t.sell, outline: t.tagText }) as unknown as AnyDataset
    return [
      {
        type: 'candlestick',
        label: 'Price',
        data: [],
        yAxisID: 'y',
        borderColors: { up: t.up, down: t.down, unchanged: t.text },
        backgroundColors: { up: t.up, down: t.down, unchanged: t.text }
      } as unknown as AnyDataset,
      line(`SMA ${INDICATOR_PARAMS.sma}`, t.sma, 'y', !overlays.sma),
      line(`EMA ${INDICATOR_PARAMS.ema}`, t.ema, 'y', !overlays.ema),
      line('BB upper', t.band, 'y', !overlays.bollinger),
      line('BB lower', t.band, 'y', !overlays.bollinger, { fill: '-1', backgroundColor: t.bandFill }),
      line('BB middle', t.band, 'y', !overlays.bollinger, { borderDash: [4, 4] }),
      marker('buy', 'Buys'),
      marker('sell', 'Sells'),
      { type: 'bar', label: 'Volume', data: [], yAxisID: 'yVol', hidden: !panes.volume, backgroundColor: [], barPercentage: 0.8, categoryPercentage: 0.9 } as unknown as AnyDataset,
      line(`RSI ${INDICATOR_PARAMS.rsi}`, t.rsi, 'yRsi', !panes.rsi),
      line('MACD', t.macd, 'yMacd', !panes.macd),
      line('Signal', t.signal, 'yMacd', !panes.macd),
      { type: 'bar', label: 'Histogram', data: [], yAxisID: 'yMacd', hidden: !panes.macd, backgroundColor: t.band } as unknown as AnyDataset
    ]
  }

  private scales(): Scales {
    const t = this.theme
    const { panes, priceDecimals } = this.view
    const font = { family: 'ui-monospace, SFMono-Regular, Menlo, monospace', size: 10 }
    const grid = { color: t.grid, drawTicks: false }
    const side = { position: 'right', stack: 'panes', offset: false, border: { color: t.grid }, ticks: { color: t.text, font, padding: 4, maxTicksLimit: 4 } }
    const pane = (shown: boolean, _key: PaneScale) => ({ display: shown, stackWeight: shown ? 1 : HIDDEN_WEIGHT })
    // Drops ticks at a pane's edges, where they would print over the neighbouring pane's labels.
    const awayFromEdges = (scale: Scale) => {
      const range = scale.max - scale.min
      if (!(range > 0)) return
      scale.ticks = scale.ticks.filter((tick) => {
        const px = ((tick.value - scale.min) / range) * scale.height
        return px >= EDGE_PX && scale.height - px >= EDGE_PX
      })
    }
    const x = this.chart?.options.scales?.x
    return {
      x: {
        type: 'timeseries',
        offset: true,
        min: x?.min,
        max: x?.max,
        grid,
        border: { color: t.grid },
        ticks: { color: t.text, font, maxRotation: 0, autoSkipPadding: 24, padding: 4 },
        time: { displayFormats: { minute: 'HH:mm', hour: 'HH:mm', day: 'MMM d', month: 'MMM yyyy' }, tooltipFormat: 'yyyy-MM-dd HH:mm' }
      },
      y: { ...side, ...pane(true, 'y'), grid, grace: '4%', afterBuildTicks: awayFromEdges, ticks: { ...side.ticks, maxTicksLimit: 8, callback: (v: number | string) => formatFixed(Number(v), priceDecimals) } },
      // No volume labels: they would collide with the price axis above; the tooltip has the numbers.
      yVol: { ...side, ...pane(panes.volume, 'yVol'), beginAtZero: true, grid: { display: false }, ticks: { ...side.ticks, display: false } },
      yRsi: {
        ...side,
        ...pane(panes.rsi, 'yRsi'),
        min: 0,
        max: 100,
        grid,
        afterBuildTicks: (scale: Scale) => {
          scale.ticks = [30, 70].map((value) => ({ value }))
        }
      },
      yMacd: {
        ...side,
        ...pane(panes.macd, 'yMacd'),
        grid,
        afterBuildTicks: awayFromEdges,
        ticks: { ...side.ticks, maxTicksLimit: 3, callback: (v: number | string) => formatFixed(Number(v), priceDecimals) }
      }
    } as unknown as Scales
  }
}
