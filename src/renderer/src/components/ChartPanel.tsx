import { useRef, useState, type JSX } from 'react'
import { Timeframe } from '../../../shared/market-data'
import { INDICATOR_PARAMS } from '../chart/price-chart'
import { useChartGestures } from '../chart/use-chart-gestures'
import { usePriceChart, type ChartStatus } from '../chart/use-price-chart'
import { useClient } from '../client-context'
import { useBotsStore } from '../stores/bots'
import { useChartAccountStore } from '../stores/chart-account'
import { usePrefsStore, type IndicatorPane, type Overlay } from '../stores/prefs'
import { ACCOUNT } from '../stores/trading'
import { Panel } from './layout/Panel'

const OVERLAYS: { key: Overlay; label: string }[] = [
  { key: 'sma', label: `SMA ${INDICATOR_PARAMS.sma}` },
  { key: 'ema', label: `EMA ${INDICATOR_PARAMS.ema}` },
  { key: 'bollinger', label: 'BB 20,2' }
]
const PANES: { key: IndicatorPane; label: string }[] = [
  { key: 'volume', label: 'Vol' },
  { key: 'rsi', label: 'RSI' },
  { key: 'macd', label: 'MACD' }
]

/** A row of on/off buttons (aria-pressed) under one group label. */
function ToggleGroup<K extends string>({ label, items, isOn, onToggle, prefix }: { label: string; items: readonly { key: K; label: string }[]; isOn(key: K): boolean; onToggle(key: K): void; prefix: string }): JSX.Element {
  return (
    <div role="group" aria-label={label} className="segmented">
      {items.map((item) => (
        <button key={item.key} type="button" aria-pressed={isOn(item.key)} aria-label={`${prefix} ${item.label}`} onClick={() => onToggle(item.key)}>
          {item.label}
        </button>
      ))}
    </div>
  )
}

const TIMEFRAMES = Timeframe.options.map((tf) => ({ key: tf, label: tf }))

/** Whose trades the chart marks: the trader's account or any bot's (the Bots tab's "Chart" sets it too). */
function TradesAccount(): JSX.Element {
  const client = useClient()
  const account = useChartAccountStore((s) => s.account)
  const setAccount = useChartAccountStore((s) => s.setAccount)
  const bots = useBotsStore((s) => s.bots)
  const options = [{ value: ACCOUNT, label: 'My account' }, ...Object.values(bots).map((b) => ({ value: b.account, label: `Bot ${b.name}` }))]
  if (!options.some((o) => o.value === account)) options.push({ value: account, label: account })
  return (
    // The bots are loaded with the Bots tab; opening the list asks for them too.
    <select className="chart-account" aria-label="Trades shown on the chart" value={account} onFocus={() => void useBotsStore.getState().refresh(client)} onChange={(e) => setAccount(e.target.value)}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  )
}

function ChartToolbar(): JSX.Element {
  const timeframe = usePrefsStore((s) => s.timeframe)
  const setTimeframe = usePrefsStore((s) => s.setTimeframe)
  const overlays = usePrefsStore((s) => s.overlays)
  const panes = usePrefsStore((s) => s.panes)
  const toggleOverlay = usePrefsStore((s) => s.toggleOverlay)
  const togglePane = usePrefsStore((s) => s.togglePane)
  return (
    <div className="toolbar">
      <ToggleGroup label="Timeframe" prefix="Timeframe" items={TIMEFRAMES} isOn={(tf) => tf === timeframe} onToggle={setTimeframe} />
      <ToggleGroup label="Overlays" prefix="Overlay" items={OVERLAYS} isOn={(key) => overlays[key]} onToggle={toggleOverlay} />
      <ToggleGroup label="Indicator panes" prefix="Pane" items={PANES} isOn={(key) => panes[key]} onToggle={togglePane} />
      <TradesAccount />
    </div>
  )
}

/** A chart's loading note or its error, over the canvas. */
export function ChartNotes({ status }: { status: ChartStatus }): JSX.Element | null {
  if (status.error)
    return (
      <p role="alert" className="chart-note error">
        {status.error}
      </p>
    )
  return status.loading ? <p className="chart-note">Loading candles…</p> : null
}

/** Candles, overlays and panes; drag or arrows pan, the wheel zooms, Home returns to now. */
export function ChartPanel(): JSX.Element {
  const client = useClient()
  const symbol = usePrefsStore((s) => s.symbol)
  const timeframe = usePrefsStore((s) => s.timeframe)
  const canvas = useRef<HTMLCanvasElement>(null)
  const [status, setStatus] = useState<ChartStatus>({ loading: true, error: null })
  const [scrolledBack, setScrolledBack] = useState(false)
  const area = useRef<HTMLDivElement>(null)
  const chart = usePriceChart(client, canvas, symbol, timeframe, setStatus, (heights) => {
    // Pane heights as data attributes: layout tests read them (a canvas has no DOM to measure).
    const el = area.current
    if (!el) return
    for (const key of ['panePrice', 'paneVol', 'paneRsi', 'paneMacd']) delete el.dataset[key]
    for (const [id, px] of Object.entries(heights)) el.dataset[`pane${id.slice(1) || 'Price'}`] = String(px)
  })
  const after = () => setScrolledBack(chart.current?.scrolledBack ?? false)
  const gestures = useChartGestures(chart, after)

  return (
    <Panel title="Chart" className="chart-panel" actions={<ChartToolbar />}>
      <div
        ref={area}
        className="chart-area"
        role="group"
        tabIndex={0}
        aria-label={`${symbol} ${timeframe} price chart (arrows pan, + and − zoom, Home returns to now)`}
        {...gestures}
      >
        <canvas ref={canvas} role="img" aria-label={`${symbol} candlestick chart, ${timeframe}`} />
        <ChartNotes status={status} />
        {scrolledBack ? (
          <button
            type="button"
            className="chart-latest"
            aria-label="Scroll chart to latest"
            onClick={() => {
              chart.current?.toLatest()
              after()
            }}
          >
            Latest ⟶
          </button>
        ) : null}
      </div>
    </Panel>
  )
}
