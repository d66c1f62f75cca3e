import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { createWallClock } from '../src/core/market/demo-load'
import { sleep, summarize } from './stats'

/**
 * Ticks through the whole product: market worker → IPC → host (relay, bus, per-client fan-out)
 * → WebSocket → a client in this process. Load comes from inside the real market worker
 * (KEEL_DEMO_TICK_RATE / KEEL_DEMO_TRADE_RATE, see src/core/market/demo-load.ts); each load
 * event carries its creation time, so latency = client receive time − creation time, both on
 * this machine's system clock at sub-ms resolution (createWallClock).
 *
 * The host coalesces tickers per frame (the client gets the latest state per symbol, not every
 * tick), so for tickers we report delivered frames and the age of what is delivered; trades
 * are not coalesced, so their delivered rate and latency are the per-tick numbers.
 *
 * Env: KEEL_BENCH_SECONDS (per phase, default 15), KEEL_BENCH_RAMP (trade rates, default
 * "5000,10000,20000"; "" skips), KEEL_SOAK_SECONDS (default 300; 0 skips).
 */

const CLI = resolve(__dirname, '../out/main/cli.js')
const TOKEN = 'bench-token-0123456789'
const RATE = 2_000
const PHASE_S = Number(process.env.KEEL_BENCH_SECONDS ?? 15)
const WARMUP_S = 3
const RAMP = (process.env.KEEL_BENCH_RAMP ?? '5000,10000,20000').split(',').filter(Boolean).map(Number)
const SOAK_S = Number(process.env.KEEL_SOAK_SECONDS ?? 300)
const SOAK_SAMPLE_MS = 5_000
const MB = 1 / (1 << 20)

/** The same clock the load generator stamps with (sub-ms, anchored on the system clock). */
const preciseNow = createWallClock()

interface Serve {
  child: ChildProcess
  origin: string
  dir: string
  stderr(): string
  call(method: string, params?: unknown): Promise<unknown>
}

