import ccxt, { type Exchange } from 'ccxt'

/**
 * Creating ccxt exchange instances for public market data, and pointing them elsewhere
 * (a loopback test server, a proxy) without touching ccxt's internals.
 */

export interface ExchangeFactoryOptions {
  /** Prefer the ccxt.pro class (WebSocket watch* methods) when ccxt has one. */
  webSocket?: boolean
  /** Merged into the exchange's `options` (e.g. which market types to load). */
  options?: Record<string, unknown>
  /** Rewrites every REST and WebSocket origin under `urls.api` (paths are kept). */
  urlOverride?: UrlOverride
  timeoutMs?: number
  /** Override ccxt's per-exchange request spacing (ms), e.g. to speed up tests against a fake. */
  rateLimitMs?: number
}

export interface UrlOverride {
  http: string
  ws?: string
}

/** Keel trades spot: skip loading futures/options markets where ccxt would load them too. */
const SPOT_ONLY_OPTIONS: Record<string, Record<string, unknown>> = {
  binance: { fetchMarkets: { types: ['spot'] } },
  binanceus: { fetchMarkets: { types: ['spot'] } }
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange

function exchangeClass(id: string, webSocket: boolean): ExchangeClass {
  if (!ccxt.exchanges.includes(id)) {
    throw new Error(`unknown exchange "${id}": ccxt supports ${ccxt.exchanges.length} exchanges, e.g. binance, kraken, coinbase`)
  }
  const pro = ccxt.pro as unknown as Record<string, ExchangeClass | undefined>
  const rest = ccxt as unknown as Record<string, ExchangeClass | undefined>
  const cls = (webSocket ? pro[id] : undefined) ?? rest[id]
  if (typeof cls !== 'function') throw new Error(`ccxt has no class for exchange "${id}"`)
  return cls
}

export function hasWebSocket(id: string): boolean {
  return ccxt.exchanges.includes(id) && id in (ccxt.pro as object)
}

export function createExchange(id: string, factory: ExchangeFactoryOptions = {}): Exchange {
  const cls = exchangeClass(id, factory.webSocket ?? true)
  const exchange = new cls({
    enableRateLimit: true, // ccxt queues our calls to the exchange's published rate
    timeout: factory.timeoutMs ?? 10_000,
    ...(factory.rateLimitMs !== undefined ? { rateLimit: factory.rateLimitMs } : {}),
    options: { ...SPOT_ONLY_OPTIONS[id], ...factory.options }
  })
  if (factory.urlOverride) rewriteExchangeUrls(exchange, factory.urlOverride)
  return exchange
}

/** Replaces the origin (scheme://host:port) of every URL under `exchange.urls.api`. */
export function rewriteExchangeUrls(exchange: Exchange, override: UrlOverride): void {
  const urls = exchange.urls as { api?: unknown }
  urls.api = rewriteTree(urls.api, override)
}

function rewriteTree(node: unknown, override: UrlOverride): unknown {
  if (typeof node === 'string') return rewriteUrl(node, override)
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, rewriteTree(value, override)]))
  }
  return node
}

function rewriteUrl(url: string, override: UrlOverride): string {
  const match = /^(https?|wss?):\/\/[^/]+(.*)$/.exec(url)
  if (!match) return url
  const isWs = match[1].startsWith('ws')
  const origin = isWs ? (override.ws ?? override.http.replace(/^http/, 'ws')) : override.http
  return origin.replace(/\/$/, '') + match[2]
}

/**
 * ccxt refuses plain ws:// URLs (loopback test servers, local proxies) until it has loaded
 * an http agent for them; do that when any WebSocket URL is unencrypted.
 */
export async function prepareForPlainWebSockets(exchange: Exchange): Promise<void> {
  const urls = JSON.stringify((exchange.urls as { api?: unknown }).api ?? {})
  if (!urls.includes('"ws://')) return
  const loader = exchange as Exchange & { loadHttpProxyAgent?: () => Promise<unknown> }
  if (typeof loader.loadHttpProxyAgent === 'function') await loader.loadHttpProxyAgent()
}
