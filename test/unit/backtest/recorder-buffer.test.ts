import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseInput, type RawEngineInput } from '../../../src/core/exchange'
import { Executor } from '../../../src/core/execution/executor'
import { TradingStore } from '../../../src/core/storage/trading'
import { SessionRecorder } from '../../../src/core/backtest/replay-recorder'
import { readRecording, recordingIds } from '../../../src/core/backtest/replay-read'

/**
 * The recorder buffers the lines of an event-loop turn and writes them after it: what a clean
 * stop and a SIGKILL leave on disk, checked line by line against the inputs sent.
 */

const dirs: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keel-recbuf-'))
  dirs.push(dir)
  return dir
}

const T = 1_680_000_000_000
const trade = (i: number): RawEngineInput => ({ kind: 'trade', trade: { exchange: 'demo', symbol: 'BTC/USDT', timestamp: T + i, price: 100 + (i % 7), amount: 1, side: 'buy' } })
const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

function recordingText(dataDir: string): string {
  const [id] = recordingIds(dataDir)
  return readFileSync(join(dataDir, 'recordings', `${id}.jsonl`), 'utf8')
}
const inputLines = (text: string) => text.split('\n').filter((l) => l.startsWith('{"t":"in"'))
const timestamps = (text: string) => inputLines(text).map((l) => (JSON.parse(l) as { i: { trade: { timestamp: number } } }).i.trade.timestamp - T)

describe('session recorder buffering', () => {
  it('writes a turn’s batches together after the turn, and everything with its end line on close', async () => {
    const dataDir = tmp()
    const store = TradingStore.open(join(dataDir, 'trading.db'))
    const executor = new Executor(store)
    const recorder = new SessionRecorder({ dir: join(dataDir, 'recordings'), maxBytes: 1 << 30, segmentBytes: 1 << 28, log: () => undefined })
    executor.setTap(recorder)
    // The head and the engine state are written when the segment opens.
    const opened = recordingText(dataDir)
    expect(opened.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { t: string }).t)).toEqual(['head', 'state'])

    for (let i = 0; i < 5; i++) executor.applyBatch([parseInput(trade(i))])
    expect(recordingText(dataDir)).toBe(opened) // still in memory during the turn
    await turn()
    expect(timestamps(recordingText(dataDir))).toEqual([0, 1, 2, 3, 4])

    executor.applyBatch([parseInput(trade(5)), parseInput(trade(6))])
    recorder.close()
    const closed = recordingText(dataDir)
    expect(timestamps(closed)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(JSON.parse(closed.trimEnd().split('\n').at(-1)!)).toMatchObject({ t: 'end', reason: 'shutdown' })
    expect(recorder.status.bytes).toBe(Buffer.byteLength(closed))
    store.close()
  })

  it('a burst past 64 KiB is written without waiting for the turn', () => {
    const dataDir = tmp()
    const store = TradingStore.open(join(dataDir, 'trading.db'))
    const executor = new Executor(store)
    const recorder = new SessionRecorder({ dir: join(dataDir, 'recordings'), maxBytes: 1 << 30, segmentBytes: 1 << 28, log: () => undefined })
    executor.setTap(recorder)
    // Each trade line is ~130 bytes: 1000 of them are well past 64 KiB, so most are on disk at once.
    executor.applyBatch(Array.from({ length: 1000 }, (_, i) => parseInput(trade(i))))
    for (let i = 1000; i < 1010; i++) executor.applyBatch([parseInput(trade(i))])
    const written = timestamps(recordingText(dataDir))
    expect(written.length).toBeGreaterThanOrEqual(1000)
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i))
    recorder.close()
    expect(timestamps(recordingText(dataDir)).length).toBe(1010)
    store.close()
  })

  async function startChild(dataDir: string) {
    const child = fork(join(__dirname, 'recorder-child.ts'), [dataDir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    children.push(child)
    const next = () => new Promise<{ acked?: true; ready?: true }>((resolve) => child.once('message', resolve))
    await next()
    const send = async (batch: RawEngineInput[]) => {
      const acked = next()
      child.send({ batch })
      await acked
    }
    return { child, send }
  }

  it('a SIGKILL right after an ack loses at most that last turn: every earlier acked input is on disk, whole lines, in order', { timeout: 60_000 }, async () => {
    const dataDir = tmp()
    const { child, send } = await startChild(dataDir)
    for (let i = 0; i < 50; i++) await send([trade(2 * i), trade(2 * i + 1)])
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    const text = recordingText(dataDir)
    expect(text.endsWith('\n')).toBe(true)
    const written = timestamps(text)
    // Batches 0..48 were acknowledged before batch 49 was sent; their turns ended before it arrived.
    expect(written.length).toBeGreaterThanOrEqual(98)
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i))
    const [id] = recordingIds(dataDir)
    const rec = await readRecording(dataDir, id!)
    expect(rec.truncated).toBe(false)
    expect(rec.end).toBeUndefined() // killed: no end line
    expect(rec.entries.length).toBe(written.length)
  })

  it('a clean stop leaves every input and the end line', { timeout: 60_000 }, async () => {
    const dataDir = tmp()
    const { child, send } = await startChild(dataDir)
    for (let i = 0; i < 20; i++) await send([trade(i)])
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.send({ close: true })
    expect(await exited).toBe(0)
    const [id] = recordingIds(dataDir)
    const rec = await readRecording(dataDir, id!)
    expect(rec.entries.length).toBe(20)
    expect(timestamps(recordingText(dataDir))).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(rec.end).toMatchObject({ reason: 'shutdown' })
  })
})
