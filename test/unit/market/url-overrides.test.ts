import { describe, expect, it } from 'vitest'
import { parseUrlOverrides } from '../../../src/core/market/url-overrides'

describe('KEEL_CCXT_URL_OVERRIDES', () => {
  it('parses per-exchange origins; unset means none', () => {
    expect(parseUrlOverrides(undefined)).toEqual({})
    expect(parseUrlOverrides('{"binance":{"http":"http://127.0.0.1:9000","ws":"ws://127.0.0.1:9000"},"kraken":{"http":"https://proxy.local"}}')).toEqual({
      binance: { http: 'http://127.0.0.1:9000', ws: 'ws://127.0.0.1:9000' },
      kraken: { http: 'https://proxy.local' }
    })
  })

  it('refuses malformed values with a message naming the variable', () => {
    expect(() => parseUrlOverrides('{binance')).toThrow(/KEEL_CCXT_URL_OVERRIDES is not valid JSON/)
    expect(() => parseUrlOverrides('{"binance":{"http":"127.0.0.1:9000"}}')).toThrow(/binance\.http/)
    expect(() => parseUrlOverrides('{"binance":{"http":"http://a:1","ws":"http://a:1"}}')).toThrow(/binance\.ws/)
  })
})
