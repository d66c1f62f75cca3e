import Database from 'better-sqlite3'
import WebSocket from 'ws'
import type { Candle } from '../../../src/shared/market-data'
import { type ServeProcess, waitFor } from '../../support/processes'

export interface ReceivedEvent {
  event: string
  payload: unknown
  /** Index in arrival order (to ask "after this point"). */
  seq: number
}

/** Keeps the newest events only: the demo alone sends ~100 a second. */
const MAX_KEPT = 50_000

/**
 * A WebSocket client of `keel serve`, as the renderer is one: it records every event it is
 * sent. The bridge sends one message per frame, a list of `{event, payload}`.
 */
export class EventLog {
  private readonly events: ReceivedEvent[] = []
  private seq = 0

  private constructor(
    private readonly ws: WebSocket,
    keep: (event: string) => boolean
  ) {
    ws.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as unknown
      for (const frame of (Array.isArray(parsed) ? parsed : [parsed]) as { event: string; payload: unknown }[]) {
        if (keep(frame.event)) this.events.push({ event: frame.event, payload: frame.payload, seq: this.seq++ })
      }
      if (this.events.length > MAX_KEPT) this.events.splice(0, this.events.length - MAX_KEPT)
    })
  }

  /** `keep` picks the events worth keeping (a rare one is not pushed out by the demo's stream). */
  static async connect(serve: ServeProcess, keep: (event: string) => boolean = () => true): Promise<EventLog> {
    const ws = new WebSocket(`${serve.origin.replace(/^http/, 'ws')}/ws?token=${serve.token}`)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new EventLog(ws, keep)
  }

  /** The position after everything received so far. */
  get mark(): number {
    return this.seq
  }

  all<T>(event: string, since = 0, where: (payload: T) => boolean = () => true): T[] {
    return this.events.filter((e) => e.event === event && e.seq >= since && where(e.payload as T)).map((e) => e.payload as T)
  }

  /** Waits for an event received at or after `since` that matches. */
  async next<T>(event: string, where: (payload: T) => boolean = () => true, since = 0, timeoutMs = 15_000): Promise<T> {
    return waitFor(`a ${event} event`, () => this.all<T>(event, since, where)[0], timeoutMs)
  }

  close(): void {
    this.ws.close()
  }
}

/** POSTs /api/<method> and insists on a 200. */
export async function ok<T>(serve: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { status, body } = await serve.call(method, params)
  if (status !== 200) throw new Error(`${method} ${JSON.stringify(params)} answered ${status}: ${JSON.stringify(body)}`)
  return body as T
}

/** x is a whole number of ticks (within float noise). */
export function onTick(x: number, tick: number): boolean {
  const n = x / tick
  return Math.abs(n - Math.round(n)) < 1e-6
}

/** Reads market.db as a second, read-only connection: the market worker stays its only writer. */
export function readStored(path: string, exchange: string, symbol: string, timeframe: string, since: number, until: number): Candle[] {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare('SELECT ts, open, high, low, close, volume FROM candles WHERE exchange = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts < ? ORDER BY ts')
      .all(exchange, symbol, timeframe, since, until) as { ts: number; open: number; high: number; low: number; close: number; volume: number }[]
    return rows.map((r) => [r.ts, r.open, r.high, r.low, r.close, r.volume])
  } finally {
    db.close()
  }
}
