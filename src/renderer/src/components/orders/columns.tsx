import type { JSX } from 'react'
import type { Balance, Fill, Order, Position } from '../../../../shared/trading'
import { formatClock, formatFixed, formatSigned } from '../../lib/format'
import type { Column } from './DataTable'

/** Column sets of the account tabs; shared cells keep the tables consistent. */

const price = (value: number | undefined) => (value === undefined ? '—' : formatFixed(value, value < 10 ? 4 : 2))
const amount = (value: number) => formatFixed(value, value < 1 ? 5 : 3)
const side = (s: 'buy' | 'sell') => <span className={s === 'buy' ? 'up' : 'down'}>{s.toUpperCase()}</span>
const typeName = (o: Order) => o.type.replace('_', ' ') + (o.timeInForce && o.timeInForce !== 'GTC' ? ` ${o.timeInForce}` : '')
const pnl = (value: number) => <span className={value > 0 ? 'up' : value < 0 ? 'down' : undefined}>{formatSigned(value)}</span>

const orderBase: Column<Order>[] = [
  { header: 'Time', cell: (o) => formatClock(o.createdAt) },
  { header: 'Symbol', cell: (o) => o.symbol },
  { header: 'Side', cell: (o) => side(o.side) },
  { header: 'Type', cell: typeName },
  { header: 'Price', num: true, cell: (o) => price(o.price) },
  { header: 'Trigger', num: true, cell: (o) => price(o.stopPrice) },
  { header: 'Amount', num: true, cell: (o) => amount(o.amount) },
  { header: 'Filled', num: true, cell: (o) => amount(o.filled) },
  { header: 'Status', id: 'status', cell: (o) => <span className={`status status-${o.status}`}>{o.status.replace('_', ' ')}</span> }
]

export const openOrderColumns = (cancel: (o: Order) => JSX.Element): Column<Order>[] => [...orderBase, { header: 'Action', cell: cancel }]

export const historyColumns: Column<Order>[] = [
  ...orderBase.slice(0, 6),
  { header: 'Avg fill', num: true, cell: (o) => price(o.avgFillPrice) },
  ...orderBase.slice(6),
  { header: 'Reason', cell: (o) => <span className="dim">{o.reason ?? ''}</span> }
]

export const fillColumns: Column<Fill>[] = [
  { header: 'Time', cell: (f) => formatClock(f.timestamp) },
  { header: 'Symbol', cell: (f) => f.symbol },
  { header: 'Side', cell: (f) => side(f.side) },
  { header: 'Price', num: true, cell: (f) => price(f.price) },
  { header: 'Amount', num: true, cell: (f) => amount(f.amount) },
  { header: 'Value', num: true, cell: (f) => formatFixed(f.cost, 2) },
  { header: 'Fee', num: true, cell: (f) => `${formatFixed(f.fee, 4)} ${f.feeAsset}` },
  { header: 'Liquidity', cell: (f) => f.liquidity },
  { header: 'Slippage', num: true, cell: (f) => (f.slippageBps === undefined ? '—' : `${f.slippageBps.toFixed(1)} bps`) }
]

export const positionColumns: Column<Position>[] = [
  { header: 'Symbol', cell: (p) => p.symbol },
  { header: 'Amount', num: true, id: 'amount', cell: (p) => amount(p.amount) },
  { header: 'Avg entry', num: true, cell: (p) => price(p.avgEntry) },
  { header: 'Mark', num: true, cell: (p) => price(p.mark) },
  { header: 'Unrealized', num: true, cell: (p) => pnl(p.unrealizedPnl) },
  { header: 'Realized', num: true, cell: (p) => pnl(p.realizedPnl) }
]

export const balanceColumns: Column<Balance>[] = [
  { header: 'Asset', cell: (b) => b.asset },
  { header: 'Free', num: true, cell: (b) => amount(b.free) },
  { header: 'Locked', num: true, cell: (b) => amount(b.locked) },
  { header: 'Total', num: true, cell: (b) => amount(b.total) }
]
