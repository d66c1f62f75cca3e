import { useMemo, type JSX } from 'react'
import type { Order } from '../../../../shared/trading'
import { cancelAll, cancelOrder } from '../../actions/orders'
import { useClient } from '../../client-context'
import { usePrefsStore, type BottomTab } from '../../stores/prefs'
import { selectOpenOrders, selectOrderHistory, useTradingStore } from '../../stores/trading'
import { balanceColumns, fillColumns, historyColumns, openOrderColumns, positionColumns } from './columns'
import { DataTable } from './DataTable'
import { BacktestPanel } from '../backtest/BacktestPanel'

const orderLabel = (o: Order) => `${o.side} ${o.type} ${o.symbol} ${o.id}`

function OpenOrders(): JSX.Element {
  const client = useClient()
  const orders = useTradingStore((s) => s.orders)
  const rows = useMemo(() => selectOpenOrders(orders), [orders])
  const columns = useMemo(
    () =>
      openOrderColumns((o) => (
        <button type="button" className="link danger-text" aria-label={`Cancel order ${o.id}`} onClick={() => void cancelOrder(client, o.id)}>
          Cancel
        </button>
      )),
    [client]
  )
  return <DataTable label="Open orders" rows={rows} columns={columns} rowKey={(o) => o.id} rowLabel={orderLabel} empty="No open orders." />
}

function OrderHistory(): JSX.Element {
  const orders = useTradingStore((s) => s.orders)
  const rows = useMemo(() => selectOrderHistory(orders), [orders])
  return <DataTable label="Order history" rows={rows} columns={historyColumns} rowKey={(o) => o.id} rowLabel={orderLabel} empty="No finished orders yet." />
}

function Fills(): JSX.Element {
  const fills = useTradingStore((s) => s.fills)
  return <DataTable label="Fills" rows={fills} columns={fillColumns} rowKey={(f) => f.id} rowLabel={(f) => `${f.side} ${f.symbol} fill ${f.id}`} empty="No fills yet." />
}

function Positions(): JSX.Element {
  const positions = useTradingStore((s) => s.positions)
  const rows = useMemo(() => positions.filter((p) => p.amount !== 0 || p.realizedPnl !== 0), [positions])
  return <DataTable label="Positions" rows={rows} columns={positionColumns} rowKey={(p) => p.symbol} rowLabel={(p) => `${p.symbol} position`} empty="No positions." />
}

function Balances(): JSX.Element {
  const balances = useTradingStore((s) => s.balances)
  const rows = useMemo(() => Object.values(balances).filter((b) => b.total !== 0).sort((a, b) => a.asset.localeCompare(b.asset)), [balances])
  return <DataTable label="Balances" rows={rows} columns={balanceColumns} rowKey={(b) => b.asset} rowLabel={(b) => `${b.asset} balance`} empty="No balances." />
}

const TABS: { id: BottomTab; label: string; view: () => JSX.Element }[] = [
  { id: 'open', label: 'Open orders', view: OpenOrders },
  { id: 'history', label: 'Order history', view: OrderHistory },
  { id: 'fills', label: 'Fills', view: Fills },
  { id: 'positions', label: 'Positions', view: Positions },
  { id: 'balances', label: 'Balances', view: Balances },
  { id: 'backtest', label: 'Backtest', view: BacktestPanel }
]

function useTabCounts(): Record<BottomTab, number> {
  const orders = useTradingStore((s) => s.orders)
  const fills = useTradingStore((s) => s.fills.length)
  const positions = useTradingStore((s) => s.positions.filter((p) => p.amount !== 0).length)
  const open = useMemo(() => selectOpenOrders(orders).length, [orders])
  return { open, history: 0, fills, positions, balances: 0, backtest: 0 }
}

/** Open orders, order history, fills, positions and balances as tabs (the ARIA tabs pattern). */
export function AccountTabs(): JSX.Element {
  const client = useClient()
  const tab = usePrefsStore((s) => s.bottomTab)
  const setTab = usePrefsStore((s) => s.setBottomTab)
  const counts = useTabCounts()
  const active = TABS.find((t) => t.id === tab) ?? TABS[0]
  const View = active.view
  return (
    <section className="panel tabs-panel" aria-label="Orders and positions">
      <header className="panel-head">
        <div
          role="tablist"
          aria-label="Account views"
          className="tabs"
          onKeyDown={(e) => {
            // Arrow keys move between tabs (ARIA tabs pattern).
            const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
            if (!step) return
            const next = TABS[(TABS.indexOf(active) + step + TABS.length) % TABS.length]
            setTab(next.id)
            document.getElementById(`tab-${next.id}`)?.focus()
          }}
        >
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={t.id === active.id}
              aria-controls={`tabpanel-${t.id}`}
              tabIndex={t.id === active.id ? 0 : -1}
              onClick={() => setTab(t.id)}
            >
              {t.label}
              {counts[t.id] ? <span className="count">{counts[t.id]}</span> : null}
            </button>
          ))}
        </div>
        <div className="panel-actions">
          <button type="button" className="danger-outline" aria-label="Cancel all orders" disabled={counts.open === 0} onClick={() => void cancelAll(client)}>
            Cancel all
          </button>
        </div>
      </header>
      <div className="panel-body" role="tabpanel" id={`tabpanel-${active.id}`} aria-labelledby={`tab-${active.id}`}>
        <View />
      </div>
    </section>
  )
}
