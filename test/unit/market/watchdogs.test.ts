import { describe, expect, it } from 'vitest'
import { Backoff } from '../../../src/core/market/backoff'
import { ExchangeHealthTracker } from '../../../src/core/market/health'
import { StalenessWatchdog } from '../../../src/core/market/staleness'
import { ExchangeHealth, FeedStatusEvent } from '../../../src/shared/market'

describe('StalenessWatchdog', () => {
  it('turns a silent symbol stale once, and live again on fresh data', () => {
    const dog = new StalenessWatchdog(10_000)
    dog.watch('binance', 'BTC/USDT', 0)
    dog.watch('binance', 'ETH/USDT', 0)
    dog.markFresh('binance', 'ETH/USDT', 5_000)
    expect(dog.check(9_999)).toEqual([])
    expect(dog.isStale('binance', 'BTC/USDT', 9_999)).toBe(false)
    const stale = dog.check(10_000)
    expect(stale).toHaveLength(1)
    expect(stale[0]).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', status: 'stale' })
    expect(stale[0].reason).toMatch(/no update for 10\.0 s \(limit 10 s\)/)
    expect(() => FeedStatusEvent.parse(stale[0])).not.toThrow()
    expect(dog.check(12_000)).toEqual([]) // transitions only
    expect(dog.check(15_000).map((t) => t.symbol)).toEqual(['ETH/USDT'])
    expect(dog.staleReason('binance', 'BTC/USDT', 16_000)).toMatch(/stale: no update for 16\.0 s/)
    const recovered = dog.markFresh('binance', 'BTC/USDT', 16_000)
    expect(recovered).toMatchObject({ status: 'connected', symbol: 'BTC/USDT' })
    expect(dog.isStale('binance', 'BTC/USDT', 16_001)).toBe(false)
    expect(dog.markFresh('binance', 'BTC/USDT', 16_500)).toBeUndefined()
  })

  it('is stale between checks too, and for symbols nobody subscribed', () => {
    const dog = new StalenessWatchdog(3_000)
    dog.markFresh('demo', 'BTC/USDT', 0)
    expect(dog.isStale('demo', 'BTC/USDT', 3_500)).toBe(true)
    expect(dog.staleReason('demo', 'XRP/USDT', 0)).toMatch(/not subscribed/)
    dog.unwatch('demo', 'BTC/USDT')
    expect(dog.check(10_000)).toEqual([])
    expect(() => new StalenessWatchdog(0)).toThrow(/positive/)
  })
})

describe('ExchangeHealthTracker', () => {
  it('reports median latency, error rate over the window, message age and counters', () => {
    const health = new ExchangeHealthTracker('kraken', { window: 4 })
    expect(health.snapshot(0)).toMatchObject({ latencyMs: null, errorRate: 0, lastMessageAgeMs: null, status: 'ok' })
    health.recordSuccess(1_000, 30)
    health.recordSuccess(1_100, 10)
    health.recordSuccess(1_200, 20)
    health.recordFailure('boom', { rateLimited: true })
    health.recordReconnect()
    const snap = health.snapshot(1_500)
    expect(snap).toMatchObject({ latencyMs: 20, errorRate: 0.25, lastMessageAgeMs: 300, rateLimitHits: 1, reconnects: 1, status: 'degraded', lastError: 'boom' })
    expect(() => ExchangeHealth.parse(snap)).not.toThrow()
    for (let i = 0; i < 4; i++) health.recordSuccess(2_000, 5)
    expect(health.snapshot(2_000)).toMatchObject({ errorRate: 0, latencyMs: 5, status: 'ok' })
  })

  it('is down when errors dominate or nothing arrived for too long', () => {
    const health = new ExchangeHealthTracker('binance', { downAfterMs: 5_000 })
    health.recordSuccess(0, 1)
    expect(health.snapshot(5_001).status).toBe('down')
    const failing = new ExchangeHealthTracker('binance')
    failing.recordFailure('a')
    expect(failing.snapshot(0).status).toBe('down')
    const dropped = new ExchangeHealthTracker('binance')
    dropped.recordSuccess(0, 1)
    dropped.markDisconnected('socket closed')
    expect(dropped.snapshot(10)).toMatchObject({ status: 'degraded', lastError: 'socket closed' })
  })
})

describe('Backoff', () => {
  it('grows exponentially up to the cap, jittered, and resets', () => {
    const fixed = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0, random: () => 0.5 })
    expect([fixed.next(), fixed.next(), fixed.next(), fixed.next(), fixed.next()]).toEqual([100, 200, 400, 800, 1_000])
    fixed.reset()
    expect(fixed.next()).toBe(100)
    const jittered = new Backoff({ initialMs: 1_000, jitter: 0.5, random: () => 0 })
    expect(jittered.next()).toBe(500)
  })
})

describe('listExchanges', () => {
  it('puts the demo first and lists ccxt exchanges with their WebSocket support', async () => {
    const { listExchanges } = await import('../../../src/core/market/exchanges')
    const list = listExchanges()
    expect(list[0]).toEqual({ id: 'demo', name: 'Demo market (offline)', hasWebSocket: false, isDemo: true })
    expect(list.find((e) => e.id === 'binance')).toMatchObject({ name: 'Binance', hasWebSocket: true, isDemo: false })
    expect(list.length).toBeGreaterThan(50)
  })
})
