import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseInput, type RawEngineInput } from '../../../src/core/exchange'
import { Executor } from '../../../src/core/execution/executor'
import { TradingStore } from '../../../src/core/storage/trading'
import { SessionRecorder, type RecorderOptions } from '../../../src/core/backtest/replay-recorder'
import { readRecording, recordingIds } from '../../../src/core/backtest/replay-read'
import { compareReplay, listRecordings } from '../../../src/core/backtest/replay-service'
import type { Fill } from '../../../src/shared/trading'
import { CompareReplayParams, type OrderComparison } from '../../../src/shared/replay'
import { BTC } from '../exchange/fixtures'

/**
 * A paper session built by hand through the real executor (real SQLite journal) with the
 * recorder tapped in; then replayed, and run over candles, with every expected number worked
 * out below from the scenario, not from Keel's output.
 */

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-replay-'))
  dirs.push(dir)
  return dir
}

const T = 1_680_000_000_000 // a minute boundary
const acct = 'a'

function session(dataDir: string, options: Partial<RecorderOptions> = {}, now = () => T) {
  const store = TradingStore.open(join(dataDir, 'trading.db'))
  const executor = new Executor(store)
  const logs: string[] = []
  const recorder = new SessionRecorder({ dir: join(dataDir, 'recordings'), maxBytes: 1 << 30, segmentBytes: 1 << 28, log: (m) => logs.push(m), now, pid: 4242, ...options })
  executor.setTap(recorder)
  // Written at once, as the end of the event-loop turn would (recorder-buffer.test.ts tests that).
  const send = (...raw: RawEngineInput[]) => {
    const results = executor.applyBatch(raw.map((r) => parseInput(r)))
    recorder.flush()
    return results
  }
  return { store, executor, recorder, send, logs }
}

const book = (at: number, bids: [number, number][], asks: [number, number][]): RawEngineInput => ({ kind: 'book', book: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: T + at, bids, asks } })
const trade = (at: number, price: number, amount: number): RawEngineInput => ({ kind: 'trade', trade: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: T + at, price, amount, side: 'buy' } })
const place = (at: number, id: string, params: Record<string, unknown>): RawEngineInput => ({
  kind: 'placeOrder',
  at: T + at,
  params: { account: acct, clientOrderId: id, symbol: 'BTC/USDT', ...params }
})

/** The scenario (1m candles; candle 0 = [T, T+60 s), 1 = [+60 s, +120 s), 2 = [+120 s, +180 s)). */
function playScenario(send: (...raw: RawEngineInput[]) => unknown) {
  send({ kind: 'setMarkets', at: T, markets: [BTC] }, { kind: 'resetAccount', at: T, params: { account: acct, exchange: 'demo', balances: { USDT: 10_000 } } })
  send(book(1_000, [[99.9, 10]], [[100.1, 0.5], [100.2, 10]]), trade(1_000, 100, 1))
  send(place(2_000, 'A', { side: 'buy', type: 'market', amount: 1 })) // walks 0.5 @ 100.1 + 0.5 @ 100.2
  send(place(5_000, 'B', { side: 'buy', type: 'limit', amount: 0.5, price: 98 }))
  send(trade(20_000, 97.5, 2)) // through 98: B fills 0.5 @ 98
  send(place(30_000, 'C', { side: 'sell', type: 'limit', amount: 1, price: 103 }))
  send(trade(50_000, 101, 1))
  send(trade(61_000, 102, 1))
  send(place(62_000, 'F', { side: 'buy', type: 'limit', amount: 0.1, price: 90 }))
  send({ kind: 'cancelOrder', at: T + 70_000, params: { account: acct, clientOrderId: 'F' } })
  send(trade(80_000, 103, 1)) // touches C's 103: not through, no fill (conservative)
  send(book(99_000, [[102.7, 10]], [[102.9, 10]]))
  send(place(100_000, 'E', { side: 'buy', type: 'limit', amount: 0.1, price: 102.8 }))
  send(trade(110_000, 102.5, 1)) // through E's 102.8
  send(trade(121_000, 102.6, 1))
  send(trade(130_000, 103.5, 1)) // through C's 103: C fills 1 @ 103
  send(trade(150_000, 104, 1))
  send(trade(170_000, 104, 1), book(170_500, [[103.9, 10]], [[104.1, 10]]))
  send(place(171_000, 'G', { side: 'buy', type: 'market', amount: 0.1 })) // last candle: no next open
}

async function allFills(store: TradingStore): Promise<Fill[]> {
  return store.listFills({ account: acct, limit: 1000 } as never).fills
}

