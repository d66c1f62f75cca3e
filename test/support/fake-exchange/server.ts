import { readFileSync } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocket, WebSocketServer } from 'ws'
import { KRAKEN_INTERVAL_MINUTES, OhlcvBook, type OhlcvPlan } from './candles'

/**
 * A loopback server that answers like binance (REST /api/v3 + its WebSocket streams) and
 * kraken (REST /0/public), from hand-written fixtures in the exchanges' recorded shapes.
 * Faults can be injected: error bodies, HTTP 429, dropped WebSockets, a server restart.
 */

const fixtureCache = new Map<string, string>()
/** A fresh copy of a fixture (cached as text so callers may mutate what they get). */
export function fixture(name: string): unknown {
  let text = fixtureCache.get(name)
  if (text === undefined) {
    text = readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')
    fixtureCache.set(name, text)
  }
  return JSON.parse(text)
}

type Fault = 'error' | 'rateLimit'

interface PendingFault {
  pathPart: string
  fault: Fault
  remaining: number
}

export interface FakeExchangeOptions {
  ohlcv?: Partial<OhlcvPlan>
  /** How often subscribed WebSocket streams push (ms). */
  wsIntervalMs?: number
  now?: () => number
}

export interface FakeExchange {
  httpUrl: string
  wsUrl: string
  /** Every REST path+query served, in order. */
  requests: string[]
  /** Every WebSocket SUBSCRIBE params list received. */
  subscriptions: string[][]
  wsConnections: () => number
  /** The next `times` requests whose path contains `pathPart` fail with the exchange's error/429. */
  failNext(pathPart: string, fault: Fault, times?: number): void
  /** Kills every WebSocket connection abruptly (no close frame), like a network drop. */
  dropWebSockets(): void
  /** Stops listening and cuts all connections; `start` brings it back on the same port. */
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

export async function startFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const now = options.now ?? Date.now
  const ohlcv = new OhlcvBook({ listedSince: 0, now, ...options.ohlcv })
  const requests: string[] = []
  const subscriptions: string[][] = []
  const faults: PendingFault[] = []
  const sockets = new Set<Socket>()
  let tradeId = 5_000_000

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://loopback')
    requests.push(url.pathname + url.search)
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const kraken = url.pathname.startsWith('/0/')
    const faultIndex = faults.findIndex((f) => url.pathname.includes(f.pathPart) && f.remaining > 0)
    if (faultIndex >= 0) {
      const fault = faults[faultIndex]
      if (--fault.remaining === 0) faults.splice(faultIndex, 1)
      if (fault.fault === 'rateLimit') {
        // binance answers 429 with code -1003; kraken answers 200 with an EAPI error.
        return kraken ? send(200, fixture('kraken-rate-limit')) : send(429, fixture('binance-rate-limit'))
      }
      return kraken ? send(200, fixture('kraken-error')) : send(400, fixture('binance-error-unknown'))
    }
    const q = (name: string) => url.searchParams.get(name) ?? undefined
    const route = ROUTES[url.pathname]
    if (route) return send(200, route(q))
    if (url.pathname === '/api/v3/klines') {
      const rows = ohlcv.page(q('interval') ?? '1m', Number(q('startTime') ?? 0), Math.min(1000, Number(q('limit') ?? 500)))
      return send(200, rows.map(binanceKline))
    }
    if (url.pathname === '/0/public/OHLC') {
      const timeframe = KRAKEN_INTERVAL_MINUTES[Number(q('interval') ?? 1)]
      // kraken's `since` (seconds) is exclusive and it returns at most 720 rows
      const since = Number(q('since') ?? 0) * 1000 + 1
      const rows = ohlcv.page(timeframe, since, 720)
      return send(200, { error: [], result: { [q('pair') ?? 'XXBTZUSD']: rows.map(krakenOhlc), last: Math.floor((rows.at(-1)?.[0] ?? 0) / 1000) } })
    }
    if (url.pathname.startsWith('/api/v3/')) return send(400, fixture('binance-error-invalid-symbol'))
    send(404, { error: [`EGeneral:Unknown method ${url.pathname}`] })
  }

  const server: Server = createServer(handle)
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (ws) => {
    const streams = new Set<string>()
    const timer = setInterval(() => {
      for (const stream of streams) {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(binanceStreamMessage(stream, now(), ++tradeId)))
      }
    }, options.wsIntervalMs ?? 20)
    ws.on('close', () => clearInterval(timer))
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { method?: string; params?: string[]; id?: number }
      if (message.method === 'SUBSCRIBE' && Array.isArray(message.params)) {
        subscriptions.push(message.params)
        for (const stream of message.params) streams.add(stream)
        ws.send(JSON.stringify({ result: null, id: message.id }))
      } else if (message.method === 'UNSUBSCRIBE' && Array.isArray(message.params)) {
        for (const stream of message.params) streams.delete(stream)
        ws.send(JSON.stringify({ result: null, id: message.id }))
      }
    })
  })

  const listen = (port: number) =>
    new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))
  const port = await listen(0)

  const stop = async () => {
    for (const ws of wss.clients) ws.terminate()
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  return {
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    requests,
    subscriptions,
    wsConnections: () => wss.clients.size,
    failNext: (pathPart, fault, times = 1) => faults.push({ pathPart, fault, remaining: times }),
    dropWebSockets: () => {
      for (const ws of wss.clients) ws.terminate()
    },
    stop,
    start: async () => {
      await listen(port)
    },
    close: async () => {
      await stop().catch(() => undefined)
      wss.close()
    }
  }
}

