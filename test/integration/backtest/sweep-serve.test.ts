import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BacktestMetrics } from '../../../src/shared/backtest'
import { GetSweepResult, GetWalkForwardResult, ResumeSweepResult, ResumeWalkForwardResult, RunSweepResult, RunWalkForwardResult } from '../../../src/shared/optimization'
import { waitFor, type ServeProcess } from '../../support/processes'
import { walkCandles } from '../../unit/backtest/fixtures'
import { health, ok, servePerTest, workerPid } from '../trading/helpers'

// Sweeps and walk-forwards through a real `keel serve`: the strategy worker SIGKILLed mid-sweep
// resumes it without running a finished point again (counted from backtests.db's own rows),
// hostile specs are refused with a 400 and the reason, a sweep's points equal single backtests,
// and walk-forward windows fall where they are computed by hand here. A cancelled (or, after a
// crash, failed) job resumed through the API keeps every stored row byte for byte.

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)
const DATA = { data: 'demo:BTC/USDT:1h', from: T0, to: T0 + 1_000 * HOUR }

// A fifth of a millisecond of work per candle (~0.2 s a point), so each point lasts long enough
// to be killed or cancelled among.
const SLOW_CROSS = `export default {
  name: 'Slow cross',
  params: { fast: { type: 'int', default: 5, min: 1 }, slow: { type: 'int', default: 20, min: 2 } },
  warmup: 0,
  async onCandle(ctx) {
    const t = performance.now()
    while (performance.now() - t < 0.2) {}
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

/** A walk-forward's window rows as backtests.db holds them. */
function walkForwardWindowRows(dataDir: string, walkForwardId: number) {
  const db = new Database(join(dataDir, 'backtests.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT idx, sweep_id AS sweepId, result FROM walk_forward_windows WHERE walk_forward_id = ? ORDER BY idx').all(walkForwardId) as { idx: number; sweepId: number; result: string | null }[]
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

/** Every stored point that is no longer pending (all columns, as SQLite holds them). */
const finished = (dataDir: string, sweepId: number) => pointRows(dataDir, sweepId).filter((r) => r.status !== 'pending')

/** The status and message of a call expected to fail. */
async function refused(s: ServeProcess, method: string, params: unknown): Promise<{ status: number; message: string }> {
  const { status, body } = await s.call(method, params)
  return { status, message: (body as { error?: { message?: string } }).error?.message ?? JSON.stringify(body) }
}

/** A CSV of 1000 one-hour candles; `close` of candle 500 nudged when `changed`, still inside its high and low. */
function writeCsv(path: string, changed = false): void {
  const rows = walkCandles(1_000, 11, 100, HOUR, T0).map((c, k) => (changed && k === 500 ? [c[0], c[1], c[2], c[3], (c[1] + c[4]) / 2, c[5]] : c))
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.map((c) => c.join(',')).join('\n')}\n`)
}

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
    const windowRows = () => walkForwardWindowRows(server.dataDir, walkForwardId)
    // Killed inside the second window's sweep, once the first window is stored.
    const second = await waitFor('window 2 under way', () => {
      const rows = windowRows()
      return rows.length === 2 && rows[0].result !== null && pointRows(server.dataDir, rows[1].sweepId).some((r) => r.status === 'done') ? rows : undefined
    }, 90_000, 20)
    process.kill(await workerPid(s, 'strategy'), 'SIGKILL')
    const killedAt = Date.now()
    const pointsBefore = pointRows(server.dataDir, second[1].sweepId).filter((r) => r.status !== 'pending')
    expect(pointsBefore.length).toBeLessThan(6)
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

  it('a cancelled sweep resumes from the API: the stored points stay byte-identical, only pending ones run; unknown, queued, running and done jobs are refused', async () => {
    const s = await server.start([])
    const strategy = join(server.dataDir, 'slow-cross.js')
    writeFileSync(strategy, SLOW_CROSS)
    const { sweepId } = RunSweepResult.parse(await ok(s, 'runSweep', { base: { strategy, ...DATA }, axes: { fast: [2, 3, 4, 5, 6, 7], slow: [20, 30, 40, 50] }, objective: 'totalReturn' }))
    await waitFor('3 points stored', () => finished(server.dataDir, sweepId).length >= 3, 60_000, 20)
    expect(await ok(s, 'cancelSweep', { id: sweepId })).toEqual({ cancelled: true })
    expect((await sweepDone(s, sweepId)).sweep.state).toBe('cancelled')
    const before = finished(server.dataDir, sweepId)
    expect(before.length).toBeLessThan(24)

    expect(await refused(s, 'resumeSweep', { id: 424242 })).toEqual({ status: 404, message: 'sweep 424242 not found' })
    expect((await refused(s, 'resumeSweep', { id: 'x' })).status).toBe(400)
    const resumedAt = Date.now()
    const resumed = ResumeSweepResult.parse(await ok(s, 'resumeSweep', { id: sweepId }))
    expect(resumed.sweep).toMatchObject({ id: sweepId, done: before.length, total: 24 })
    expect(['queued', 'running']).toContain(resumed.sweep.state)
    const again = await refused(s, 'resumeSweep', { id: sweepId })
    expect(again.status).toBe(422)
    expect(again.message).toMatch(new RegExp(`sweep ${sweepId} cannot be resumed: it is (queued|running)`))

    const result = await sweepDone(s, sweepId)
    expect(result.sweep).toMatchObject({ state: 'done', done: 24, failed: 0, total: 24, error: null })
    const after = pointRows(server.dataDir, sweepId)
    for (const row of before) expect(after[row.idx]).toEqual(row)
    const later = after.filter((r) => !before.some((b) => b.idx === r.idx))
    expect(later).toHaveLength(24 - before.length)
    for (const row of later) expect(row.finished_at).toBeGreaterThanOrEqual(resumedAt)
    const done = await refused(s, 'resumeSweep', { id: sweepId })
    expect(done).toEqual({ status: 422, message: `sweep ${sweepId} cannot be resumed: it is done: nothing is left to run` })
  }, 240_000)

  it('crashed on candles that changed since: the sweep fails with the reason, a resume is refused until the data is back, then it finishes', async () => {
    const s = await server.start([])
    const strategy = join(server.dataDir, 'slow-cross.js')
    const csv = join(server.dataDir, 'hours.csv')
    writeFileSync(strategy, SLOW_CROSS)
    writeCsv(csv)
    const original = readFileSync(csv)
    const { sweepId } = RunSweepResult.parse(await ok(s, 'runSweep', { base: { strategy, data: csv }, axes: { fast: [2, 3, 4, 5, 6, 7], slow: [20, 30, 40, 50] }, objective: 'totalReturn' }))
    await waitFor('3 points stored', () => finished(server.dataDir, sweepId).length >= 3, 60_000, 20)
    // The running job holds its candles in memory: the file changes under it, then the worker dies.
    writeCsv(csv, true)
    const pid = await workerPid(s, 'strategy')
    process.kill(pid, 'SIGKILL')
    const before = finished(server.dataDir, sweepId)
    const failed = await sweepDone(s, sweepId)
    expect(failed.sweep.state).toBe('failed')
    expect(failed.sweep.error).toMatch(new RegExp(`the data of sweep ${sweepId} changed since it was planned`))
    expect(finished(server.dataDir, sweepId)).toEqual(before)

    const refusal = await refused(s, 'resumeSweep', { id: sweepId })
    expect(refusal.status).toBe(422)
    expect(refusal.message).toMatch(/changed since it was planned \(1000 candles/)
    writeFileSync(csv, original)
    ResumeSweepResult.parse(await ok(s, 'resumeSweep', { id: sweepId }))
    const result = await sweepDone(s, sweepId)
    expect(result.sweep).toMatchObject({ state: 'done', done: 24, total: 24, error: null })
    const after = pointRows(server.dataDir, sweepId)
    for (const row of before) expect(after[row.idx]).toEqual(row)
  }, 240_000)

  it('a cancelled walk-forward resumes from the API: finished windows and points stay as stored; its window sweeps are not resumable alone', async () => {
    const s = await server.start([])
    const strategy = join(server.dataDir, 'slow-cross.js')
    writeFileSync(strategy, SLOW_CROSS)
    const { walkForwardId } = RunWalkForwardResult.parse(
      await ok(s, 'runWalkForward', { sweep: { base: { strategy, ...DATA }, axes: { fast: [3, 5, 8], slow: [20, 40] }, objective: 'totalReturn' }, inSample: 400, outOfSample: 200 })
    )
    const windowRows = () => walkForwardWindowRows(server.dataDir, walkForwardId)
    const second = await waitFor('window 2 under way', () => {
      const rows = windowRows()
      return rows.length === 2 && rows[0].result !== null && finished(server.dataDir, rows[1].sweepId).length > 0 ? rows : undefined
    }, 90_000, 20)
    expect(await ok(s, 'cancelWalkForward', { id: walkForwardId })).toEqual({ cancelled: true })
    await waitFor('walk-forward cancelled', async () => GetWalkForwardResult.parse(await ok(s, 'getWalkForward', { id: walkForwardId })).walkForward.state === 'cancelled', 60_000, 100)
    const rowsBefore = windowRows()
    const pointsBefore = rowsBefore.map((r) => finished(server.dataDir, r.sweepId))
    expect(rowsBefore[0].result).not.toBeNull()

    // The window sweep under way ended with its walk-forward (or had finished, its OOS run cut short).
    expect(['cancelled', 'done']).toContain(GetSweepResult.parse(await ok(s, 'getSweep', { id: second[1].sweepId })).sweep.state)
    const windowSweep = await refused(s, 'resumeSweep', { id: second[1].sweepId })
    expect(windowSweep).toEqual({ status: 422, message: `sweep ${second[1].sweepId} is a window of walk-forward ${walkForwardId}: resume the walk-forward` })
    expect((await refused(s, 'resumeWalkForward', { id: 9_999 })).status).toBe(404)
    const resumed = ResumeWalkForwardResult.parse(await ok(s, 'resumeWalkForward', { id: walkForwardId }))
    expect(resumed.walkForward).toMatchObject({ id: walkForwardId, windows: 3, windowsDone: rowsBefore.filter((r) => r.result !== null).length })
    const wf = await waitFor('walk-forward done', async () => {
      const r = GetWalkForwardResult.parse(await ok(s, 'getWalkForward', { id: walkForwardId }))
      return r.walkForward.state === 'done' ? r : undefined
    }, 120_000, 200)
    expect(wf.windows).toHaveLength(3)
    const rowsAfter = windowRows()
    for (const [k, row] of rowsBefore.entries()) {
      expect(rowsAfter[k].sweepId).toBe(row.sweepId)
      if (row.result !== null) expect(rowsAfter[k].result).toBe(row.result)
      const points = pointRows(server.dataDir, row.sweepId)
      for (const p of pointsBefore[k]) expect(points[p.idx]).toEqual(p)
      expect(points.every((p) => p.status === 'done')).toBe(true)
    }
    expect((await refused(s, 'resumeWalkForward', { id: walkForwardId })).status).toBe(422)
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
