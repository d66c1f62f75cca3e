import type { KeelClient } from '../../../shared/api'
import type { MarketInfo } from '../../../shared/market-data'
import type { Position } from '../../../shared/trading'
import { floorToStep } from '../../../shared/market-rules'
import { ACCOUNT, useTradingStore } from '../stores/trading'
import { placeOrder } from './orders'
import { messageOf } from '../lib/errors'
import { useAlertsStore } from '../stores/alerts'

/** The market order that flattens a position: the opposite side for its whole amount, on the step. */
export function closingOrder(position: Position, market: MarketInfo | undefined): { side: 'buy' | 'sell'; amount: number } | null {
  const step = market?.precision.amount
  const size = Math.abs(position.amount)
  const amount = step ? floorToStep(size, step) : size
  if (!(amount > 0)) return null
  return { side: position.amount > 0 ? 'sell' : 'buy', amount }
}

/**
 * Flattens one position: cancels the symbol's live orders first (their reservations lock the
 * coins, and a stop for a closed position has nothing left to protect), then a market order.
 */
export async function closePosition(client: KeelClient, position: Position, market: MarketInfo | undefined): Promise<string | null> {
  const order = closingOrder(position, market)
  if (!order) return `${position.symbol}: nothing to close`
  try {
    const { cancelled } = await client.call('cancelAll', { account: ACCOUNT, symbol: position.symbol })
    for (const o of cancelled) useTradingStore.getState().upsertOrder(o)
  } catch (err) {
    const message = `Close ${position.symbol} failed: ${messageOf(err)}`
    useAlertsStore.getState().push({ level: 'error', source: 'order', text: message }, true)
    return message
  }
  return placeOrder(client, { account: ACCOUNT, symbol: position.symbol, side: order.side, type: 'market', amount: order.amount })
}

export async function closeAllPositions(client: KeelClient, positions: readonly Position[], markets: Record<string, MarketInfo>): Promise<void> {
  for (const p of positions) await closePosition(client, p, markets[p.symbol])
}

/** Positions that hold something (a closed one keeps its realized PnL row). */
export const openPositions = (positions: readonly Position[]): Position[] => positions.filter((p) => p.amount !== 0)
