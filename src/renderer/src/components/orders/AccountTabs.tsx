import { useMemo, useState, type JSX } from 'react'
import type { Order, Position } from '../../../../shared/trading'
import { cancelAll, cancelOrder } from '../../actions/orders'
import { closeAllPositions, closingOrder, openPositions } from '../../actions/positions'
import { useClient } from '../../client-context'
import { formatClock } from '../../lib/format'
import { formatAsset, marketFormat } from '../../lib/numbers'
import { useCanTrade } from '../../stores/connection'
import { useMarketStore } from '../../stores/market'
import { describeOrder } from '../../stores/alerts'
import { selectOpenOrders, selectOrderHistory, useTradingStore } from '../../stores/trading'
import { ConfirmDialog } from '../layout/ConfirmDialog'
import { balanceColumns, fillColumns, historyColumns, openOrderColumns, positionColumns, type OrderLine } from './columns'
import { DataTable, withResetMarker } from './DataTable'
import { groupOrders } from './order-groups'

/** The account views of the tab group: orders, fills, positions, balances. */

const orderLabel = ({ order: o }: OrderLine) => `${o.side} ${o.type} ${o.symbol} ${o.id}`
const legClass = (row: OrderLine) => (row.depth ? `leg-row leg-${row.role}` : row.order.type === 'bracket' ? 'entry-row' : undefined)

/** "Account reset at 10:42:03 with 10,000.00 USDT", from the summary's reset record. */
function useResetText(): { at: number | undefined; text: string } {
  const summary = useTradingStore((s) => s.summary)
  const markets = useMarketStore((s) => s.markets)
  const at = summary?.resetAt
  const deposits = Object.entries(summary?.startingBalances ?? {})
    .map(([asset, amount]) => `${formatAsset(amount, asset, markets)} ${asset}`)
    .join(', ')
  return { at, text: at === undefined ? '' : `Account reset at ${formatClock(at)}${deposits ? ` with ${deposits}` : ''} · rows below belong to the account before it` }
}

export function OpenOrders(): JSX.Element {
  const client = useClient()
  const canTrade = useCanTrade()
  const orders = useTradingStore((s) => s.orders)
  const markets = useMarketStore((s) => s.markets)
  const rows = useMemo(() => groupOrders(selectOpenOrders(orders), orders, describeOrder), [orders])
  const columns = useMemo(
    () =>
      openOrderColumns(markets, (o) => (
        <button type="button" className="link danger-text" aria-label={`Cancel order ${o.id}`} disabled={!canTrade} onClick={() => void cancelOrder(client, o.id)}>
          Cancel
        </button>
      )),
    [client, markets, canTrade]
  )
  return <DataTable<OrderLine> label="Open orders" rows={rows} columns={columns} rowKey={(r) => r.order.id} rowLabel={orderLabel} rowClass={legClass} empty="No open orders." />
}

export function OrderHistory(): JSX.Element {
  const orders = useTradingStore((s) => s.orders)
  const markets = useMarketStore((s) => s.markets)
  const reset = useResetText()
  const rows = useMemo(() => {
    const grouped = groupOrders(selectOrderHistory(orders), orders, describeOrder)
    return withResetMarker(grouped, (r) => (r.kind === 'order' ? r.order.updatedAt : Number.POSITIVE_INFINITY), reset.at, reset.text)
  }, [orders, reset.at, reset.text])
  const columns = useMemo(() => historyColumns(markets), [markets])
  return <DataTable<OrderLine> label="Order history" rows={rows} columns={columns} rowKey={(r) => r.order.id} rowLabel={orderLabel} rowClass={legClass} empty="No finished orders yet." />
}

export function Fills(): JSX.Element {
  const fills = useTradingStore((s) => s.fills)
  const markets = useMarketStore((s) => s.markets)
  const reset = useResetText()
  const rows = useMemo(() => withResetMarker(fills, (f) => f.timestamp, reset.at, reset.text), [fills, reset.at, reset.text])
  const columns = useMemo(() => fillColumns(markets), [markets])
  return <DataTable label="Fills" rows={rows} columns={columns} rowKey={(f) => f.id} rowLabel={(f) => `${f.side} ${f.symbol} fill ${f.id}`} empty="No fills yet." />
}

