import { describe, expect, it } from 'vitest'
import { DemoLoad, createWallClock, demoLoadFromEnv } from '../../../src/core/market/demo-load'
import { DemoMarket } from '../../../src/core/market/demo-market'
import { Ticker, Trade } from '../../../src/shared/market-data'

const START = Date.UTC(2025, 0, 1)

function loadWith(rates: { tickersPerSecond: number; tradesPerSecond: number }) {
  let now = START + 0.25
  const demo = new DemoMarket({ seed: 7, startTime: START })
  const load = new DemoLoad(demo, rates, () => now)
  return { load, advance: (ms: number) => (now += ms) }
}

describe('DemoLoad (synthetic bench load)', () => {
  it('emits tickers and trades at the configured rates, valid and stamped with the creation time', () => {
    const { load, advance } = loadWith({ tickersPerSecond: 2_000, tradesPerSecond: 500 })
    const events = load.due()
    for (let i = 0; i < 200; i++) {
      advance(5)
      events.push(...load.due())
    }
    const tickers = events.filter((e) => e.name === 'ticker').map((e) => Ticker.parse(e.data))
    const trades = events.filter((e) => e.name === 'trade').map((e) => Trade.parse(e.data))
    expect(tickers).toHaveLength(2_000) // one second
    expect(trades).toHaveLength(500)
    expect(new Set(tickers.map((t) => t.symbol)).size).toBe(5) // round-robin over the demo symbols
    expect(tickers.every((t) => !Number.isInteger(t.timestamp))).toBe(true) // fractional: marks load
    expect(trades.map((t) => t.id)).toEqual(Array.from({ length: 500 }, (_, i) => `load-${i + 1}`))
  })

  it('does not flood after a stall: the backlog is dropped, ids stay gapless', () => {
    const { load, advance } = loadWith({ tickersPerSecond: 0, tradesPerSecond: 1_000 })
    load.due()
    advance(10_000)
    const burst = load.due()
    expect(burst.length).toBeLessThanOrEqual(250)
    advance(10)
    const next = load.due()
    expect(next).toHaveLength(10)
    expect((next[0].data as Trade).id).toBe(`load-${burst.length + 1}`)
  })

  it('reads its rates from the environment, off by default, loud on nonsense', () => {
    expect(demoLoadFromEnv({})).toBeUndefined()
    expect(demoLoadFromEnv({ KEEL_DEMO_TICK_RATE: '2000' })).toEqual({ tickersPerSecond: 2_000, tradesPerSecond: 0 })
    expect(() => demoLoadFromEnv({ KEEL_DEMO_TRADE_RATE: 'fast' })).toThrow(/KEEL_DEMO_TRADE_RATE/)
  })

  it('never stamps a whole millisecond (that marks demo events)', () => {
    const demo = new DemoMarket({ seed: 7, startTime: START })
    let now = START + 10
    const load = new DemoLoad(demo, { tickersPerSecond: 1_000, tradesPerSecond: 1_000 }, () => (now += 1))
    load.due()
    const events = load.due()
    expect(events.length).toBeGreaterThan(0)
    for (const e of events) expect(Number.isInteger((e.data as { timestamp: number }).timestamp)).toBe(false)
  })

  it('has a wall clock that agrees with Date.now()', () => {
    const clock = createWallClock()
    const t = clock()
    expect(Math.abs(t - Date.now())).toBeLessThan(5)
  })
})
