import ccxt from 'ccxt'
import type { ExchangeSummary } from '../../shared/market'
import { hasWebSocket } from './ccxt-exchange'
import { DEMO_EXCHANGE_ID } from './demo-symbols'

/**
 * The `exchanges` answer: the offline demo first, then every exchange ccxt supports. Names
 * come from the id (instantiating 100+ ccxt classes just for their display names is slow).
 */
export function listExchanges(): ExchangeSummary[] {
  const demo: ExchangeSummary = { id: DEMO_EXCHANGE_ID, name: 'Demo market (offline)', hasWebSocket: false, isDemo: true }
  const live = ccxt.exchanges.map((id) => ({ id, name: displayName(id), hasWebSocket: hasWebSocket(id), isDemo: false }))
  return [demo, ...live]
}

const displayName = (id: string) => id.charAt(0).toUpperCase() + id.slice(1)
