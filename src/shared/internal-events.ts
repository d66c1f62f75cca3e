import { z } from 'zod'
import { ExchangeHealth, FeedStatusEvent } from './market'
import { MarketInfo, OrderBook, Ticker, Trade } from './market-data'
import type { WorkerName } from './worker-protocol'

/**
 * Worker → host events that are for the host, not for clients: the host keeps them (health)
 * or relays them to the owner that needs them (market metadata and data to execution).
 */
export const internalEvents = {
  marketsLoaded: z.object({ exchange: z.string().min(1), markets: z.array(MarketInfo) }),
  exchangeHealth: z.array(ExchangeHealth)
} as const
export type InternalEventName = keyof typeof internalEvents

/** Which worker pushes each host-internal event (see eventOwners in api.ts for client events). */
export const internalEventOwners = {
  marketsLoaded: 'market',
  exchangeHealth: 'market'
} as const satisfies Record<InternalEventName, WorkerName>

/**
 * The host's replay of its latest book or ticker to a restarted execution worker, with when the
 * host received it: replayed data is as old as it is, not fresh because it arrived again.
 */
export const ReplayedMarketData = z.discriminatedUnion('name', [
  z.object({ name: z.literal('orderBook'), payload: OrderBook, receivedAt: z.number() }),
  z.object({ name: z.literal('ticker'), payload: Ticker, receivedAt: z.number() })
])
export type ReplayedMarketData = z.infer<typeof ReplayedMarketData>

/** Host → execution worker notifications (market input for the paper exchange). */
export const executionFeed = {
  markets: internalEvents.marketsLoaded,
  trade: Trade,
  orderBook: OrderBook,
  ticker: Ticker,
  feedStatus: FeedStatusEvent,
  replayed: ReplayedMarketData
} as const
export type ExecutionFeedName = keyof typeof executionFeed
