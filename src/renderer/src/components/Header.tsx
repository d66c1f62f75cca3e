import { useEffect, useState, type JSX } from 'react'
import type { KeelClient } from '../../../shared/api'
import type { ConnectionState } from '../client'
import { useClient } from '../client-context'
import { formatCompact, formatFixed, formatPercent, formatPrice, formatSigned } from '../lib/format'
import { changePercent, useMarketStore } from '../stores/market'
import { usePrefsStore } from '../stores/prefs'
import { useTradingStore } from '../stores/trading'

interface StatefulClient extends KeelClient {
  onState(listener: (state: ConnectionState) => void): () => void
}
const hasState = (client: KeelClient): client is StatefulClient => typeof (client as Partial<StatefulClient>).onState === 'function'

/** The browser's WebSocket to keel serve; in Electron the IPC bridge is always there. */
function useConnectionState(): ConnectionState {
  const client = useClient()
  const [state, setState] = useState<ConnectionState>('open')
  useEffect(() => (hasState(client) ? client.onState(setState) : undefined), [client])
  return state
}

function SymbolQuote(): JSX.Element {
  const symbol = usePrefsStore((s) => s.symbol)
  const ticker = useMarketStore((s) => s.tickers[symbol])
  const tick = useMarketStore((s) => s.markets[symbol]?.precision.price)
  const change = changePercent(ticker)
  const tone = change === undefined ? '' : change >= 0 ? 'up' : 'down'
  return (
    <div className="quote" role="group" aria-label={`${symbol} quote`}>
      <strong className="quote-symbol">{symbol}</strong>
      <span className={`quote-last num ${tone}`} aria-label="Last price">
        {formatPrice(ticker?.last, tick)}
      </span>
      <span className={`num ${tone}`}>{formatPercent(change)}</span>
      <span className="stat">
        <small>24h high</small> <span className="num">{formatPrice(ticker?.high24h, tick)}</span>
      </span>
      <span className="stat">
        <small>24h low</small> <span className="num">{formatPrice(ticker?.low24h, tick)}</span>
      </span>
      <span className="stat">
        <small>24h vol</small> <span className="num">{ticker?.baseVolume24h === undefined ? '—' : formatCompact(ticker.baseVolume24h)}</span>
      </span>
    </div>
  )
}

function FeedBadge(): JSX.Element {
  const exchange = useMarketStore((s) => s.exchange)
  const symbol = usePrefsStore((s) => s.symbol)
  const feed = useMarketStore((s) => s.feeds[symbol] ?? s.feeds['*'])
  const connection = useConnectionState()
  const state = connection !== 'open' ? `host ${connection}` : (feed?.status ?? 'connected')
  const ok = connection === 'open' && (feed === undefined || feed.status === 'connected')
  return (
    <span className={`badge ${ok ? 'ok' : 'warn'}`} role="status" aria-label="Feed status" title={feed?.reason}>
      {exchange} · {state}
    </span>
  )
}

function EquityBadge(): JSX.Element {
  const summary = useTradingStore((s) => s.summary)
  if (!summary) return <span className="stat dim">Account —</span>
  const pnl = summary.realizedPnl + summary.unrealizedPnl
  return (
    <span className="stat" role="group" aria-label="Equity">
      <small>Equity</small> <span className="num">{formatFixed(summary.equity, 2)}</span> <small>{summary.quote}</small>{' '}
      <span className={`num ${pnl >= 0 ? 'up' : 'down'}`}>{formatSigned(pnl)}</span>
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
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
      </div>
    </header>
  )
}