async function startServe(env: Record<string, string>, nodeArgs: string[] = []): Promise<Serve> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first (npm run bench does)`)
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-ticks-'))
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--port', '0', '--data-dir', dir, '--token', TOKEN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env }
  })
  let stdout = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)))
  const deadline = Date.now() + 20_000
  let url: string | undefined
  while (!(url = /(http:\/\/\S+)/.exec(stdout)?.[1])) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`keel serve did not start: ${stdout}`)
    await sleep(25)
  }
  const origin = new URL(url).origin
  const call = async (method: string, params: unknown = {}) => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(params)
    })
    if (!res.ok) throw new Error(`${method} → ${res.status} ${await res.text()}`)
    return res.json() as Promise<unknown>
  }
  return { child, origin, dir, call, stderr: () => stderr }
}

async function stopServe(serve: Serve): Promise<void> {
  if (serve.child.exitCode === null && serve.child.signalCode === null) {
    await new Promise<void>((r) => {
      serve.child.once('exit', () => r())
      serve.child.kill('SIGTERM')
    })
  }
  rmSync(serve.dir, { recursive: true, force: true })
}

interface Health {
  host: { rssBytes: number; cpuPercent: number; eventLoopDelayMs: number }
  workers: { name: string; state: string; rssBytes: number | null; eventLoopDelayMs: number | null }[]
}

async function waitUntilRunning(serve: Serve): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const health = (await serve.call('health')) as Health
    if (health.workers.every((w) => w.state === 'running')) return
    if (Date.now() > deadline) throw new Error('workers did not start')
    await sleep(100)
  }
}

/** A WebSocket client that measures what it receives; `reset()` starts a new window. */
class Probe {
  messages = 0
  /** The most load trades one message carried, and the longest pause between messages: stalls show here. */
  maxTradesPerMessage = 0
  maxGapMs = 0
  private lastMessageAt = 0
  tickers: number[] = []
  trades: number[] = []
  /** Load trade ids have no gaps at the source: a jump means trades the client never got. */
  missedTrades = 0
  private lastTradeId = 0 // kept across windows, so a gap at a window's edge still counts

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const at = preciseNow() // before parsing: parsing is the client's cost, not the pipe's
      this.messages += 1
      if (this.lastMessageAt) this.maxGapMs = Math.max(this.maxGapMs, at - this.lastMessageAt)
      this.lastMessageAt = at
      let trades = 0
      const frames = JSON.parse(String(data)) as { event: string; payload: { timestamp?: number; id?: string } }[]
      for (const { event, payload } of Array.isArray(frames) ? frames : [frames]) {
        const ts = payload?.timestamp
        if (typeof ts !== 'number') continue
        // Load tickers carry fractional timestamps (the demo's own are whole grid milliseconds);
        // load trades also have ids load-1, load-2…
        if (event === 'ticker' && !Number.isInteger(ts)) this.tickers.push(at - ts)
        else if (event === 'trade' && payload.id?.startsWith('load-')) {
          this.trades.push(at - ts)
          trades += 1
          const id = Number(payload.id?.slice('load-'.length))
          if (this.lastTradeId && id > this.lastTradeId + 1) this.missedTrades += id - this.lastTradeId - 1
          this.lastTradeId = Math.max(this.lastTradeId, id)
        }
      }
      this.maxTradesPerMessage = Math.max(this.maxTradesPerMessage, trades)
    })
  }

  static async connect(serve: Serve): Promise<Probe> {
    const ws = new WebSocket(`${serve.origin.replace(/^http/, 'ws')}/ws?token=${TOKEN}`)
    await new Promise<void>((r, j) => {
      ws.once('open', () => r())
      ws.once('error', j)
    })
    return new Probe(ws)
  }

  reset(): void {
    this.messages = 0
    this.maxTradesPerMessage = 0
    this.maxGapMs = 0
    this.tickers = []
    this.trades = []
    this.missedTrades = 0
  }

  close(): void {
    this.ws.close()
  }
}

const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

/** A fresh `keel serve` with the load in its environment, and a warmed-up client measuring it. */
async function underLoad<T>(env: Record<string, string>, fn: (serve: Serve, probe: Probe) => Promise<T>, nodeArgs: string[] = []): Promise<T> {
  const serve = await startServe(env, nodeArgs)
  try {
    await waitUntilRunning(serve)
    const probe = await Probe.connect(serve)
    try {
      await sleep(WARMUP_S * 1000)
      probe.reset()
      return await fn(serve, probe)
    } finally {
      probe.close()
    }
  } finally {
    await stopServe(serve)
  }
}

function measure(env: Record<string, string>, seconds: number): Promise<Record<string, unknown>> {
  return underLoad(env, async (serve, probe) => {
    const t0 = performance.now()
    await sleep(seconds * 1000)
    const elapsed = (performance.now() - t0) / 1000
    const health = (await serve.call('health')) as Health
    const worker = (name: string) => health.workers.find((w) => w.name === name)
    return {
      seconds: round(elapsed),
      wsMessagesPerSecond: round(probe.messages / elapsed),
      tickersDeliveredPerSecond: round(probe.tickers.length / elapsed),
      tickerAgeMs: probe.tickers.length ? summarize(probe.tickers) : null,
      tradesDeliveredPerSecond: round(probe.trades.length / elapsed),
      tradeLatencyMs: probe.trades.length ? summarize(probe.trades) : null,
      tradesMissed: probe.missedTrades,
      maxTradesPerMessage: probe.maxTradesPerMessage,
      maxGapBetweenMessagesMs: round(probe.maxGapMs),
      hostCpuPercent: round(health.host.cpuPercent),
      hostEventLoopDelayMs: health.host.eventLoopDelayMs,
      marketEventLoopDelayMs: worker('market')?.eventLoopDelayMs ?? null,
      executionEventLoopDelayMs: worker('execution')?.eventLoopDelayMs ?? null
    }
  })
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length
  if (n < 2) return 0
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den ? num / den : 0
}

function memoryStats(minutes: number[], mb: number[]): Record<string, number> {
  const half = Math.floor(mb.length / 2)
  return {
    startMB: round(mb[0]),
    endMB: round(mb[mb.length - 1]),
    maxMB: round(Math.max(...mb)),
    slopeMBPerMin: round(slope(minutes, mb), 3),
    // The first minutes include warm-up (JIT, caches, first GCs); flat means the second half is.
    secondHalfSlopeMBPerMin: round(slope(minutes.slice(half), mb.slice(half)), 3)
  }
}

/**
 * The host's live heap: a full GC through the inspector, then the heap in use. RSS alone cannot
 * tell a leak from V8 growing its heap lazily under a high allocation rate (it does: the host's
 * RSS climbs for minutes, then plateaus, and a full GC takes it back to the start).
 */
async function hostLiveHeapMB(serve: Serve): Promise<number> {
  const url = /(ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(serve.stderr())?.[1]
  if (!url) throw new Error('the host did not print its inspector URL')
  const ws = new WebSocket(url)
  await new Promise<void>((r, j) => {
    ws.once('open', () => r())
    ws.once('error', j)
  })
  let id = 0
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const mine = ++id
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, number> }
        if (message.id !== mine) return
        ws.off('message', onMessage)
        resolve(message.result ?? {})
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id: mine, method }))
    })
  try {
    await call('HeapProfiler.collectGarbage')
    return (await call('Runtime.getHeapUsage')).usedSize * MB
  } finally {
    ws.close()
  }
}

/** Minutes of load; host, market and execution RSS from `health` every 5 s. */
function soak(seconds: number, env: Record<string, string>): Promise<Record<string, unknown>> {
  return underLoad(env, async (serve, probe) => {
    const minutes: number[] = []
    const rss: Record<'host' | 'market' | 'execution', number[]> = { host: [], market: [], execution: [] }
    const windowP99: number[] = []
    const allTrades: number[] = []
    let missed = 0
    let maxGapMs = 0
    const liveHeapStart = await hostLiveHeapMB(serve)
    const t0 = performance.now()
    let messages = 0
    let trades = 0
    let tickers = 0
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(SOAK_SAMPLE_MS)
      const health = (await serve.call('health')) as Health
      minutes.push((performance.now() - t0) / 60_000)
      rss.host.push(health.host.rssBytes * MB)
      for (const name of ['market', 'execution'] as const) rss[name].push((health.workers.find((w) => w.name === name)?.rssBytes ?? 0) * MB)
      if (probe.trades.length) windowP99.push(summarize(probe.trades).p99)
      for (const x of probe.trades) allTrades.push(x)
      messages += probe.messages
      trades += probe.trades.length
      tickers += probe.tickers.length
      missed += probe.missedTrades
      maxGapMs = Math.max(maxGapMs, probe.maxGapMs)
      probe.reset()
    }
    const elapsed = (performance.now() - t0) / 1000
    const liveHeapEnd = await hostLiveHeapMB(serve)
    return {
      seconds: round(elapsed),
      samples: minutes.length,
      hostLiveHeapAfterFullGcMB: { start: round(liveHeapStart), end: round(liveHeapEnd) },
      wsMessagesPerSecond: round(messages / elapsed),
      tickersDeliveredPerSecond: round(tickers / elapsed),
      tradesDeliveredPerSecond: round(trades / elapsed),
      tradesMissed: missed,
      tradeLatencyMs: allTrades.length ? summarize(allTrades) : null,
      worstWindowP99Ms: round(Math.max(...windowP99)),
      maxGapBetweenMessagesMs: round(maxGapMs),
      rss: { host: memoryStats(minutes, rss.host), market: memoryStats(minutes, rss.market), execution: memoryStats(minutes, rss.execution) },
      rssSamplesMB: { host: rss.host.map((x) => round(x)), market: rss.market.map((x) => round(x)), execution: rss.execution.map((x) => round(x)) }
    }
    // The host only (workers are forked without inspector flags); loopback, for this run only.
  }, ['--inspect=127.0.0.1:0'])
}

export async function run(): Promise<Record<string, unknown>> {
  const log = (what: string) => process.stderr.write(`  ticks: ${what}\n`)
  const out: Record<string, unknown> = { targetRate: RATE, phaseSeconds: PHASE_S }
  log(`tickers at ${RATE}/s`)
  out.tickers = { offeredPerSecond: RATE, ...(await measure({ KEEL_DEMO_TICK_RATE: String(RATE) }, PHASE_S)) }
  log(`trades at ${RATE}/s`)
  out.trades = { offeredPerSecond: RATE, ...(await measure({ KEEL_DEMO_TRADE_RATE: String(RATE) }, PHASE_S)) }
  const ramp: Record<string, unknown>[] = []
  for (const rate of RAMP) {
    log(`trades at ${rate}/s`)
    ramp.push({ offeredPerSecond: rate, ...(await measure({ KEEL_DEMO_TRADE_RATE: String(rate) }, Math.max(5, Math.round(PHASE_S / 2)))) })
  }
  out.tradeRamp = ramp
  if (SOAK_S > 0) {
    // 2,000 ticks/s in all, half tickers (coalesced path) and half trades (ring path).
    const env = { KEEL_DEMO_TICK_RATE: String(RATE / 2), KEEL_DEMO_TRADE_RATE: String(RATE / 2) }
    log(`soak for ${SOAK_S} s at ${RATE / 2} tickers/s + ${RATE / 2} trades/s`)
    out.soak = { load: env, ...(await soak(SOAK_S, env)) }
  }
  return out
}