const byClient = (orders: OrderComparison[], id: string) => {
  const o = orders.find((x) => x.clientOrderId === id)
  if (!o) throw new Error(`no comparison for ${id}`)
  return o
}
const codes = (o: OrderComparison) => o.reasons.map((r) => r.code).sort()

describe('paper session recording and replay', () => {
  it('replays the recorded session to the journal’s fills exactly, and explains every candle-vs-tick difference', async () => {
    const dataDir = tmp()
    const { store, send } = session(dataDir)
    playScenario(send)
    const live = await allFills(store)
    // Hand-worked live fills: A 0.5 @ 100.1 and 0.5 @ 100.2 (taker 0.2 %), B 0.5 @ 98, E 0.1 @ 102.8,
    // C 1 @ 103 (maker 0.1 %), G 0.1 @ 104.1 (taker).
    expect(live.map((f) => [f.clientOrderId, f.price, f.amount, f.liquidity]).reverse()).toEqual([
      ['A', 100.1, 0.5, 'taker'],
      ['A', 100.2, 0.5, 'taker'],
      ['B', 98, 0.5, 'maker'],
      ['E', 102.8, 0.1, 'maker'],
      ['C', 103, 1, 'maker'],
      ['G', 104.1, 0.1, 'taker']
    ])

    const [id] = recordingIds(dataDir)
    expect(listRecordings(dataDir).recordings.map((r) => r.id)).toEqual([id])
    // Private like the journal.
    expect(statSync(join(dataDir, 'recordings')).mode & 0o777).toBe(0o700)
    expect(statSync(join(dataDir, 'recordings', `${id}.jsonl`)).mode & 0o777).toBe(0o600)
    const report = await compareReplay(dataDir, CompareReplayParams.parse({ id, fill: 'next-open' }), async (account, fromSeq) =>
      (await allFills(store)).filter((f) => f.account === account && Number(f.id.slice(1)) >= fromSeq)
    )
    // Faithful replay: the same fills, every field, as the journal (compared here too, independently of the report).
    expect(report.faithful.differences).toEqual([])
    expect(report.faithful.onlyLive).toEqual([])
    expect(report.faithful.onlyReplay).toEqual([])
    expect(report.faithful.live).toEqual({ checked: true, fills: 6, matched: 6 })
    expect(report.faithful.fills).toEqual([...live].reverse())

    const [cmp] = report.candles
    expect(cmp.candles).toBe(3)
    expect(cmp.cash).toBe(10_000)
    // A: market buy at +2 s, executed in candles at the next open (candle 1's open, the 102 trade).
    const a = byClient(cmp.orders, 'A')
    expect(a.tick?.price).toBeCloseTo(100.15, 10)
    expect(a.candle).toMatchObject({ price: 102, amount: 1, firstAt: T + 60_000, liquidity: 'taker' })
    expect(a.candle?.fee).toBeCloseTo(0.204, 10)
    expect(a.diff?.price).toBeCloseTo(1.85, 10)
    expect(a.diff?.timeMs).toBe(58_000)
    expect(codes(a)).toEqual(['next_open', 'timing'])
    // B: filled live inside its own candle (97.5 at +20 s); from candle 1 on the lowest low is 102.
    const b = byClient(cmp.orders, 'B')
    expect(b.candle).toBeNull()
    expect(codes(b)).toEqual(['not_touched', 'timing'])
    expect(b.reasons.find((r) => r.code === 'not_touched')?.message).toContain('lowest low 102')
    // C: sell 1 @ 103. Candle 1 only touches 103 (high 103); candle 2 (O 102.6 L 102.6 H 104 C 104,
    // volume 4; holding, so low first) trades through it at the high (+40 s) and the close, with
    // 4 × 25 % / 4 = 0.25 each: 0.5 filled in candles, 1 live (the 103.5 trade at +130 s).
    const c = byClient(cmp.orders, 'C')
    expect(c.candle).toMatchObject({ price: 103, amount: 0.5, fills: 2, firstAt: T + 160_000 })
    expect(c.diff).toMatchObject({ price: 0, amount: -0.5, timeMs: 30_000 })
    expect(codes(c)).toEqual(['partial_volume', 'timing'])
    // E: buy limit 102.8 placed in candle 1; candle 2 opens at 102.6, already through: filled at once at 102.6 as taker.
    const e = byClient(cmp.orders, 'E')
    expect(e.candle).toMatchObject({ price: 102.6, amount: 0.1, liquidity: 'taker', firstAt: T + 120_000 })
    expect(e.tick).toMatchObject({ price: 102.8, liquidity: 'maker', firstAt: T + 110_000 })
    expect(codes(e)).toEqual(['fee', 'gap_open', 'timing'])
    // F: placed and cancelled inside candle 1: a bar-based run never places it.
    expect(codes(byClient(cmp.orders, 'F'))).toEqual(['cancelled_first'])
    // G: placed in the last candle: no next open.
    expect(codes(byClient(cmp.orders, 'G'))).toEqual(['after_data'])
    expect(cmp.summary).toMatchObject({ next_open: 1, not_touched: 1, partial_volume: 1, gap_open: 1, fee: 1, cancelled_first: 1, after_data: 1, timing: 4 })
    store.close()
  })

  it('rotates segments under the cap, deletes the oldest, and each kept segment replays alone to the journal', async () => {
    const dataDir = tmp()
    const { store, send } = session(dataDir, { segmentBytes: 2_000, maxBytes: 12_000 })
    playScenario(send)
    for (let i = 0; i < 40; i++) send(trade(180_000 + i * 1_000, 104 + (i % 3), 1))
    send(place(230_000, 'H', { side: 'sell', type: 'market', amount: 0.3 }))
    const files = readdirSync(join(dataDir, 'recordings'))
    const sizes = recordingIds(dataDir).map((id) => readFileSync(join(dataDir, 'recordings', `${id}.jsonl`)).length)
    expect(files.length).toBeGreaterThan(2)
    // The cap: the closed segments fit in the cap less one segment, left for the open one.
    expect(sizes.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(12_000 - 2_000)
    expect(files).not.toContain('session-1680000000000-4242-1.jsonl')
    const live = await allFills(store)
    const fetchLive = async (account: string, fromSeq: number) => live.filter((f) => f.account === account && Number(f.id.slice(1)) >= fromSeq)
    let checked = 0
    for (const id of recordingIds(dataDir)) {
      const report = await compareReplay(dataDir, CompareReplayParams.parse({ id, fill: 'book' }), fetchLive)
      expect(report.faithful.differences).toEqual([])
      expect(report.faithful.onlyLive).toEqual([])
      expect(report.faithful.onlyReplay).toEqual([])
      checked += report.faithful.live.matched
    }
    // Together the kept segments cover every journal fill from the first kept one on (H's at least).
    const firstSeq = (await readRecording(dataDir, recordingIds(dataDir)[0])).state.nextFillSeq
    const covered = live.filter((f) => Number(f.id.slice(1)) >= firstSeq)
    expect(covered.some((f) => f.clientOrderId === 'H')).toBe(true)
    expect(checked).toBe(covered.length)
    store.close()
  })

  it('a full disk stops the recording, never the orders; it resumes in a new segment a minute later', async () => {
    const dataDir = tmp()
    const dir = join(dataDir, 'recordings')
    mkdirSync(dir)
    // The first segment's file is /dev/full: every write to it fails with ENOSPC.
    symlinkSync('/dev/full', join(dir, 'session-1680000000000-4242-1.jsonl'))
    let now = T
    const { store, send, recorder, logs } = session(dataDir, {}, () => now)
    expect(recorder.status.recording).toBe(false)
    expect(recorder.status.stopped).toMatch(/ENOSPC|no space/i)
    expect(logs.join('\n')).toMatch(/recording stopped/)
    playScenario(send)
    // Every order went through: the journal has all six fills.
    expect((await allFills(store)).length).toBe(6)
    unlinkSync(join(dir, 'session-1680000000000-4242-1.jsonl'))
    now += 61_000
    send(trade(240_000, 104, 1))
    expect(recorder.status.recording).toBe(true)
    send(place(241_000, 'H', { side: 'sell', type: 'market', amount: 0.3 }))
    const [id] = recordingIds(dataDir)
    expect(id).toBe('session-1680000000000-4242-2')
    const rec = await readRecording(dataDir, id)
    expect(rec.head.start).toBe('resume')
    const live = await allFills(store)
    const report = await compareReplay(dataDir, CompareReplayParams.parse({ id, fill: 'book' }), async (a, from) => live.filter((f) => f.account === a && Number(f.id.slice(1)) >= from))
    expect(report.faithful.live).toEqual({ checked: true, fills: 1, matched: 1 })
    expect(report.faithful.fills[0]).toEqual(live.find((f) => f.clientOrderId === 'H'))
    store.close()
  })

  it('a recording cut mid-line is read up to its last whole line; a damaged line in the middle names its number', async () => {
    const dataDir = tmp()
    const { store, send } = session(dataDir)
    playScenario(send)
    store.close()
    const [id] = recordingIds(dataDir)
    const file = join(dataDir, 'recordings', `${id}.jsonl`)
    const whole = await readRecording(dataDir, id)
    appendFileSync(file, '{"t":"in","i":{"kind":"trade","tra')
    const cut = await readRecording(dataDir, id)
    expect(cut.truncated).toBe(true)
    expect(cut.entries.length).toBe(whole.entries.length)
    const lines = readFileSync(file, 'utf8').split('\n')
    lines[4] = '{"t":"in","i":{"kind":"placeOrder","at":1,"params":{"account":"a","symbol":"BTC/USDT","side":"buy","type":"market","amount":-1}}}'
    writeFileSync(file, lines.join('\n'))
    await expect(readRecording(dataDir, id)).rejects.toThrow(/damaged at line 5: .*amount/)
    await expect(readRecording(dataDir, '../../etc/passwd')).rejects.toThrow(/not a recording id/)
    await expect(readRecording(dataDir, 'session-1-2-3')).rejects.toThrow(/not found/)
    expect(existsSync(file)).toBe(true)
  })

  it('KEEL_RECORDING_MB=0 records nothing', () => {
    const dataDir = tmp()
    const { store, send, recorder } = session(dataDir, { maxBytes: 0 })
    playScenario(send)
    expect(recorder.status).toMatchObject({ recording: false, stopped: expect.stringMatching(/off/) })
    expect(existsSync(join(dataDir, 'recordings'))).toBe(false)
    store.close()
  })

  it('runs the bot’s strategy over the recorded candles and explains each round trip’s difference', async () => {
    const dataDir = tmp()
    const { store, send } = session(dataDir)
    // The bot's strategy: buy 1 at the first close, sell it at the third.
    const file = join(dataDir, 'bot.ts')
    writeFileSync(
      file,
      `export default {
        name: 'first-and-third',
        async onCandle(ctx) {
          const n = ((ctx.state.n as number) ?? 0) + 1
          ctx.state.n = n
          if (n === 1) await ctx.order({ side: 'buy', type: 'market', amount: 1 })
          if (n === 3) await ctx.order({ side: 'sell', type: 'market', amount: 1 })
        }
      }\n`
    )
    // Live, the bot's orders reach the engine 50 ms after each close and walk the recorded book.
    send({ kind: 'setMarkets', at: T, markets: [BTC] }, { kind: 'resetAccount', at: T, params: { account: acct, exchange: 'demo', balances: { USDT: 10_000 } } })
    send(trade(1_000, 100, 1), trade(30_000, 101, 1))
    send(trade(60_000, 102, 1), book(60_010, [[101.9, 5]], [[102.1, 5]]))
    send(place(60_050, 'bot-1', { side: 'buy', type: 'market', amount: 1 }))
    send(trade(90_000, 103, 1), trade(120_000, 104, 1), trade(150_000, 104.5, 1))
    send(trade(180_000, 105, 1), book(180_010, [[104.9, 5]], [[105.1, 5]]))
    send(place(180_050, 'bot-2', { side: 'sell', type: 'market', amount: 1 }))
    send(trade(240_000, 105.5, 1))
    const [id] = recordingIds(dataDir)
    const report = await compareReplay(dataDir, CompareReplayParams.parse({ id, fill: 'next-open', account: acct, strategy: file }), undefined, 'any')
    const s = report.strategy
    if (!s) throw new Error('no strategy comparison')
    expect(s.candles).toBe(5)
    expect(s.trades.length).toBe(1)
    const [t] = s.trades
    // Live: 102.1 → 104.9, fees 0.2 % of 207 = 0.414, pnl 2.8 − 0.414; candles: the next opens 102 → 105, pnl 3 − 0.414.
    expect(t.live).toMatchObject({ entryPrice: 102.1, exitPrice: 104.9, size: 1, entryTime: T + 60_050, exitTime: T + 180_050 })
    expect(t.live?.pnl).toBeCloseTo(2.386, 9)
    expect(t.backtest).toMatchObject({ entryPrice: 102, exitPrice: 105, size: 1, entryTime: T + 60_000, exitTime: T + 180_000 })
    expect(t.backtest?.pnl).toBeCloseTo(2.586, 9)
    expect(t.diff).toMatchObject({ entryTimeMs: -50, exitTimeMs: -50 })
    expect(t.diff?.pnl).toBeCloseTo(0.2, 9)
    expect(t.reasons.map((r) => r.code)).toEqual(['next_open', 'next_open'])
    expect(t.reasons[0].message).toContain('50 ms after that open')
    // The API runs no strategy files: user code runs only caged in the app.
    await expect(compareReplay(dataDir, CompareReplayParams.parse({ id, account: acct, strategy: file }))).rejects.toThrow(/only built-in/)
    expect(CompareReplayParams.safeParse({ id, strategy: 'sma-cross' }).success).toBe(false)
    store.close()
  })
})
