import { memo, useRef, type JSX } from 'react'
import { formatCompact, formatPrice } from '../lib/format'
import { formatPercentChange as formatPercent } from '../lib/numbers'
import { changePercent, useMarketStore } from '../stores/market'
import { usePrefsStore } from '../stores/prefs'
import { Panel } from './layout/Panel'

/** Green/red flash direction of the last price versus the previous render. */
function useTickDirection(last: number | undefined): 'up' | 'down' | '' {
  const previous = useRef<{ last?: number; dir: 'up' | 'down' | '' }>({ dir: '' })
  const p = previous.current
  if (last !== undefined && p.last !== undefined && last !== p.last) p.dir = last > p.last ? 'up' : 'down'
  p.last = last
  return p.dir
}

const WatchRow = memo(function WatchRow({ symbol }: { symbol: string }): JSX.Element {
  const ticker = useMarketStore((s) => s.tickers[symbol])
  const tick = useMarketStore((s) => s.markets[symbol]?.precision.price)
  const selected = usePrefsStore((s) => s.symbol === symbol)
  const setSymbol = usePrefsStore((s) => s.setSymbol)
  const direction = useTickDirection(ticker?.last)
  const change = changePercent(ticker)
  return (
    <tr aria-label={symbol} aria-selected={selected} className={selected ? 'selected' : undefined} onClick={() => setSymbol(symbol)}>
      <th scope="row">
        <button type="button" className="link" aria-label={`Show ${symbol}`} aria-pressed={selected} onClick={() => setSymbol(symbol)}>
          {symbol}
        </button>
      </th>
      <td className={`num ${direction}`} data-col="last">
        {formatPrice(ticker?.last, tick)}
      </td>
      <td className={`num ${change === undefined ? '' : change >= 0 ? 'up' : 'down'}`} data-col="change">
        {formatPercent(change)}
      </td>
      <td className="num dim col-vol">{ticker?.baseVolume24h === undefined ? '—' : formatCompact(ticker.baseVolume24h)}</td>
    </tr>
  )
})

export function Watchlist(): JSX.Element {
  const symbols = useMarketStore((s) => s.symbols)
  const error = useMarketStore((s) => s.error)
  return (
    <Panel title="Watchlist" className="watchlist">
      {error ? <p role="alert" className="error">{error}</p> : null}
      <table className="grid">
        <caption className="sr-only">Demo market symbols</caption>
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col" className="num">Last</th>
            <th scope="col" className="num">24h</th>
            <th scope="col" className="num col-vol">Vol</th>
          </tr>
        </thead>
        <tbody>
          {symbols.map((symbol) => (
            <WatchRow key={symbol} symbol={symbol} />
          ))}
        </tbody>
      </table>
    </Panel>
  )
}
