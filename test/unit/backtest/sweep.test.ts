import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { version } from '../../../package.json'
import { runRequest } from '../../../src/core/backtest/job'
import { BacktestStore } from '../../../src/core/backtest/store'
import { runSweep } from '../../../src/core/backtest/sweep'
import { gridPoints, randomPoints } from '../../../src/core/backtest/sweep-plan'
import { runSweepTask } from '../../../src/core/backtest/sweep-task'
import { inThisThread, threadPool } from '../../../src/core/backtest/thread-pool'
import { BacktestRequest, SweepSpec } from '../../../src/shared/backtest'
import { momentumStrategy, walkCandles } from './fixtures'

const dir = mkdtempSync(join(tmpdir(), 'keel-bt-sweep-'))
const csv = join(dir, 'walk.csv')
writeFileSync(csv, `timestamp,open,high,low,close,volume\n${walkCandles(1_500, 3).map((c) => c.join(',')).join('\n')}\n`)
const base = BacktestRequest.parse({
  strategy: 'sma-cross',
  data: csv,
  params: { amount: 5 },
  config: { fill: 'next-open', warmup: 40, amountStep: 1, priceTick: 0.01 }
})
const spec = SweepSpec.parse({ base, axes: { fast: { min: 3, max: 9, step: 3 }, slow: [20, 30] }, objective: 'totalReturn' })

describe('sweep planning', () => {
  it('grid: every combination, the last axis fastest', () => {
    expect(gridPoints(spec.axes)).toEqual([
      { fast: 3, slow: 20 },
      { fast: 3, slow: 30 },
      { fast: 6, slow: 20 },
      { fast: 6, slow: 30 },
      { fast: 9, slow: 20 },
      { fast: 9, slow: 30 }
    ])
    expect(gridPoints({ x: { min: 0.1, max: 0.3, step: 0.1 } })).toEqual([{ x: 0.1 }, { x: 0.2 }, { x: 0.3 }])
  })

  it('random: reproducible for a seed, on the axes’ steps and lists', () => {
    const a = randomPoints({ fast: { min: 2, max: 20, step: 2 }, kind: ['x', 'y'] }, 50, 9)
    expect(randomPoints({ fast: { min: 2, max: 20, step: 2 }, kind: ['x', 'y'] }, 50, 9)).toEqual(a)
    for (const p of a) {
      expect((p.fast as number) % 2).toBe(0)
      expect(p.fast as number).toBeGreaterThanOrEqual(2)
      expect(p.fast as number).toBeLessThanOrEqual(20)
      expect(['x', 'y']).toContain(p.kind)
    }
    expect(new Set(a.map((p) => p.fast)).size).toBeGreaterThan(3)
  })
})