const ROUTES: Record<string, (q: (name: string) => string | undefined) => unknown> = {
  '/api/v3/exchangeInfo': () => fixture('binance-exchangeInfo'),
  '/api/v3/ticker/24hr': () => fixture('binance-ticker-24hr'),
  '/api/v3/depth': (q) => {
    const depth = fixture('binance-depth') as { bids: unknown[]; asks: unknown[] }
    const limit = Number(q('limit') ?? 100)
    return { ...depth, bids: depth.bids.slice(0, limit), asks: depth.asks.slice(0, limit) }
  },
  '/api/v3/aggTrades': () => fixture('binance-aggTrades'),
  '/0/public/Assets': () => fixture('kraken-assets'),
  '/0/public/AssetPairs': () => fixture('kraken-assetPairs'),
  '/0/public/Ticker': () => fixture('kraken-ticker'),
  '/0/public/Depth': () => fixture('kraken-depth'),
  '/0/public/Trades': () => fixture('kraken-trades')
}

type Row = [number, number, number, number, number, number]

const binanceKline = ([ts, o, h, l, c, v]: Row) => [ts, o.toFixed(8), h.toFixed(8), l.toFixed(8), c.toFixed(8), v.toFixed(8), ts + 59_999, (v * c).toFixed(8), 120, (v / 2).toFixed(8), ((v * c) / 2).toFixed(8), '0']

const krakenOhlc = ([ts, o, h, l, c, v]: Row) => [ts / 1000, o.toFixed(1), h.toFixed(1), l.toFixed(1), c.toFixed(1), ((o + c) / 2).toFixed(1), v.toFixed(8), 42]

/** A push for a binance stream name like "btcusdt@trade" or "btcusdt@ticker". */
function binanceStreamMessage(stream: string, now: number, id: number): unknown {
  const [lowerId, channel] = stream.split('@')
  const symbol = lowerId.toUpperCase()
  if (channel === 'trade') {
    const base = fixture('binance-ws-trade') as Record<string, unknown>
    return { ...base, E: now, T: now, s: symbol, t: id, p: (64_250 + (id % 7) * 0.1).toFixed(8), m: id % 2 === 0 }
  }
  const base = fixture(channel === 'miniTicker' ? 'binance-ws-24hrMiniTicker' : 'binance-ws-24hrTicker') as Record<string, unknown>
  return { ...base, E: now, s: symbol }
}
