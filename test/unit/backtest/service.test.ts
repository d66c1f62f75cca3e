import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BacktestService } from '../../../src/core/backtest/service'
import { BacktestRequest, type BacktestProgress } from '../../../src/shared/backtest'
import { walkCandles } from './fixtures'

describe('BacktestService (runs on a real worker thread, stores in backtests.db)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bt-service-'))
  const csv = join(dir, 'walk.csv')
  writeFileSync(csv, `timestamp,open,high,low,close,volume\n${walkCandles(20_000, 4).map((c) => c.join(',')).join('\n')}\n`)
  const events: BacktestProgress[] = []
  const waiters: Array<() => void> = []
  const service = new BacktestService({ dataDir: dir, emit: (e) => (events.push(e), waiters.splice(0).forEach((w) => w())) })
  afterAll(() => service.close())
  const until = async (test: () => boolean) => {
    while (!test()) await new Promise<void>((r) => waiters.push(r))
  }

  it('runs, reports progress, stores the report; list and get return it', async () => {
    const request = BacktestRequest.parse({ strategy: 'sma-cross', data: csv, params: { fast: 5, slow: 20, amount: 1 }, config: { warmup: 20 } })
    const { runId } = service.run(request)
    await until(() => events.some((e) => e.runId === runId && e.state !== 'running'))
    const mine = events.filter((e) => e.runId === runId)
    const last = mine[mine.length - 1]
    expect(last).toMatchObject({ state: 'done', done: 20_000, total: 20_000 })
    expect(mine.some((e) => e.state === 'running' && e.done > 0 && e.done < 20_000)).toBe(true)
    const { backtests } = service.list(10)
    expect(backtests[0].id).toBe(last.backtestId)
    const { report } = service.get(last.backtestId as number)
    expect(report.data.candles).toBe(20_000)
    expect(report.metrics).toEqual(backtests[0].metrics)
  }, 60_000)

  it('cancel stops a running backtest; nothing is stored', async () => {
    const slow = join(dir, 'slow.js')
    writeFileSync(slow, 'export default { name: "slow", onCandle() { const t = performance.now(); while (performance.now() - t < 0.3) {} } }\n')
    const stored = service.list(100).backtests.length
    const { runId } = service.run(BacktestRequest.parse({ strategy: slow, data: csv }))
    await until(() => events.some((e) => e.runId === runId && e.done > 0))
    expect(service.cancel(runId)).toEqual({ cancelled: true })
    await until(() => events.some((e) => e.runId === runId && e.state !== 'running'))
    expect(events.filter((e) => e.runId === runId).at(-1)?.state).toBe('cancelled')
    expect(service.list(100).backtests.length).toBe(stored)
    expect(service.cancel(runId)).toEqual({ cancelled: false })
  }, 60_000)

  it('bad input is refused at once with the reason; a failing strategy ends as failed', async () => {
    expect(() => service.run(BacktestRequest.parse({ strategy: 'sma-cross', data: csv, params: { speed: 1 } }))).toThrow(/unknown param "speed"/)
    expect(() => service.run(BacktestRequest.parse({ strategy: 'sma-cross', data: 'nonsense' }))).toThrow(/neither a CSV file nor/)
    expect(() => service.get(999_999)).toThrow(/not found/)
    const broken = join(dir, 'throws.js')
    writeFileSync(broken, 'export default { name: "throws", onCandle() { throw new Error("kaput") } }\n')
    const { runId } = service.run(BacktestRequest.parse({ strategy: broken, data: csv }))
    await until(() => events.some((e) => e.runId === runId && e.state !== 'running'))
    expect(events.filter((e) => e.runId === runId).at(-1)).toMatchObject({ state: 'failed', error: expect.stringMatching(/kaput/) })
  }, 60_000)
})
