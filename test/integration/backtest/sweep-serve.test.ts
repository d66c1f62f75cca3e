import Database from 'better-sqlite3'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BacktestMetrics } from '../../../src/shared/backtest'
import { GetSweepResult, GetWalkForwardResult, RunSweepResult, RunWalkForwardResult } from '../../../src/shared/optimization'
import { waitFor, type ServeProcess } from '../../support/processes'
import { health, ok, servePerTest, workerPid } from '../trading/helpers'

// Sweeps and walk-forwards through a real `keel serve`: the strategy worker SIGKILLed mid-sweep
// resumes it without running a finished point again (counted from backtests.db's own rows),
// hostile specs are refused with a 400 and the reason, a sweep's points equal single backtests,
// and walk-forward windows fall where they are computed by hand here.

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)
const DATA = { data: 'demo:BTC/USDT:1h', from: T0, to: T0 + 1_000 * HOUR }

// Half a millisecond of work per candle, so each point lasts long enough to be killed among.
const SLOW_CROSS = `export default {
  name: 'Slow cross',
  params: { fast: { type: 'int', default: 5, min: 1 }, slow: { type: 'int', default: 20, min: 2 } },
  warmup: 0,
  async onCandle(ctx) {
    const t = performance.now()
    while (performance.now() - t < 0.5) {}
    const closes = ctx.candles(ctx.params.slow).map((c) => c.close)
    if (closes.length < ctx.params.slow) return
    const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length
    const above = mean(closes.slice(-ctx.params.fast)) > mean(closes)
    if (above && ctx.position.amount <= 0) await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: 0.01 })
    else if (!above && ctx.position.amount > 0) await ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: ctx.position.amount })
  }
}
`

interface PointRow {
  idx: number
  status: string
  metrics: string | null
  finished_at: number | null
}

function pointRows(dataDir: string, sweepId: number): PointRow[] {
  const db = new Database(join(dataDir, 'backtests.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT idx, status, metrics, finished_at FROM sweep_points WHERE sweep_id = ? ORDER BY idx').all(sweepId) as PointRow[]
  } finally {
    db.close()
  }
}

async function sweepDone(s: ServeProcess, id: number, timeoutMs = 120_000) {
  return waitFor(`sweep ${id} finished`, async () => {
    const r = GetSweepResult.parse(await ok(s, 'getSweep', { id }))
    return r.sweep.state !== 'running' && r.sweep.state !== 'queued' ? r : undefined
  }, timeoutMs, 200)
}

const server = servePerTest('keel-sweep-serve-')

