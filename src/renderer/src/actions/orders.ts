import type { KeelClient } from '../../../shared/api'
import type { PlaceOrderInput } from '../../../shared/trading'
import { messageOf } from '../lib/errors'
import { describeOrder, useAlertsStore } from '../stores/alerts'
import { ACCOUNT, loadAccount, useTradingStore } from '../stores/trading'

/** Trading commands shared by buttons and keyboard shortcuts; each reports to the log. */

function newClientOrderId(): string {
  const random = Math.random().toString(36).slice(2, 10)
  return `ui-${Date.now().toString(36)}-${random}`
}

/** Sends an order; resolves with an error message for the ticket, or null when accepted. */
export async function placeOrder(client: KeelClient, order: PlaceOrderInput): Promise<string | null> {
  const { push } = useAlertsStore.getState()
  try {
    const placed = await client.call('placeOrder', { ...order, account: ACCOUNT, clientOrderId: newClientOrderId() })
    useTradingStore.getState().upsertOrder(placed)
    if (placed.status === 'rejected') {
      // The order event's alert pops up the toast; the ticket shows the reason too.
      return `Rejected: ${placed.reason ?? 'no reason given'}`
    }
    push({ level: 'info', source: 'order', text: `Placed ${describeOrder(placed)} (${placed.status})` })
    return null
  } catch (err) {
    const message = messageOf(err)
    push({ level: 'error', source: 'order', text: `Order not placed: ${message}` }, true)
    return message
  }
}

export async function cancelOrder(client: KeelClient, orderId: string): Promise<void> {
  const { push } = useAlertsStore.getState()
  try {
    const order = await client.call('cancelOrder', { account: ACCOUNT, orderId })
    useTradingStore.getState().upsertOrder(order)
    push({ level: 'info', source: 'order', text: `Cancelled ${describeOrder(order)}` })
  } catch (err) {
    push({ level: 'error', source: 'order', text: `Cancel failed: ${messageOf(err)}` }, true)
  }
}

export async function cancelAll(client: KeelClient): Promise<void> {
  const { push } = useAlertsStore.getState()
  try {
    const { cancelled } = await client.call('cancelAll', { account: ACCOUNT })
    for (const order of cancelled) useTradingStore.getState().upsertOrder(order)
    push({ level: 'info', source: 'order', text: cancelled.length ? `Cancelled all ${cancelled.length} open orders` : 'No open orders to cancel' }, true)
  } catch (err) {
    push({ level: 'error', source: 'order', text: `Cancel all failed: ${messageOf(err)}` }, true)
  }
}

export async function resetAccount(client: KeelClient): Promise<void> {
  const { push } = useAlertsStore.getState()
  try {
    await client.call('resetAccount', { account: ACCOUNT })
    await loadAccount(client)
    push({ level: 'info', source: 'system', text: 'Paper account reset to its starting balances' }, true)
  } catch (err) {
    push({ level: 'error', source: 'system', text: `Reset failed: ${messageOf(err)}` }, true)
  }
}
