import { useState, type JSX } from 'react'
import { resetAccount } from '../../actions/orders'
import { useClient } from '../../client-context'
import { formatAsset, formatFee, formatMoney, formatSignedMoney } from '../../lib/numbers'
import { useCanTrade } from '../../stores/connection'
import { useMarketStore } from '../../stores/market'
import { usePrefsStore } from '../../stores/prefs'
import { useTradingStore } from '../../stores/trading'
import { ConfirmDialog } from '../layout/ConfirmDialog'
import { Panel } from '../layout/Panel'

function Pnl({ value }: { value: number }): JSX.Element {
  return <span className={`num ${value > 0 ? 'up' : value < 0 ? 'down' : ''}`}>{formatSignedMoney(value)}</span>
}

/** Equity, cash, PnL and the balances of the selected market's assets; reset with confirmation. */
export function AccountPanel(): JSX.Element {
  const client = useClient()
  const summary = useTradingStore((s) => s.summary)
  const error = useTradingStore((s) => s.error)
  const symbol = usePrefsStore((s) => s.symbol)
  const market = useMarketStore((s) => s.markets[symbol])
  const balances = useTradingStore((s) => s.balances)
  const markets = useMarketStore((s) => s.markets)
  const canTrade = useCanTrade()
  const [confirming, setConfirming] = useState(false)
  const assets = market ? [market.quote, market.base] : []

  return (
    <Panel
      title="Account"
      className="account"
      actions={
        <button type="button" className="danger-outline" aria-label="Reset paper account" disabled={!canTrade} onClick={() => setConfirming(true)}>
          Reset
        </button>
      }
    >
      {error && !summary ? <p role="alert" className="error">{error}</p> : null}
      {summary ? (
        <dl className="kv" aria-label="Account summary">
          <dt>Equity</dt>
          <dd className="num strong" data-field="equity">
            {formatMoney(summary.equity)} <small>{summary.quote}</small>
          </dd>
          <dt title="Equity minus what the last reset deposited: realized + unrealized − fees">Net PnL since reset</dt>
          <dd data-field="net-pnl">
            <Pnl value={summary.startingEquity !== undefined ? summary.equity - summary.startingEquity : summary.realizedPnl + summary.unrealizedPnl - summary.feesPaid} />
          </dd>
          <dt>Cash</dt>
          <dd className="num">{formatMoney(summary.cash)}</dd>
          <dt>Positions value</dt>
          <dd className="num">{formatMoney(summary.positionsValue)}</dd>
          <dt>Unrealized PnL</dt>
          <dd data-field="unrealized">
            <Pnl value={summary.unrealizedPnl} />
          </dd>
          <dt title="Price gains of closed trades, before fees">Realized PnL (before fees)</dt>
          <dd data-field="realized">
            <Pnl value={summary.realizedPnl} />
          </dd>
          <dt>Fees paid</dt>
          <dd className="num">{formatFee(summary.feesPaid)}</dd>
        </dl>
      ) : (
        !error && <p className="dim pad">Loading account…</p>
      )}
      <table className="grid compact" aria-label="Balances of the selected market">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col" className="num">Free</th>
            <th scope="col" className="num">Locked</th>
          </tr>
        </thead>
        <tbody>
          {assets.map((asset) => (
            <tr key={asset} aria-label={`${asset} balance`}>
              <th scope="row">{asset}</th>
              <td className="num">{formatAsset(balances[asset]?.free ?? 0, asset, markets)}</td>
              <td className="num dim">{formatAsset(balances[asset]?.locked ?? 0, asset, markets)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {confirming ? (
        <ConfirmDialog
          title="Reset paper account?"
          confirmLabel="Reset account"
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false)
            void resetAccount(client)
          }}
        >
          <p>All open orders are cancelled and the paper account starts over with its starting balances (10,000 USDT by default).</p>
        </ConfirmDialog>
      ) : null}
    </Panel>
  )
}
