import ccxt from 'ccxt'

export type FeedErrorKind = 'rate-limit' | 'network' | 'bad-symbol' | 'exchange' | 'malformed' | 'unknown'

export interface ClassifiedError {
  kind: FeedErrorKind
  /** Worth retrying after a pause (network trouble, rate limits, exchange hiccups). */
  transient: boolean
  message: string
}

/**
 * Sorts a failure into what the feed should do about it. Rate limits are checked first:
 * ccxt raises RateLimitExceeded or DDoSProtection (both network errors) for HTTP 429/418 and
 * for exchange codes that mean "slow down".
 */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof FeedRequestError) {
    return { kind: error.kind, transient: TRANSIENT_KINDS.has(error.kind), message: error.message }
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection || /\b429\b/.test(message)) {
    return { kind: 'rate-limit', transient: true, message }
  }
  if (error instanceof ccxt.BadSymbol) return { kind: 'bad-symbol', transient: false, message }
  // ExchangeNotAvailable and OnMaintenance are NetworkErrors too.
  if (error instanceof ccxt.NetworkError) return { kind: 'network', transient: true, message }
  if (error instanceof Error && error.name === 'MalformedDataError') return { kind: 'malformed', transient: true, message }
  if (error instanceof ccxt.BaseError) return { kind: 'exchange', transient: false, message }
  return { kind: 'unknown', transient: false, message }
}

const TRANSIENT_KINDS = new Set<FeedErrorKind>(['rate-limit', 'network', 'malformed'])

/** A failed one-shot request, with the exchange and what was asked in the message. */
export class FeedRequestError extends Error {
  constructor(
    readonly exchange: string,
    readonly what: string,
    readonly kind: FeedErrorKind,
    detail: string
  ) {
    super(`${exchange} ${what} failed (${kind}): ${detail}`)
    this.name = 'FeedRequestError'
  }
}