describe('sweeps', () => {
  const store = new BacktestStore(join(dir, 'backtests.db'))
  afterAll(() => store.close())

  it('on two worker threads, each point equals its own single backtest; the best is the highest objective', async () => {
    const runner = threadPool({ threads: 2 })
    const progress: number[] = []
    try {
      const result = await runSweep(spec, { store, runner, dataDir: dir, onProgress: (done) => progress.push(done) })
      expect(result.points).toHaveLength(6)
      expect(progress.at(-1)).toBe(6)
      for (const point of result.points) {
        const single = await runRequest({ ...base, params: { ...base.params, ...point.params } }, { dataDir: dir })
        expect(point.metrics).toEqual(single.metrics)
      }
      const returns = result.points.map((p) => p.metrics?.totalReturn ?? -Infinity)
      expect(result.best).toBe(returns.indexOf(Math.max(...returns)))
    } finally {
      await runner.close()
    }
  }, 120_000)

  it('a stopped sweep resumes from its pending points without running the finished ones again', async () => {
    let runs = 0
    const counting = { ...inThisThread(), run: (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => (runs++, inThisThread().run(task)) }
    const first = await runSweep(spec, { store, runner: counting, dataDir: dir, shouldStop: () => runs >= 2 })
    expect(store.sweep(first.sweepId)?.status).toBe('cancelled')
    expect(first.points.filter((p) => p.metrics !== null)).toHaveLength(2)
    const resumed = await runSweep(null, { store, runner: counting, dataDir: dir, resume: first.sweepId })
    expect(runs).toBe(6)
    expect(resumed.points.every((p) => p.metrics !== null)).toBe(true)
    expect(store.sweep(first.sweepId)?.status).toBe('done')
  })

  it('a sweep process SIGKILLed mid-way resumes: finished points kept, the rest run once', async () => {
    const big = SweepSpec.parse({ ...spec, axes: { fast: { min: 2, max: 13, step: 1 }, slow: [20, 30] } })
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sweep-child.ts'), dir, JSON.stringify(big)], { stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const sweepId = () => (store.db.prepare('SELECT MAX(id) AS id FROM sweeps').get() as { id: number }).id
    const before = sweepId()
    let done = 0
    for (let waited = 0; waited < 60_000 && done < 2; waited += 50) {
      await new Promise((r) => setTimeout(r, 50))
      const id = sweepId()
      if (id !== before) done = (store.db.prepare("SELECT COUNT(*) AS n FROM sweep_points WHERE sweep_id = ? AND status = 'done'").get(id) as { n: number }).n
    }
    child.kill('SIGKILL')
    await exited
    const id = sweepId()
    const kept = store.sweepPoints(id).filter((p) => p.metrics !== null)
    expect(kept.length).toBeGreaterThanOrEqual(2)
    expect(kept.length).toBeLessThan(24)
    expect(store.sweep(id)?.status).toBe('running')
    let runs = 0
    const counting = { ...inThisThread(), run: (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => (runs++, inThisThread().run(task)) }
    const resumed = await runSweep(null, { store, runner: counting, dataDir: dir, resume: id })
    expect(runs).toBe(24 - kept.length)
    expect(resumed.points.filter((p) => p.metrics !== null)).toHaveLength(24)
    for (const point of kept) expect(resumed.points[point.index].metrics).toEqual(point.metrics)
  }, 120_000)

  it('a resume after the strategy file was edited is refused, and so is a point that would load other code; with the file as it was it finishes', async () => {
    const file = join(dir, 'edited.js')
    writeFileSync(file, momentumStrategy(2))
    const edited = SweepSpec.parse({ base: { ...base, strategy: file, params: {} }, axes: { n: [3, 5, 8, 13] }, objective: 'totalReturn' })
    let runs = 0
    const counting = { ...inThisThread(), run: (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => (runs++, inThisThread().run(task)) }
    const first = await runSweep(edited, { store, runner: counting, dataDir: dir, shouldStop: () => runs >= 2 })
    const finishedBefore = first.points.filter((p) => p.metrics !== null)
    expect(finishedBefore).toHaveLength(2)

    writeFileSync(file, momentumStrategy(3))
    await expect(runSweep(null, { store, runner: counting, dataDir: dir, resume: first.sweepId })).rejects.toThrow(
      new RegExp(`the strategy of sweep ${first.sweepId} \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) changed since it was planned`)
    )
    expect(runs).toBe(2)
    expect(store.sweepPoints(first.sweepId).filter((p) => p.metrics !== null)).toEqual(finishedBefore)

    // A point handed to a thread that loads the file as it is now runs nothing: it is refused.
    const planned = store.sweep(first.sweepId)?.strategyFingerprint
    expect(planned).toMatch(/^sha256:[0-9a-f]{64}$/)
    const point = await runSweepTask({ index: 9, request: { ...edited.base, params: { n: 3 } }, dataDir: dir, strategyFingerprint: planned ?? undefined })
    expect(point).toEqual({ failure: { code: 'rejected', message: expect.stringMatching(/the strategy .*edited\.js changed since this job was planned/) } })

    writeFileSync(file, momentumStrategy(2))
    const resumed = await runSweep(null, { store, runner: counting, dataDir: dir, resume: first.sweepId })
    expect(runs).toBe(4)
    expect(store.sweep(first.sweepId)?.status).toBe('done')
    for (const p of resumed.points) {
      const single = await runRequest({ ...edited.base, params: p.params }, { dataDir: dir })
      expect(p.metrics).toEqual(single.metrics)
    }
    // The amount changed the results: the refusal was not about nothing.
    writeFileSync(file, momentumStrategy(3))
    const other = await runRequest({ ...edited.base, params: resumed.points[0].params }, { dataDir: dir })
    expect(other.metrics).not.toEqual(resumed.points[0].metrics)
  })

  it('a thread that finds other code mid-sweep stops the sweep with the reason, its points pending; a sweep stored without a fingerprint takes one at its first resume', async () => {
    const file = join(dir, 'midway.js')
    writeFileSync(file, momentumStrategy(2))
    const midway = SweepSpec.parse({ base: { ...base, strategy: file, params: {} }, axes: { n: [3, 5, 8, 13, 21] }, objective: 'totalReturn' })
    let runs = 0
    // Before the third point the file is edited and the thread's copy reloaded, as a thread started anew would load it.
    const editing = {
      ...inThisThread(),
      run: async (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => {
        if (++runs === 3) {
          writeFileSync(file, momentumStrategy(3))
          await inThisThread().describe(file)
        }
        return inThisThread().run(task)
      }
    }
    const spec = await runSweep(midway, { store, runner: inThisThread(), dataDir: dir, shouldStop: () => true }).then((r) => r.sweepId)
    await expect(runSweep(null, { store, runner: editing, dataDir: dir, resume: spec })).rejects.toThrow(/the strategy .*midway\.js changed since this job was planned/)
    expect(store.pendingPoints(spec)).toHaveLength(3)
    writeFileSync(file, momentumStrategy(2))
    const done = await runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: spec })
    expect(done.points.every((p) => p.metrics !== null)).toBe(true)

    // As stored before schema 5: no strategy fingerprint. The first resume adopts the file's, so the next is checked.
    const old = store.createSweep(midway, [{ n: 3 }, { n: 5 }], Date.now())
    expect(store.sweep(old)?.strategyFingerprint).toBeNull()
    let once = 0
    await runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: old, shouldStop: () => once++ > 0 })
    expect(store.sweep(old)?.strategyFingerprint).toMatch(/^sha256:/)
    writeFileSync(file, momentumStrategy(3))
    await expect(runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: old })).rejects.toThrow(/changed since it was planned/)
  })

  it('a thread is handed its next point before the last one is stored; a point that cannot be stored ends the sweep with the reason', async () => {
    const events: string[] = []
    const logging = { ...inThisThread(), run: (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => (events.push(`run ${task.index}`), inThisThread().run(task)) }
    await runSweep(spec, { store, runner: logging, dataDir: dir, onProgress: (_done, _total, point) => point && events.push(`stored ${point.index}`) })
    expect(events).toEqual(['run 0', 'run 1', 'stored 0', 'run 2', 'stored 1', 'run 3', 'stored 2', 'run 4', 'stored 3', 'run 5', 'stored 4', 'stored 5'])

    const own = new BacktestStore(join(mkdtempSync(join(tmpdir(), 'keel-bt-sweep-closed-')), 'backtests.db'))
    let stored = 0
    // The database goes away after the first point (as a disk that fails would): the next write throws.
    await expect(runSweep(spec, { store: own, runner: logging, dataDir: dir, onProgress: (_d, _t, point) => point && ++stored === 1 && own.close() })).rejects.toThrow(/database connection is not open/)
    expect(stored).toBe(1)
  })

  it('a built-in is known by its id and the Keel version: a job planned on another version is refused on resume; one stored without a version takes this one', async () => {
    const points = gridPoints(spec.axes).map((p) => ({ ...base.params, ...p }))
    const older = store.createSweep(spec, points, Date.now(), { strategyFingerprint: 'builtin:sma-cross@0.0.1' })
    await expect(runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: older })).rejects.toThrow(
      `the strategy of sweep ${older} (builtin:sma-cross) is the built-in of Keel ${version}, and the job was planned with Keel 0.0.1's (its finished points ran that code); start a new one`
    )
    expect(store.pendingPoints(older)).toHaveLength(6)
    const otherBuiltin = store.createSweep(spec, points, Date.now(), { strategyFingerprint: 'builtin:dca' })
    await expect(runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: otherBuiltin })).rejects.toThrow(/is the built-in of Keel .* planned with Keel unknown's/)

    const unversioned = store.createSweep(spec, points, Date.now(), { strategyFingerprint: 'builtin:sma-cross' })
    const resumed = await runSweep(null, { store, runner: inThisThread(), dataDir: dir, resume: unversioned })
    expect(resumed.points.every((p) => p.metrics !== null)).toBe(true)
    expect(store.sweep(unversioned)?.strategyFingerprint).toBe(`builtin:sma-cross@${version}`)
    const fresh = await runSweep(spec, { store, runner: inThisThread(), dataDir: dir })
    expect(store.sweep(fresh.sweepId)?.strategyFingerprint).toBe(`builtin:sma-cross@${version}`)
  })

  it('a bad axis value is refused before anything runs', async () => {
    const bad = SweepSpec.parse({ base, axes: { fast: [0] } })
    await expect(runSweep(bad, { store, runner: inThisThread(), dataDir: dir })).rejects.toThrow(/fast must be at least 1/)
  })
})
