import type { Order } from '../../../../shared/trading'
import type { HeadingRow } from './DataTable'

/** A table row of the orders tabs: an order (indented when it is a leg) or a group's heading. */
export type OrderRow =
  | { kind: 'order'; order: Order; depth: 0 | 1; role?: LegRole }
  | HeadingRow

export type LegRole = 'stop-loss' | 'take-profit' | 'oco'

/** What a bracket leg does: the stop types guard the loss, the limit types take the profit. */
export function legRole(order: Order): LegRole {
  if (order.parentId === undefined) return 'oco'
  return order.type === 'stop_market' || order.type === 'stop_limit' || order.type === 'trailing_stop' ? 'stop-loss' : 'take-profit'
}

const groupOf = (o: Order): string | undefined => o.parentId ?? (o.ocoGroupId && o.type !== 'bracket' ? o.ocoGroupId : undefined)

/**
 * Puts bracket legs and OCO partners right under their entry (or under a heading naming the
 * entry when it has left the list, e.g. filled), keeping the list's order for everything else.
 * `all` resolves entries that are not in `orders`.
 */
export function groupOrders(orders: readonly Order[], all: Record<string, Order>, describe: (o: Order) => string): OrderRow[] {
  const byGroup = new Map<string, Order[]>()
  for (const o of orders) {
    const g = groupOf(o)
    if (g === undefined) continue
    const list = byGroup.get(g) ?? []
    list.push(o)
    byGroup.set(g, list)
  }
  const present = new Set(orders.map((o) => o.id))
  const rows: OrderRow[] = []
  const placed = new Set<string>()
  const legs = (group: string) => (byGroup.get(group) ?? []).map((o): OrderRow => ({ kind: 'order', order: o, depth: 1, role: legRole(o) }))
  for (const o of orders) {
    if (placed.has(o.id)) continue
    const g = groupOf(o)
    if (g === undefined) {
      rows.push({ kind: 'order', order: o, depth: 0 })
      placed.add(o.id)
      rows.push(...legs(o.id))
      for (const leg of byGroup.get(o.id) ?? []) placed.add(leg.id)
      continue
    }
    // A leg whose entry is listed comes with the entry.
    if (o.parentId !== undefined && present.has(o.parentId)) continue
    const entry = o.parentId !== undefined ? all[o.parentId] : undefined
    const text = entry ? `Bracket legs of ${describe(entry)} (entry ${entry.status.replace('_', ' ')}) · one cancels the other` : 'One-cancels-other pair'
    rows.push({ kind: 'heading', key: `group-${g}`, text })
    for (const row of legs(g)) rows.push(row)
    for (const leg of byGroup.get(g) ?? []) placed.add(leg.id)
  }
  return rows
}
