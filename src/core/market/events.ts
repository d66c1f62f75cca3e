import type { MarketEventName, MarketEventPayload } from '../../shared/market'

/**
 * One event from any source (demo, replay, live ccxt feed), tagged with its API event name so
 * the worker can forward it as is: `bus.emit(event.name, event.data)`.
 */
export type MarketEvent = {
  [N in MarketEventName]: { name: N; data: MarketEventPayload<N> }
}[MarketEventName]

export type MarketEventOf<N extends MarketEventName> = Extract<MarketEvent, { name: N }>

export const marketEvent = <N extends MarketEventName>(
  name: N,
  data: MarketEventPayload<N>
): MarketEventOf<N> => ({ name, data }) as MarketEventOf<N>
