import { mkdtempSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SweepService } from '../../../src/core/backtest/sweep-service'
import { BacktestStore } from '../../../src/core/backtest/store'
import { threadPool } from '../../../src/core/backtest/thread-pool'
import { SweepSpec } from '../../../src/shared/backtest'
import type { SweepProgress } from '../../../src/shared/optimization'
import { momentumStrategy, walkCandles } from './fixtures'

// The app's sweep runner on real worker threads and a real backtests.db: a point that never
// returns is stopped by its time budget, a cancel ends points under way, jobs queue one after
// another, and a closed service's sweep resumes in the next one without redoing finished points.

const dir = mkdtempSync(join(tmpdir(), 'keel-sweep-service-'))
const csv = join(dir, 'walk.csv')
writeFileSync(csv, `timestamp,open,high,low,close,volume\n${walkCandles(400, 9).map((c) => c.join(',')).join('\n')}\n`)
const strategy = join(dir, 'loops.js')
// fast = 3 never returns; every candle of the others costs 1 ms.
writeFileSync(
  strategy,
  `export default {
  name: 'Loops',
  params: { fast: { type: 'int', default: 5, min: 1 }, slow: { type: 'int', default: 20, min: 2 } },
  onCandle(ctx) {
    if (ctx.params.fast === 3) for (;;) {}
    const t = performance.now()
    while (performance.now() - t < 1) {}
  }
}
`
)
const spec = (fast: number[]) => SweepSpec.parse({ base: { strategy, data: csv }, axes: { fast, slow: [20] }, objective: 'totalReturn' })

/** Two point threads and, as in the app, a planning thread of its own. */
function service(pointTimeoutMs = 60_000) {
  const events: SweepProgress[] = []
  const s = new SweepService({ dataDir: dir, runner: threadPool({ threads: 2 }), planner: threadPool({ threads: 1 }), emitSweep: (e) => events.push(e), emitWalkForward: () => undefined, pointTimeoutMs })
  return { s, events }
}

