import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MarketStore } from '../../../src/core/storage/market/market-store'
import { MARKET_MIGRATIONS, migrate } from '../../../src/core/storage/market/migrations'
import type { Candle } from '../../../src/shared/market-data'

const M = 60_000
const series = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' as const }
const candle = (i: number, close = 100 + i): Candle => [i * M, close, close + 1, close - 1, close, i]

describe('MarketStore', () => {
  let dir: string
  let path: string
  let store: MarketStore
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-market-'))
    path = join(dir, 'market.db')
    store = new MarketStore(path)
  })
  afterEach(() => {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('uses WAL and a versioned schema', () => {
    const db = new Database(path, { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(MARKET_MIGRATIONS.length)
    db.close()
  })

  it('upserts idempotently: re-writing a candle replaces it', () => {
    store.upsertCandles(series, [candle(0), candle(1), candle(2)])
    store.upsertCandles(series, [candle(1, 500), candle(2)])
    expect(store.extent(series)).toEqual({ first: 0, last: 2 * M, count: 3 })
    expect(store.candles({ ...series, since: 0, limit: 10 })[1]).toEqual(candle(1, 500))
  })

  it('answers since, latest and scroll-back queries oldest first', () => {
    store.upsertCandles(series, Array.from({ length: 100 }, (_, i) => candle(i)))
    store.upsertCandles({ ...series, symbol: 'ETH/USDT' }, [candle(500)])
    expect(store.candles({ ...series, since: 10 * M, limit: 3 }).map((c) => c[0])).toEqual([10 * M, 11 * M, 12 * M])
    expect(store.candles({ ...series, limit: 2 }).map((c) => c[0])).toEqual([98 * M, 99 * M])
    expect(store.candles({ ...series, before: 50 * M, limit: 3 }).map((c) => c[0])).toEqual([47 * M, 48 * M, 49 * M])
    expect(store.candles({ ...series, since: 48 * M, before: 50 * M, limit: 10 }).map((c) => c[0])).toEqual([48 * M, 49 * M])
    expect(store.candles({ ...series, timeframe: '1h', limit: 5 })).toEqual([])
    expect(() => store.candles({ ...series, limit: 0 })).toThrow(/positive integer/)
  })

  it('lists gaps', () => {
    store.upsertCandles(series, [candle(0), candle(1), candle(4), candle(5)])
    expect(store.gaps(series, 0, 8 * M)).toEqual([
      { from: 2 * M, to: 3 * M, missing: 2 },
      { from: 6 * M, to: 7 * M, missing: 2 }
    ])
    expect(MarketStore.expectedCount('1m', 0, 8 * M)).toBe(8)
  })

  it('remembers live-feed subscriptions across reopening, idempotently', () => {
    store.addSubscriptions('binance', ['BTC/USDT', 'ETH/USDT'], ['ticker', 'trades'])
    store.addSubscriptions('binance', ['BTC/USDT'], ['ticker'])
    store.removeSubscriptions('binance', ['ETH/USDT'], ['trades'])
    store.close()
    store = new MarketStore(path)
    expect(store.subscriptions()).toEqual([
      { exchange: 'binance', symbol: 'BTC/USDT', channel: 'ticker' },
      { exchange: 'binance', symbol: 'BTC/USDT', channel: 'trades' },
      { exchange: 'binance', symbol: 'ETH/USDT', channel: 'ticker' }
    ])
  })

  it('survives reopening, and refuses a database from a newer build', () => {
    store.upsertCandles(series, [candle(7)])
    store.close()
    store = new MarketStore(path)
    expect(store.extent(series)?.count).toBe(1)
    const db = new Database(path)
    expect(() => migrate(db, [])).toThrow(/newer than this build/)
    db.close()
  })
})
