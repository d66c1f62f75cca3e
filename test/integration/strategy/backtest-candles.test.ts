import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BacktestCandlesResult } from '../../../src/shared/backtest-chart'
import { waitFor } from '../../support/processes'
import { ok, servePerTest } from '../trading/helpers'

// backtestCandles: a stored run's candles read again from its data, paged like the live chart's
// candles, and refused once the data no longer is what the run used.

const server = servePerTest('keel-backtest-candles-')
const MINUTE = 60_000
const T0 = Date.UTC(2026, 0, 5)

/** n one-minute candles, a slow zig-zag so the values differ row to row. */
function rows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const open = 100 + (i % 17) - (i % 5) * 0.5
    const close = open + ((i % 3) - 1) * 0.75
    return [T0 + i * MINUTE, open, Math.max(open, close) + 0.5, Math.min(open, close) - 0.5, close, 10 + (i % 7)]
  })
}
const csv = (r: number[][]) => `timestamp,open,high,low,close,volume\n${r.map((x) => x.join(',')).join('\n')}\n`

describe('backtestCandles', () => {
  it('pages the run\'s candles from its CSV and refuses once the file changed', async () => {
    const s = await server.start(['BTC/USDT'])
    const file = join(server.dataDir, 'history.csv')
    const data = rows(120)
    writeFileSync(file, csv(data))
    const { runId } = await ok<{ runId: string }>(s, 'runBacktest', { strategy: 'sma-cross', data: file, params: { fast: 3, slow: 8, amount: 1 }, config: { warmup: 8 } })
    expect(runId).toBeTruthy()
    const id = await waitFor('the stored run', async () => (await ok<{ backtests: { id: number }[] }>(s, 'listBacktests', { limit: 5 })).backtests[0]?.id, 60_000, 200)

    const latest = BacktestCandlesResult.parse(await ok(s, 'backtestCandles', { id, limit: 50 })).candles
    expect(latest).toEqual(data.slice(70))
    const older = BacktestCandlesResult.parse(await ok(s, 'backtestCandles', { id, before: latest[0]![0], limit: 50 })).candles
    expect(older).toEqual(data.slice(20, 70))
    const first = BacktestCandlesResult.parse(await ok(s, 'backtestCandles', { id, before: older[0]![0], limit: 50 })).candles
    expect(first).toEqual(data.slice(0, 20))
    expect(BacktestCandlesResult.parse(await ok(s, 'backtestCandles', { id, before: T0 })).candles).toEqual([])

    for (const bad of [{ id, limit: 0 }, { id: -1 }, { id, before: 'x' }, { id, extra: 1 }]) {
      const r = await s.call('backtestCandles', bad)
      expect(r.status).toBe(400)
    }
    expect((await s.call('backtestCandles', { id: id + 100 })).status).toBe(404)

    writeFileSync(file, csv(data.slice(0, 100))) // the history the run used is gone
    const changed = await s.call('backtestCandles', { id })
    expect(changed.status).toBe(422)
    expect(JSON.stringify(changed.body)).toMatch(/no longer holds the 120 candles the run used \(now 100\)/)
  }, 120_000)
})