async function until<T>(probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('SweepService', () => {
  const store = new BacktestStore(join(dir, 'backtests.db'))
  afterAll(() => store.close())

  it('a point that never returns is stopped by its time budget and stored as failed; the others finish; a second sweep waits its turn', async () => {
    // The budget is well above a normal point here (0.4 s of work), even on a loaded machine.
    const { s, events } = service(10_000)
    try {
      const first = await s.startSweep(spec([2, 3, 4]))
      const second = await s.startSweep(spec([5, 6]))
      expect(s.listSweeps(10, undefined).sweeps.find((x) => x.id === second.sweepId)?.state).toBe('queued')
      await until(() => s.listSweeps(10).sweeps.every((x) => x.state === 'done'))
      const points = s.getSweep(first.sweepId, 0, 100).points
      expect(points.map((p) => p.error ?? 'ok')).toEqual(['ok', expect.stringMatching(/stopped after 10 s/), 'ok'])
        expect(events.filter((e) => e.sweepId === first.sweepId).at(-1)).toMatchObject({ state: 'done', done: 2, failed: 1, total: 3 })
      // The second started only after the first ended.
      const firstDone = events.findIndex((e) => e.sweepId === first.sweepId && e.state === 'done')
      expect(events.findIndex((e) => e.sweepId === second.sweepId && e.state === 'running')).toBeGreaterThan(firstDone)
    } finally {
      await s.close()
    }
  }, 120_000)

  it('a sweep is accepted while every point thread is stuck; cancel ends the points under way at once, they stay pending', async () => {
    const { s, events } = service()
    try {
      const { sweepId } = await s.startSweep(spec([3, 3, 3, 3]))
      await until(() => store.sweep(sweepId)?.status === 'running')
      await new Promise((r) => setTimeout(r, 300))
      // Both point threads loop (for up to a minute): checking the next request runs on the planning thread.
      const next = await s.startSweep(spec([5]))
      expect(store.pendingPoints(sweepId)).toHaveLength(4)
      expect(store.sweep(next.sweepId)?.status).toBe('queued')
      expect(s.cancel({ kind: 'sweep', id: sweepId })).toEqual({ cancelled: true })
      await until(() => events.some((e) => e.sweepId === sweepId && e.state === 'cancelled'), 10_000)
      expect(store.sweep(sweepId)?.status).toBe('cancelled')
      expect(store.pendingPoints(sweepId)).toHaveLength(4)
      expect(s.cancel({ kind: 'sweep', id: sweepId })).toEqual({ cancelled: false })
      expect(() => s.cancel({ kind: 'sweep', id: 99_999 })).toThrow(/not found/)
      await until(() => store.sweep(next.sweepId)?.status === 'done')
    } finally {
      await s.close()
    }
  }, 60_000)

  it('closed mid-sweep, the next service resumes it: finished points untouched, the rest run once', async () => {
    const first = service()
    const { sweepId, total } = await first.s.startSweep(spec([2, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    await until(() => (store.db.prepare("SELECT COUNT(*) AS n FROM sweep_points WHERE sweep_id = ? AND status = 'done'").get(sweepId) as { n: number }).n >= 2)
    await first.s.close()
    const kept = store.db.prepare("SELECT idx, finished_at FROM sweep_points WHERE sweep_id = ? AND status = 'done'").all(sweepId) as { idx: number; finished_at: number }[]
    expect(kept.length).toBeLessThan(total)
    expect(store.sweep(sweepId)?.status).toBe('running')
    const reopenedAt = Date.now()
    const second = service()
    try {
      await until(() => store.sweep(sweepId)?.status === 'done')
      const rows = store.db.prepare('SELECT idx, status, finished_at FROM sweep_points WHERE sweep_id = ? ORDER BY idx').all(sweepId) as { idx: number; status: string; finished_at: number }[]
      expect(rows.every((r) => r.status === 'done')).toBe(true)
      for (const k of kept) expect(rows[k.idx].finished_at).toBe(k.finished_at)
      for (const r of rows.filter((r) => !kept.some((k) => k.idx === r.idx))) expect(r.finished_at).toBeGreaterThanOrEqual(reopenedAt)
      expect(second.s.listSweeps(10).sweeps.find((x) => x.id === sweepId)).toMatchObject({ done: total, failed: 0 })
    } finally {
      await second.s.close()
    }
  }, 120_000)

  it('threads stay a while after a job, so the next one starts on them; they go once idle that long; a kept thread runs an edited strategy file as it is now', async () => {
    const file = join(dir, 'kept.js')
    writeFileSync(file, momentumStrategy(1))
    const started: number[] = []
    const s = new SweepService({
      dataDir: dir,
      emitSweep: () => undefined,
      emitWalkForward: () => undefined,
      keepThreadsMs: 1_500,
      startPool: (threads) => (started.push(threads), threadPool({ threads }))
    })
    const sweepOf = () => SweepSpec.parse({ base: { strategy: file, data: csv }, axes: { n: [2, 3, 4] }, objective: 'totalReturn' })
    const finish = async () => {
      const { sweepId } = await s.startSweep(sweepOf())
      await until(() => store.sweep(sweepId)?.status === 'done')
      return store.sweepPoints(sweepId)
    }
    try {
      const first = await finish()
      // A planning pool of one thread and a points pool of one thread per core.
      expect([...started].sort((a, b) => a - b)).toEqual([1, Math.max(1, availableParallelism())].sort((a, b) => a - b))
      writeFileSync(file, momentumStrategy(2))
      const second = await finish()
      expect(started).toHaveLength(2)
      // The kept threads ran the file as it is now: twice the amount, other results.
      expect(second.map((p) => p.metrics?.trades)).toEqual(first.map((p) => p.metrics?.trades))
      expect(second.map((p) => p.metrics?.feesPaid)).not.toEqual(first.map((p) => p.metrics?.feesPaid))
      await new Promise((r) => setTimeout(r, 2_500))
      await finish()
      expect(started).toHaveLength(4)
    } finally {
      await s.close()
    }
  }, 120_000)

  it('closed mid-sweep and the strategy file edited: the next service fails the sweep with the reason, a resume is refused until the file is back, then it finishes', async () => {
    const file = join(dir, 'busy.js')
    const text = (label: string) => `// ${label}
export default {
  name: 'Busy',
  params: { fast: { type: 'int', default: 5, min: 1 }, slow: { type: 'int', default: 20, min: 2 } },
  onCandle() {
    const t = performance.now()
    while (performance.now() - t < 1) {}
  }
}
`
    writeFileSync(file, text('first'))
    const first = service()
    const { sweepId, total } = await first.s.startSweep(SweepSpec.parse({ base: { strategy: file, data: csv }, axes: { fast: [2, 4, 5, 6, 7, 8, 9, 10], slow: [20] } }))
    await until(() => (store.db.prepare("SELECT COUNT(*) AS n FROM sweep_points WHERE sweep_id = ? AND status = 'done'").get(sweepId) as { n: number }).n >= 2)
    await first.s.close()
    const kept = store.db.prepare("SELECT idx, metrics, finished_at FROM sweep_points WHERE sweep_id = ? AND status = 'done'").all(sweepId)
    expect(kept.length).toBeLessThan(total)

    writeFileSync(file, text('edited'))
    const second = service()
    try {
      await until(() => store.sweep(sweepId)?.status === 'failed')
      const failed = second.s.listSweeps(10).sweeps.find((x) => x.id === sweepId)
      expect(failed?.error).toMatch(new RegExp(`the strategy of sweep ${sweepId} \\(.*busy\\.js\\) changed since it was planned`))
      await expect(second.s.resumeSweep(sweepId)).rejects.toThrow(/changed since it was planned/)
      expect(store.sweep(sweepId)?.status).toBe('failed')

      writeFileSync(file, text('first'))
      await second.s.resumeSweep(sweepId)
      await until(() => store.sweep(sweepId)?.status === 'done')
      const rows = store.db.prepare("SELECT idx, metrics, finished_at FROM sweep_points WHERE sweep_id = ? AND status = 'done'").all(sweepId)
      expect(rows).toHaveLength(total)
      for (const k of kept) expect(rows).toContainEqual(k)
    } finally {
      await second.s.close()
    }
  }, 120_000)
})
