import type { JSX } from 'react'
import type { MarketInfo } from '../../../../shared/market-data'
import type { Balance, Fill, Order, Position } from '../../../../shared/trading'
import { formatClock } from '../../lib/format'
import { formatAsset, formatFee, formatMoney, formatSignedMoney, marketFormat } from '../../lib/numbers'
import type { Column } from './DataTable'
import type { OrderRow } from './order-groups'

/** Column sets of the account tabs, formatted at each row's market precision. */

type Markets = Record<string, MarketInfo>
export type OrderLine = Extract<OrderRow, { kind: 'order' }>

const side = (s: 'buy' | 'sell') => <span className={s === 'buy' ? 'up' : 'down'}>{s.toUpperCase()}</span>
const typeName = (o: Order) => o.type.replace('_', ' ') + (o.timeInForce && o.timeInForce !== 'GTC' ? ` ${o.timeInForce}` : '')
const pnl = (value: number) => <span className={value > 0 ? 'up' : value < 0 ? 'down' : undefined}>{formatSignedMoney(value)}</span>
const status = (o: Order) => <span className={`status status-${o.status}`}>{o.status.replace('_', ' ')}</span>

function typeCell({ order, depth, role }: OrderLine): JSX.Element | string {
  if (depth === 0) return typeName(order)
  return (
    <span className="leg">
      <span className="leg-role">└ {role}</span> {typeName(order)}
    </span>
  )
}

function orderBase(markets: Markets, time: Column<OrderLine>[]): Column<OrderLine>[] {
  const f = (o: Order) => marketFormat(markets[o.symbol])
  return [
    ...time,
    { header: 'Symbol', cell: ({ order }) => order.symbol },
    { header: 'Side', cell: ({ order }) => side(order.side) },
    { header: 'Type', id: 'type', cell: typeCell },
    { header: 'Price', num: true, id: 'price', cell: ({ order }) => f(order).price(order.price) },
    { header: 'Trigger', num: true, id: 'trigger', cell: ({ order }) => f(order).price(order.stopPrice) },
    { header: 'Amount', num: true, id: 'amount', cell: ({ order }) => f(order).amount(order.amount) },
    { header: 'Filled', num: true, cell: ({ order }) => f(order).amount(order.filled) },
    { header: 'Status', id: 'status', cell: ({ order }) => status(order) }
  ]
}

const created: Column<OrderLine> = { header: 'Created', id: 'created', cell: ({ order }) => formatClock(order.createdAt) }
const closed: Column<OrderLine> = { header: 'Closed', id: 'closed', cell: ({ order }) => formatClock(order.updatedAt) }

export const openOrderColumns = (markets: Markets, action: (o: Order) => JSX.Element): Column<OrderLine>[] => [...orderBase(markets, [created]), { header: 'Action', cell: ({ order }) => action(order) }]

export function historyColumns(markets: Markets): Column<OrderLine>[] {
  const base = orderBase(markets, [created, closed])
  const at = base.findIndex((c) => c.header === 'Amount')
  return [
    ...base.slice(0, at),
    { header: 'Avg fill', num: true, cell: ({ order }) => marketFormat(markets[order.symbol]).price(order.avgFillPrice) },
    ...base.slice(at),
    { header: 'Reason', id: 'reason', cell: ({ order }) => <span className="dim reason">{order.reason ?? ''}</span>, title: ({ order }) => order.reason }
  ]
}

export function fillColumns(markets: Markets): Column<Fill>[] {
  const f = (fill: Fill) => marketFormat(markets[fill.symbol])
  return [
    { header: 'Time', cell: (fill) => formatClock(fill.timestamp) },
    { header: 'Symbol', cell: (fill) => fill.symbol },
    { header: 'Side', cell: (fill) => side(fill.side) },
    { header: 'Price', num: true, cell: (fill) => f(fill).price(fill.price) },
    { header: 'Amount', num: true, cell: (fill) => f(fill).amount(fill.amount) },
    { header: 'Value', num: true, cell: (fill) => formatMoney(fill.cost) },
    { header: 'Fee', num: true, cell: (fill) => `${formatFee(fill.fee)} ${fill.feeAsset}` },
    { header: 'Liquidity', cell: (fill) => fill.liquidity },
    { header: 'Slippage', num: true, cell: (fill) => (fill.slippageBps === undefined ? '—' : `${fill.slippageBps.toFixed(1)} bps`) }
  ]
}

export function positionColumns(markets: Markets, action: (p: Position) => JSX.Element | null): Column<Position>[] {
  const f = (p: Position) => marketFormat(markets[p.symbol])
  return [
    { header: 'Symbol', cell: (p) => p.symbol },
    { header: 'Amount', num: true, id: 'amount', cell: (p) => f(p).amount(p.amount) },
    { header: 'Avg entry', num: true, cell: (p) => f(p).price(p.avgEntry) },
    { header: 'Mark', num: true, cell: (p) => f(p).price(p.mark) },
    { header: 'Unrealized', num: true, cell: (p) => pnl(p.unrealizedPnl) },
    { header: 'Realized', num: true, cell: (p) => pnl(p.realizedPnl) },
    { header: 'Action', cell: action }
  ]
}

export function balanceColumns(markets: Markets): Column<Balance>[] {
  return [
    { header: 'Asset', cell: (b) => b.asset },
    { header: 'Free', num: true, cell: (b) => formatAsset(b.free, b.asset, markets) },
    { header: 'Locked', num: true, cell: (b) => formatAsset(b.locked, b.asset, markets) },
    { header: 'Total', num: true, cell: (b) => formatAsset(b.total, b.asset, markets) }
  ]
}