describe('sweeps through keel serve', () => {
  it('SIGKILL of the strategy worker mid-sweep: the sweep resumes after the restart, finished points are not computed again', async () => {
    const s = await server.start([])
    const strategy = join(server.dataDir, 'slow-cross.js')
    writeFileSync(strategy, SLOW_CROSS)
    const { sweepId, total } = RunSweepResult.parse(
      await ok(s, 'runSweep', { base: { strategy, ...DATA }, axes: { fast: [2, 3, 4, 5, 6, 7], slow: [20, 30, 40, 50] }, objective: 'totalReturn' })
    )
    expect(total).toBe(24)
    await waitFor('3 points stored', () => pointRows(server.dataDir, sweepId).filter((r) => r.status === 'done').length >= 3, 60_000, 20)
    const pid = await workerPid(s, 'strategy')
    process.kill(pid, 'SIGKILL')
    const killedAt = Date.now()
    const before = pointRows(server.dataDir, sweepId).filter((r) => r.status !== 'pending')
    expect(before.length).toBeGreaterThanOrEqual(3)
    expect(before.length).toBeLessThan(24)
    await waitFor('the strategy worker back', async () => {
      const w = (await health(s)).workers.find((x) => x.name === 'strategy')
      return w?.state === 'running' && w.pid !== pid
    }, 30_000, 100)

    const result = await sweepDone(s, sweepId)
    expect(result.sweep).toMatchObject({ state: 'done', done: 24, failed: 0, total: 24 })
    const after = pointRows(server.dataDir, sweepId)
    expect(after.every((r) => r.status === 'done' && r.finished_at !== null)).toBe(true)
    // The points stored before the kill are the same rows, untouched: same metrics, same write time.
    for (const row of before) expect(after[row.idx]).toEqual(row)
    // And every other point was written once, after the kill (by the restarted worker).
    const later = after.filter((r) => !before.some((b) => b.idx === r.idx))
    expect(later).toHaveLength(24 - before.length)
    for (const row of later) expect(row.finished_at).toBeGreaterThanOrEqual(killedAt)
    expect((await health(s)).workers.find((w) => w.name === 'strategy')?.restarts).toBe(1)
    // The best point is the highest total return of the stored rows.
    const returns = after.map((r) => BacktestMetrics.parse(JSON.parse(r.metrics ?? 'null')).totalReturn)
    expect(result.sweep.best?.value).toBe(Math.max(...returns))
    expect(result.sweep.best?.index).toBe(returns.indexOf(Math.max(...returns)))
  }, 240_000)

  it('SIGKILL mid-walk-forward: it resumes, finished windows and points are kept, and a cancel stops a running sweep', async () => {
    const s = await server.start([])
    const strategy = join(server.dataDir, 'slow-cross.js')
    writeFileSync(strategy, SLOW_CROSS)
    const { walkForwardId, windows, total } = RunWalkForwardResult.parse(
      await ok(s, 'runWalkForward', { sweep: { base: { strategy, ...DATA }, axes: { fast: [3, 5, 8], slow: [20, 40] }, objective: 'totalReturn' }, inSample: 400, outOfSample: 200 })
    )
    // 1000 candles: OOS windows end at 600, 800, 1000; 3 × (6 points + 1 OOS run) trials.
    expect([windows, total]).toEqual([3, 21])
    const windowRows = () => {
      const db = new Database(join(server.dataDir, 'backtests.db'), { readonly: true, fileMustExist: true })
      try {
        return db.prepare('SELECT idx, sweep_id AS sweepId, result FROM walk_forward_windows WHERE walk_forward_id = ? ORDER BY idx').all(walkForwardId) as { idx: number; sweepId: number; result: string | null }[]
      } finally {
        db.close()
      }
    }
    // Killed inside the second window's sweep, once the first window is stored.
    const second = await waitFor('window 2 under way', () => {
      const rows = windowRows()
      return rows.length === 2 && rows[0].result !== null && pointRows(server.dataDir, rows[1].sweepId).some((r) => r.status === 'done') ? rows : undefined
    }, 90_000, 20)
    process.kill(await workerPid(s, 'strategy'), 'SIGKILL')
    const killedAt = Date.now()
    const pointsBefore = pointRows(server.dataDir, second[1].sweepId).filter((r) => r.status !== 'pending')
    const firstWindow = second[0].result
    const wf = await waitFor('walk-forward done after the restart', async () => {
      const r = GetWalkForwardResult.parse(await ok(s, 'getWalkForward', { id: walkForwardId }))
      return r.walkForward.state === 'done' ? r : undefined
    }, 120_000, 200)
    expect(wf.windows).toHaveLength(3)
    const after = windowRows()
    expect(after[0].result).toBe(firstWindow)
    expect(after.map((r) => r.sweepId)).toEqual(second.map((r) => r.sweepId).concat(after[2].sweepId))
    const secondAfter = pointRows(server.dataDir, second[1].sweepId)
    for (const row of pointsBefore) expect(secondAfter[row.idx]).toEqual(row)
    for (const row of secondAfter.filter((r) => !pointsBefore.some((b) => b.idx === r.idx))) expect(row.finished_at).toBeGreaterThanOrEqual(killedAt)
    expect(secondAfter.every((r) => r.status === 'done')).toBe(true)

    // Cancel: the sweep stops, its finished points stay, the rest stay pending.
    const { sweepId } = RunSweepResult.parse(await ok(s, 'runSweep', { base: { strategy, ...DATA }, axes: { fast: [2, 3, 4, 5, 6, 7, 8, 9], slow: [20, 30, 40] } }))
    await waitFor('a point done', () => pointRows(server.dataDir, sweepId).some((r) => r.status === 'done'), 60_000, 20)
    expect(await ok(s, 'cancelSweep', { id: sweepId })).toEqual({ cancelled: true })
    const cancelled = await sweepDone(s, sweepId)
    expect(cancelled.sweep.state).toBe('cancelled')
    const rows = pointRows(server.dataDir, sweepId)
    expect(rows.filter((r) => r.status === 'done').length).toBe(cancelled.sweep.done)
    expect(rows.some((r) => r.status === 'pending')).toBe(true)
    expect(await ok(s, 'cancelSweep', { id: sweepId })).toEqual({ cancelled: false })
  }, 300_000)

  it('hostile or wrong specs are refused with a 400 and the reason; nothing is stored', async () => {
    const s = await server.start([])
    const base = { strategy: 'sma-cross', ...DATA, config: { warmup: 30 } }
    const refuse = async (method: string, params: unknown, reason: RegExp) => {
      const { status, body } = await s.call(method, params)
      expect(status, JSON.stringify(body)).toBe(400)
      expect((body as { error: { message: string } }).error.message).toMatch(reason)
    }
    await refuse('runSweep', { base, axes: { fast: { min: 1, max: 1e9, step: 1 }, slow: { min: 2, max: 1e9, step: 1 } } }, /grid has .* points; at most 10,000/)
    await refuse('runSweep', { base, axes: { fast: { min: 0, max: 1e308, step: 1e-300 } } }, /unboundedly many points/)
    await refuse('runSweep', { base, mode: 'random', samples: 1e6, axes: { fast: [5] } }, /samples/)
    await refuse('runSweep', { base, axes: Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`p${k}`, [1]])) }, /9 params to vary; at most 8/)
    await refuse('runSweep', { base, axes: { fast: [0, 5] } }, /fast must be at least 1/)
    await refuse('runSweep', { base, axes: { speed: [1] } }, /unknown param "speed"/)
    await refuse('runSweep', { base: { ...base, strategy: 'nope' }, axes: { fast: [5] } }, /no built-in strategy "nope"/)
    await refuse('runSweep', { base: { ...base, data: 'demo:NOPE/USDT:1h' }, axes: { fast: [5] } }, /NOPE/)
    await refuse('runSweep', { base, axes: { fast: { min: 5, max: 1, step: 1 } } }, /max must be ≥ min/)
    await refuse('runWalkForward', { sweep: { base, axes: { fast: [5] } }, inSample: 900, outOfSample: 200 }, /1000 candles hold no window/)
    const { status } = await s.call('getSweep', { id: 424242 })
    expect(status).toBe(404)
    expect(await ok(s, 'listSweeps', {})).toEqual({ sweeps: [] })
  }, 120_000)

  it('a 2×2 grid equals four single backtests; walk-forward windows fall where they are computed by hand', async () => {
    const s = await server.start([])
    const base = { strategy: 'sma-cross', ...DATA, params: { amount: 0.01 }, config: { warmup: 30, fill: 'next-open' } }
    const { sweepId } = RunSweepResult.parse(await ok(s, 'runSweep', { base, axes: { fast: [5, 10], slow: [20, 30] }, objective: 'sharpe' }))
    const sweep = await sweepDone(s, sweepId)
    expect(sweep.points.map((p) => [p.params.fast, p.params.slow])).toEqual([[5, 20], [5, 30], [10, 20], [10, 30]])
    type Stored = { params: Record<string, number>; metrics: unknown }
    let runs: Stored[] = []
    for (const [k, point] of sweep.points.entries()) {
      await ok(s, 'runBacktest', { ...base, params: point.params })
      runs = await waitFor(`single backtest ${k + 1} stored`, async () => {
        const { backtests } = await ok<{ backtests: Stored[] }>(s, 'listBacktests', {})
        return backtests.length === k + 1 ? backtests : undefined
      }, 60_000, 200)
    }
    for (const point of sweep.points) {
      const single = runs.find((r) => r.params.fast === point.params.fast && r.params.slow === point.params.slow)
      expect(point.metrics).toEqual(single?.metrics)
    }

    for (const scheme of ['rolling', 'anchored'] as const) {
      const { walkForwardId, windows } = RunWalkForwardResult.parse(
        await ok(s, 'runWalkForward', { sweep: { base, axes: { fast: [5, 10], slow: [20, 30] }, objective: 'totalReturn' }, scheme, inSample: 400, outOfSample: 150 })
      )
      // 1000 candles, IS 400, OOS 150: windows end their OOS at 550, 700, 850, 1000.
      expect(windows).toBe(4)
      const wf = await waitFor(`walk-forward ${walkForwardId} done`, async () => {
        const r = GetWalkForwardResult.parse(await ok(s, 'getWalkForward', { id: walkForwardId }))
        return r.walkForward.state === 'done' ? r : undefined
      }, 120_000, 200)
      expect(wf.windows.map((w) => [w.inSample.from, w.inSample.to, w.outOfSample.from, w.outOfSample.to])).toEqual(
        [0, 1, 2, 3].map((k) => {
          const isEnd = 400 + 150 * k
          const isStart = scheme === 'anchored' ? 0 : isEnd - 400
          return [T0 + isStart * HOUR, T0 + isEnd * HOUR, T0 + isEnd * HOUR, T0 + (isEnd + 150) * HOUR]
        })
      )
      expect(wf.windows.every((w) => w.trials === 4)).toBe(true)
      expect(wf.totalTrials).toBe(16)
      expect(wf.walkForward).toMatchObject({ windows: 4, windowsDone: 4, trialsTotal: 20 })
      for (const w of wf.windows) {
        const flagged = w.isObjective !== null && w.isObjective > 0 && (w.oosObjective ?? -Infinity) < 0.5 * w.isObjective
        expect(w.overfit).toBe(flagged)
      }
      // Window sweeps are the walk-forward's own: listSweeps shows only the top-level one.
      expect((await ok<{ sweeps: unknown[] }>(s, 'listSweeps', {})).sweeps).toHaveLength(1)
    }
  }, 240_000)
})
