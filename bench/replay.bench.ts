import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseInput, type EngineInput, type RawEngineInput } from '../src/core/exchange'
import { Executor } from '../src/core/execution/executor'
import { TradingStore } from '../src/core/storage/trading'
import { SessionRecorder } from '../src/core/backtest/replay-recorder'
import { readRecording, recordingIds } from '../src/core/backtest/replay-read'
import { replayRecording } from '../src/core/backtest/replay-run'
import { compareReplay } from '../src/core/backtest/replay-service'
import type { MarketInfo } from '../src/shared/market-data'
import { CompareReplayParams } from '../src/shared/replay'
import { summarize } from './stats'

/**
 * What recording a paper session costs and what replaying it takes. The execution worker's
 * own path, in process: Executor.applyBatch on a real trading.db (synchronous = FULL, one
 * transaction per batch, as the worker commits), batches of 60 resting limit orders + 4 books
 * of 25 levels a side (the demo feed's depth), with and without the recorder tapped in;
 * alternated runs, medians. Then: bytes recorded per input, replay speed through a fresh engine,
 * and a whole compareReplay (replay + journal comparison + candle run) of the recording.
 */

const BATCHES = Number(process.env.KEEL_BENCH_REPLAY_BATCHES ?? 150)
const REPS = Number(process.env.KEEL_BENCH_REPLAY_REPS ?? 3)
const ORDERS_PER_BATCH = 60
const BOOKS_PER_BATCH = 4

const MARKET: MarketInfo = {
  exchange: 'demo',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  precision: { amount: 0.00001, price: 0.01 },
  limits: { amount: { min: 0.00001 }, price: {}, cost: {} },
  maker: 0.001,
  taker: 0.001
}

function book(t: number, mid: number): RawEngineInput {
  const bids: [number, number][] = []
  const asks: [number, number][] = []
  for (let k = 1; k <= 25; k++) {
    bids.push([Math.round((mid - k * 0.5) * 100) / 100, 0.1 + k * 0.01])
    asks.push([Math.round((mid + k * 0.5) * 100) / 100, 0.1 + k * 0.01])
  }
  return { kind: 'book', book: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: t, bids, asks } }
}

function batches(prefix: string): EngineInput[][] {
  const out: EngineInput[][] = []
  let t = 1_700_000_000_000
  let n = 0
  for (let b = 0; b < BATCHES; b++) {
    const batch: RawEngineInput[] = []
    for (let i = 0; i < ORDERS_PER_BATCH; i++) {
      if (i % (ORDERS_PER_BATCH / BOOKS_PER_BATCH) === 0) batch.push(book(t, 60_000 + (b % 7)))
      const side = n % 2 === 0 ? 'buy' : 'sell'
      batch.push({
        kind: 'placeOrder',
        at: t,
        params: { account: 'bench', clientOrderId: `${prefix}-${n++}`, symbol: 'BTC/USDT', side, type: 'limit', amount: 0.001, price: side === 'buy' ? 30_000 : 90_000 }
      })
      t += 3
    }
    out.push(batch.map((r) => parseInput(r)))
  }
  return out
}

function setUp(dir: string, record: boolean) {
  const store = TradingStore.open(join(dir, 'trading.db'))
  const executor = new Executor(store)
  const recorder = record ? new SessionRecorder({ dir: join(dir, 'recordings'), maxBytes: 1 << 30, segmentBytes: 1 << 28, log: () => undefined }) : undefined
  if (recorder) executor.setTap(recorder)
  executor.applyBatch(
    [
      { kind: 'setMarkets', at: 1, markets: [MARKET] },
      { kind: 'resetAccount', at: 1, params: { account: 'bench', exchange: 'demo', balances: { USDT: 1e12, BTC: 1e6 } } }
    ].map((r) => parseInput(r as RawEngineInput))
  )
  return { store, executor, recorder }
}

function runOnce(record: boolean): { ordersPerSec: number; dir: string; store: TradingStore } {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-replay-'))
  const { store, executor, recorder } = setUp(dir, record)
  const work = batches(record ? 'r' : 'p')
  const started = performance.now()
  for (const batch of work) executor.applyBatch(batch)
  recorder?.flush() // the batches ran in one turn: the lines still buffered are written (and timed) here
  const ms = performance.now() - started
  return { ordersPerSec: Math.round((BATCHES * ORDERS_PER_BATCH) / (ms / 1000)), dir, store }
}

export async function run(): Promise<Record<string, unknown>> {
  const plain: number[] = []
  const recorded: number[] = []
  let kept: { dir: string; store: TradingStore } | undefined
  for (let rep = 0; rep < REPS; rep++) {
    for (const record of [false, true]) {
      const result = runOnce(record)
      ;(record ? recorded : plain).push(result.ordersPerSec)
      if (record && rep === REPS - 1) kept = result
      else {
        result.store.close()
        rmSync(result.dir, { recursive: true, force: true })
      }
    }
  }
  if (!kept) throw new Error('no recorded run kept')
  const { dir, store } = kept
  const [id] = recordingIds(dir)
  const bytes = readdirSync(join(dir, 'recordings')).reduce((sum, f) => sum + statSync(join(dir, 'recordings', f)).size, 0)
  const readStarted = performance.now()
  const recording = await readRecording(dir, id)
  const readMs = performance.now() - readStarted
  const replayStarted = performance.now()
  const outcome = await replayRecording(recording)
  const replayMs = performance.now() - replayStarted
  const compareStarted = performance.now()
  const report = await compareReplay(dir, CompareReplayParams.parse({ id, fill: 'book' }), async (account, fromSeq) =>
    store.listFills({ account, limit: 1000 } as never).fills.filter((f) => Number(f.id.slice(1)) >= fromSeq)
  )
  const compareMs = performance.now() - compareStarted
  store.close()
  rmSync(dir, { recursive: true, force: true })
  const medianPlain = summarize(plain).median
  const medianRecorded = summarize(recorded).median
  const inputs = recording.entries.length
  return {
    batches: BATCHES,
    perBatch: { orders: ORDERS_PER_BATCH, books: BOOKS_PER_BATCH, bookLevelsPerSide: 25 },
    ordersPerSec: { withoutRecorder: medianPlain, withRecorder: medianRecorded, runs: { withoutRecorder: plain, withRecorder: recorded } },
    recordingOverheadPct: Math.round((1 - medianRecorded / medianPlain) * 1000) / 10,
    recording: { inputs, bytes, bytesPerInput: Math.round(bytes / inputs) },
    replay: {
      readMs: Math.round(readMs),
      replayMs: Math.round(replayMs),
      inputsPerSec: Math.round(inputs / (replayMs / 1000)),
      placed: outcome.commands.length,
      compareReplayMs: Math.round(compareMs),
      orderComparisons: report.candles.reduce((n, c) => n + c.orders.length, 0)
    }
  }
}