/** Asks before flattening: what will be sent, and that the symbol's open orders go first. */
function CloseDialog({ positions, onDone }: { positions: Position[]; onDone(): void }): JSX.Element {
  const client = useClient()
  const markets = useMarketStore((s) => s.markets)
  const orders = useTradingStore((s) => s.orders)
  const symbols = new Set(positions.map((p) => p.symbol))
  const cancelling = selectOpenOrders(orders).filter((o: Order) => symbols.has(o.symbol)).length
  const lines = positions.map((p) => {
    const order = closingOrder(p, markets[p.symbol])
    const base = markets[p.symbol]?.base ?? ''
    return order ? `${order.side.toUpperCase()} ${marketFormat(markets[p.symbol]).amount(order.amount)} ${base} (${p.symbol}) at market` : `${p.symbol}: below one step, nothing to send`
  })
  const title = positions.length === 1 ? `Close ${positions[0].symbol} position?` : `Close all ${positions.length} positions?`
  return (
    <ConfirmDialog
      title={title}
      confirmLabel={positions.length === 1 ? 'Close position' : 'Close all'}
      danger
      onCancel={onDone}
      onConfirm={() => {
        onDone()
        void closeAllPositions(client, positions, markets)
      }}
    >
      <ul className="plain">
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <p className="dim">{cancelling ? `First cancels ${cancelling} open order${cancelling === 1 ? '' : 's'} on ${positions.length === 1 ? 'this market' : 'these markets'} (they lock the coins).` : 'Market orders fill at the book: the price may move.'}</p>
    </ConfirmDialog>
  )
}

export function Positions(): JSX.Element {
  const canTrade = useCanTrade()
  const positions = useTradingStore((s) => s.positions)
  const markets = useMarketStore((s) => s.markets)
  const [closing, setClosing] = useState<Position[] | null>(null)
  const rows = useMemo(() => positions.filter((p) => p.amount !== 0 || p.realizedPnl !== 0), [positions])
  const columns = useMemo(
    () =>
      positionColumns(markets, (p) =>
        p.amount === 0 ? null : (
          <button type="button" className="link danger-text" aria-label={`Close ${p.symbol} position`} disabled={!canTrade} onClick={() => setClosing([p])}>
            Close
          </button>
        )
      ),
    [markets, canTrade]
  )
  return (
    <>
      <DataTable label="Positions" rows={rows} columns={columns} rowKey={(p) => p.symbol} rowLabel={(p) => `${p.symbol} position`} empty="No positions." />
      {closing ? <CloseDialog positions={closing} onDone={() => setClosing(null)} /> : null}
    </>
  )
}

export function Balances(): JSX.Element {
  const balances = useTradingStore((s) => s.balances)
  const markets = useMarketStore((s) => s.markets)
  const rows = useMemo(() => Object.values(balances).filter((b) => b.total !== 0).sort((a, b) => a.asset.localeCompare(b.asset)), [balances])
  const columns = useMemo(() => balanceColumns(markets), [markets])
  return <DataTable label="Balances" rows={rows} columns={columns} rowKey={(b) => b.asset} rowLabel={(b) => `${b.asset} balance`} empty="No balances." />
}

export function CancelAllButton(): JSX.Element {
  const client = useClient()
  const canTrade = useCanTrade()
  const open = useOpenOrderCount()
  return (
    <button type="button" className="danger-outline" aria-label="Cancel all orders" disabled={open === 0 || !canTrade} onClick={() => void cancelAll(client)}>
      Cancel all
    </button>
  )
}

export function CloseAllButton(): JSX.Element {
  const canTrade = useCanTrade()
  const positions = useTradingStore((s) => s.positions)
  const open = useMemo(() => openPositions(positions), [positions])
  const [closing, setClosing] = useState(false)
  return (
    <>
      <button type="button" className="danger-outline" aria-label="Close all positions" disabled={open.length === 0 || !canTrade} onClick={() => setClosing(true)}>
        Close all
      </button>
      {closing ? <CloseDialog positions={open} onDone={() => setClosing(false)} /> : null}
    </>
  )
}

export function useOpenOrderCount(): number {
  const orders = useTradingStore((s) => s.orders)
  return useMemo(() => selectOpenOrders(orders).length, [orders])
}
export const useFillCount = (): number => useTradingStore((s) => s.fills.length)
export const usePositionCount = (): number => useTradingStore((s) => s.positions.filter((p) => p.amount !== 0).length)
