import type { JSX } from 'react'
import type { ConnectionState } from '../client'
import { formatCompact, formatDuration } from '../lib/format'
import { formatMoney, formatPercentChange, formatSignedMoney, marketFormat } from '../lib/numbers'
import { useConnectionStore } from '../stores/connection'
import { useHealthStore } from '../stores/health'
import { changePercent, useMarketStore } from '../stores/market'
import { usePrefsStore } from '../stores/prefs'
import { useTradingStore } from '../stores/trading'
import { SettingsButton } from './settings/SettingsPanel'

function SymbolQuote(): JSX.Element {
  const symbol = usePrefsStore((s) => s.symbol)
  const ticker = useMarketStore((s) => s.tickers[symbol])
  const market = useMarketStore((s) => s.markets[symbol])
  const f = marketFormat(market)
  const change = changePercent(ticker)
  const tone = change === undefined ? '' : change >= 0 ? 'up' : 'down'
  // Wide enough for this market's prices (so ticks do not shift the header), no wider.
  const priceWidth = `${Math.max(6, f.price(ticker?.high24h ?? ticker?.last).length + 1)}ch`
  return (
    <div className="quote" role="group" aria-label={`${symbol} quote`}>
      <strong className="quote-symbol">{symbol}</strong>
      <span className={`quote-last num ${tone}`} aria-label="Last price" style={{ minWidth: priceWidth }}>
        {f.price(ticker?.last)}
      </span>
      <span className={`num ${tone}`}>{formatPercentChange(change)}</span>
      <span className="stat stat-24h">
        <small>24h high</small> <span className="num" style={{ minWidth: priceWidth }}>{f.price(ticker?.high24h)}</span>
      </span>
      <span className="stat stat-24h">
        <small>24h low</small> <span className="num" style={{ minWidth: priceWidth }}>{f.price(ticker?.low24h)}</span>
      </span>
      <span className="stat stat-24h stat-vol">
        <small>24h vol</small> <span className="num">{ticker?.baseVolume24h === undefined ? '—' : formatCompact(ticker.baseVolume24h)}</span>
      </span>
    </div>
  )
}

const CONNECTION_LABEL: Record<Exclude<ConnectionState, 'open'>, string> = {
  connecting: 'connecting to host',
  silent: 'host not responding',
  reconnecting: 'host reconnecting',
  unauthorized: 'access refused'
}

function FeedBadge(): JSX.Element {
  const exchange = useMarketStore((s) => s.exchange)
  const symbol = usePrefsStore((s) => s.symbol)
  const feed = useMarketStore((s) => s.feeds[symbol] ?? s.feeds['*'])
  const connection = useConnectionStore((s) => s.state)
  const state = connection === 'open' ? (feed?.status ?? 'connected') : CONNECTION_LABEL[connection]
  const ok = connection === 'open' && (feed === undefined || feed.status === 'connected')
  return (
    <span className={`badge ${ok ? 'ok' : 'warn'}`} role="status" aria-label="Feed status" title={feed?.reason}>
      {exchange} · {state}
    </span>
  )
}

/**
 * Equity and the net PnL since the last reset: equity − what the reset deposited (valued now),
 * so fees are in it and the two figures add up.
 */
export function EquityBadge(): JSX.Element {
  const summary = useTradingStore((s) => s.summary)
  if (!summary) return <span className="stat dim">Account —</span>
  const start = summary.startingEquity
  const pnl = start !== undefined ? summary.equity - start : summary.realizedPnl + summary.unrealizedPnl - summary.feesPaid
  const explain = `Net PnL since the last reset, after fees: equity ${formatMoney(summary.equity)} − starting equity ${formatMoney(start)} = realized ${formatSignedMoney(summary.realizedPnl)} + unrealized ${formatSignedMoney(summary.unrealizedPnl)} − fees ${formatMoney(summary.feesPaid)} ${summary.quote}`
  return (
    <span className="stat" role="group" aria-label="Equity">
      <small>Equity</small> <span className="num">{formatMoney(summary.equity)}</span> <small>{summary.quote}</small>{' '}
      <small className="pnl-label" title={explain}>
        <span className="pnl-long">PnL since reset, net of fees</span>
        <span className="pnl-short">Net PnL</span>
      </small>{' '}
      <span className={`num ${pnl > 0.004 ? 'up' : pnl < -0.004 ? 'down' : ''}`} data-field="net-pnl" title={explain}>
        {formatSignedMoney(pnl)}
      </span>
    </span>
  )
}

function AppVersion(): JSX.Element | null {
  const host = useHealthStore((s) => s.report?.host)
  if (!host) return null
  return (
    <span className="app-version" aria-label="App version" title={`Keel ${host.version}, ${host.mode} host pid ${host.pid}, up ${formatDuration(host.uptimeMs)}`}>
      v{host.version}
    </span>
  )
}

export function Header(): JSX.Element {
  const theme = usePrefsStore((s) => s.theme)
  const setTheme = usePrefsStore((s) => s.setTheme)
  const resetLayout = usePrefsStore((s) => s.resetLayout)
  const next = theme === 'dark' ? 'light' : 'dark'
  return (
    <header className="app-header">
      <h1>Keel</h1>
      <SymbolQuote />
      <div className="header-right">
        <EquityBadge />
        <FeedBadge />
        <button type="button" aria-label="Reset layout" onClick={resetLayout}>
          Reset layout
        </button>
        <button type="button" aria-label={`Switch to ${next} theme`} onClick={() => setTheme(next)}>
          {theme === 'dark' ? '☀' : '☾'} <span className="theme-label">{theme === 'dark' ? 'Light' : 'Dark'}</span>
        </button>
        <SettingsButton />
        <AppVersion />
      </div>
    </header>
  )
}
