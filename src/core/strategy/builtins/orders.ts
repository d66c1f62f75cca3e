import type { StrategyContext, StrategyOrderRequest } from '../contract'

/**
 * Order helpers the built-ins share: market in, market out of the whole long position. A
 * refused order (a protection, the balance) is logged and reported as false, not thrown: the
 * bot carries on and tries again on a later signal.
 */

export function isFlat(ctx: StrategyContext): boolean {
  return ctx.position.amount <= 0
}

async function place(ctx: StrategyContext, request: StrategyOrderRequest): Promise<boolean> {
  try {
    const order = await ctx.order(request)
    ctx.log.info(`${request.side} ${request.amount} ${request.symbol}: ${order.status}`)
    return order.status !== 'rejected'
  } catch (err) {
    ctx.log.warn(`${request.side} ${request.amount} ${request.symbol} refused: ${err instanceof Error ? err.message : String(err)}`)
    return false
  }
}

export function openLong(ctx: StrategyContext, amount: number): Promise<boolean> {
  if (amount <= 0) return Promise.resolve(false)
  return place(ctx, { symbol: ctx.symbol, side: 'buy', type: 'market', amount })
}

export function closeLong(ctx: StrategyContext): Promise<boolean> {
  const amount = ctx.position.amount
  if (amount <= 0) return Promise.resolve(false)
  return place(ctx, { symbol: ctx.symbol, side: 'sell', type: 'market', amount })
}
