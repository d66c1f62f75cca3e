import Database from 'better-sqlite3'
import type { Candle, Timeframe } from '../../../shared/market-data'
import { type CandleGap, expectedCandles, findGapsInTimes } from '../../market/candles'
import { migrate } from './migrations'

export interface SeriesKey {
  exchange: string
  symbol: string
  timeframe: Timeframe
}

export interface CandleQuery extends SeriesKey {
  /** Oldest first from here (inclusive). */
  since?: number
  /** Scroll-back: the `limit` candles just before this time (exclusive). */
  before?: number
  limit: number
}

interface CandleRow {
  ts: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

const toCandle = (row: CandleRow): Candle => [row.ts, row.open, row.high, row.low, row.close, row.volume]

/**
 * Candles in market.db. Owned by the market worker alone (one writer); WAL lets readers (a
 * backup, a debugging shell) look without blocking it.
 */
export class MarketStore {
  private readonly db: Database.Database
  private readonly statements

  constructor(path: string) {
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL') // WAL + NORMAL: durable across app crashes, fast
    this.db.pragma('busy_timeout = 2000')
    migrate(this.db)
    const key = 'exchange = @exchange AND symbol = @symbol AND timeframe = @timeframe'
    const columns = 'ts, open, high, low, close, volume'
    this.statements = {
      upsert: this.db.prepare(
        `INSERT INTO candles (exchange, symbol, timeframe, ${columns})
         VALUES (@exchange, @symbol, @timeframe, @ts, @open, @high, @low, @close, @volume)
         ON CONFLICT (exchange, symbol, timeframe, ts) DO UPDATE SET
           open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`
      ),
      since: this.db.prepare(`SELECT ${columns} FROM candles WHERE ${key} AND ts >= @since ORDER BY ts ASC LIMIT @limit`),
      before: this.db.prepare(`SELECT ${columns} FROM candles WHERE ${key} AND ts < @before ORDER BY ts DESC LIMIT @limit`),
      between: this.db.prepare(`SELECT ${columns} FROM candles WHERE ${key} AND ts >= @since AND ts < @until ORDER BY ts ASC`),
      // Timestamps only: gap finding over a long history reads 100k+ rows, and building a
      // candle object per row took long enough to stall the worker's event loop.
      times: this.db.prepare(`SELECT ts FROM candles WHERE ${key} AND ts >= @since AND ts < @until ORDER BY ts ASC`).pluck(),
      extent: this.db.prepare(`SELECT MIN(ts) AS first, MAX(ts) AS last, COUNT(*) AS count FROM candles WHERE ${key}`),
      subscribe: this.db.prepare('INSERT OR IGNORE INTO subscriptions (exchange, symbol, channel) VALUES (?, ?, ?)'),
      unsubscribe: this.db.prepare('DELETE FROM subscriptions WHERE exchange = ? AND symbol = ? AND channel = ?'),
      subscriptions: this.db.prepare('SELECT exchange, symbol, channel FROM subscriptions ORDER BY exchange, symbol, channel')
    }
  }

  /** Inserts or replaces candles; idempotent, atomic per call. Returns how many were written. */
  upsertCandles(series: SeriesKey, candles: readonly Candle[]): number {
    const write = this.db.transaction((rows: readonly Candle[]) => {
      for (const [ts, open, high, low, close, volume] of rows) {
        this.statements.upsert.run({ ...series, ts, open, high, low, close, volume })
      }
    })
    write(candles)
    return candles.length
  }

  /**
   * Chart queries, always oldest first: `since` → the first `limit` from there; `before` →
   * the last `limit` before it (scroll-back); neither → the latest `limit`.
   */
  candles(query: CandleQuery): Candle[] {
    const { exchange, symbol, timeframe, limit } = query
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive integer, got ${limit}`)
    const key = { exchange, symbol, timeframe, limit }
    if (query.since !== undefined && query.before === undefined) {
      return (this.statements.since.all({ ...key, since: query.since }) as CandleRow[]).map(toCandle)
    }
    const rows = this.statements.before.all({ ...key, before: query.before ?? Number.MAX_SAFE_INTEGER }) as CandleRow[]
    const candles = rows.reverse().map(toCandle)
    return query.since === undefined ? candles : candles.filter((c) => c[0] >= (query.since as number))
  }

  /** All candles in [since, until), oldest first. */
  range(series: SeriesKey, since: number, until: number): Candle[] {
    return (this.statements.between.all({ ...series, since, until }) as CandleRow[]).map(toCandle)
  }

  extent(series: SeriesKey): { first: number; last: number; count: number } | undefined {
    const row = this.statements.extent.get(series) as { first: number | null; last: number | null; count: number }
    return row.first === null || row.last === null ? undefined : { first: row.first, last: row.last, count: row.count }
  }

  /** Missing candles in [since, until). */
  gaps(series: SeriesKey, since: number, until: number): CandleGap[] {
    return findGapsInTimes(this.statements.times.all({ ...series, since, until }) as number[], series.timeframe, since, until)
  }

  /** Remembers live-feed subscriptions (idempotent), so a restarted worker can resume them. */
  addSubscriptions(exchange: string, symbols: readonly string[], channels: readonly string[]): void {
    this.db.transaction(() => {
      for (const symbol of symbols) for (const channel of channels) this.statements.subscribe.run(exchange, symbol, channel)
    })()
  }

  removeSubscriptions(exchange: string, symbols: readonly string[], channels: readonly string[]): void {
    this.db.transaction(() => {
      for (const symbol of symbols) for (const channel of channels) this.statements.unsubscribe.run(exchange, symbol, channel)
    })()
  }

  subscriptions(): { exchange: string; symbol: string; channel: string }[] {
    return this.statements.subscriptions.all() as { exchange: string; symbol: string; channel: string }[]
  }

  /** Expected number of candles in [since, until) for a timeframe. */
  static expectedCount(timeframe: Timeframe, since: number, until: number): number {
    return expectedCandles(timeframe, since, until)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}
