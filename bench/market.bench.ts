import { CandleAggregator } from '../src/core/market/candles'
import { ClientFanout } from '../src/main/client-fanout'
import { DemoMarket } from '../src/core/market/demo-market'
import { summarize } from './stats'

const START = Date.UTC(2025, 0, 1)

/** Demo market: how fast the simulation runs compared to real time, and events per second. */
function demoGeneration(): Record<string, unknown> {
  const initStarted = performance.now()
  const market = new DemoMarket({ seed: 1, startTime: START })
  const initMs = performance.now() - initStarted
  const simulatedMs = 10 * 60_000
  const counts: Record<string, number> = {}
  const started = performance.now()
  // Drive it like the worker does: one advance per 50 ms of market time.
  for (let t = START + 50; t <= START + simulatedMs; t += 50) {
    for (const event of market.advance(t)) counts[event.name] = (counts[event.name] ?? 0) + 1
  }
  const wallMs = performance.now() - started
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  const historyStarted = performance.now()
  market.historicalCandles('BTC/USDT', '1h', START - 30 * 86_400_000)
  return {
    symbols: market.symbols.length,
    initMs: round(initMs),
    simulatedSeconds: simulatedMs / 1000,
    wallMs: round(wallMs),
    speedupVsRealTime: Math.round(simulatedMs / wallMs),
    eventsPerSecond: Math.round((total / wallMs) * 1000),
    tradesPerSecond: Math.round(((counts.trade ?? 0) / wallMs) * 1000),
    eventCounts: counts,
    history30dOf1hMs: round(performance.now() - historyStarted)
  }
}

/** Per-client fan-out (src/main/client-fanout.ts): offers per second and a frame's flush cost under a firehose. */
function fanoutThroughput(): Record<string, unknown> {
  let delivered = 0
  const fanout = new ClientFanout({ deliver: (frames) => (delivered += frames.length) })
  const symbols = Array.from({ length: 50 }, (_, i) => `S${i}/USDT`)
  const events = Array.from({ length: 10_000 }, (_, i) => {
    const symbol = symbols[i % symbols.length]
    return i % 3 === 0
      ? ({ name: 'trade', data: { exchange: 'demo', symbol, timestamp: i, price: 100, amount: 1, side: 'buy' } } as const)
      : ({ name: 'ticker', data: { exchange: 'demo', symbol, timestamp: i, last: 100 + i } } as const)
  })
  const offers = 2_000_000
  const flushMs: number[] = []
  const started = performance.now()
  for (let i = 0; i < offers; i++) {
    const e = events[i % events.length]!
    fanout.offer(e.name, e.data)
    if (i % 20_000 === 19_999) {
      // a frame: 20k offers per frame ≈ 600k events/s in at 30 frames/s
      const t = performance.now()
      fanout.flush()
      flushMs.push(performance.now() - t)
    }
  }
  const wallMs = performance.now() - started
  fanout.close()
  return {
    offers,
    offersPerSecond: Math.round((offers / wallMs) * 1000),
    deliveredPerFrame: Math.round(delivered / flushMs.length),
    droppedTrades: fanout.droppedTrades,
    flushMs: summarize(flushMs)
  }
}

function aggregation(): Record<string, unknown> {
  const aggregator = new CandleAggregator('1m')
  const n = 1_000_000
  const started = performance.now()
  for (let i = 0; i < n; i++) aggregator.add({ timestamp: START + i * 10, price: 100 + (i % 17), amount: 0.5 })
  return { tradesPerSecond: Math.round((n / (performance.now() - started)) * 1000) }
}

const round = (x: number) => Math.round(x * 100) / 100

export async function run(): Promise<Record<string, unknown>> {
  return { demo: demoGeneration(), fanout: fanoutThroughput(), candleAggregation: aggregation() }
}
