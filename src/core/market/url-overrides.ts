import type { UrlOverride } from './ccxt-exchange'

/** The environment variable that points ccxt exchanges elsewhere (a loopback fake, a local proxy). */
export const URL_OVERRIDES_ENV = 'KEEL_CCXT_URL_OVERRIDES'

/**
 * Parses `KEEL_CCXT_URL_OVERRIDES`, e.g.
 * `{"binance":{"http":"http://127.0.0.1:9000","ws":"ws://127.0.0.1:9000"}}`: per ccxt exchange
 * id, the origin that replaces every REST (and WebSocket) origin of that exchange. Unset or
 * empty → no overrides. A malformed value throws a message naming the variable: silently
 * ignoring it would send traffic to the real exchange instead of the proxy the user asked for.
 */
export function parseUrlOverrides(text: string | undefined): Record<string, UrlOverride> {
  if (!text?.trim()) return {}
  const fail = (why: string): never => {
    throw new Error(`${URL_OVERRIDES_ENV} ${why} (expected {"<exchange>":{"http":"http://host:port","ws":"ws://host:port"}})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    fail('is not valid JSON')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) fail('must be a JSON object')
  const out: Record<string, UrlOverride> = {}
  for (const [exchange, value] of Object.entries(parsed as Record<string, unknown>)) {
    const entry = (value ?? {}) as { http?: unknown; ws?: unknown }
    if (typeof entry.http !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(entry.http)) fail(`${exchange}.http must be an origin like http://127.0.0.1:9000`)
    if (entry.ws !== undefined && (typeof entry.ws !== 'string' || !/^wss?:\/\/[^/\s]+\/?$/.test(entry.ws))) fail(`${exchange}.ws must be an origin like ws://127.0.0.1:9000`)
    out[exchange] = { http: entry.http as string, ...(entry.ws !== undefined ? { ws: entry.ws as string } : {}) }
  }
  return out
}
