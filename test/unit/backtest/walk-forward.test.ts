import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runRequest } from '../../../src/core/backtest/job'
import { BacktestStore } from '../../../src/core/backtest/store'
import { SweepJobs } from '../../../src/core/backtest/sweep-store'
import { inThisThread } from '../../../src/core/backtest/thread-pool'
import { runWalkForward, windowBounds } from '../../../src/core/backtest/walk-forward'
import { WalkForwardSpec } from '../../../src/shared/backtest'
import { momentumStrategy, walkCandles } from './fixtures'

describe('walk-forward', () => {
  it('windows: rolling keeps the IS length, anchored grows it from the start', () => {
    expect(windowBounds(10, 'rolling', 4, 2)).toEqual([
      { isStart: 0, isEnd: 4, oosEnd: 6 },
      { isStart: 2, isEnd: 6, oosEnd: 8 },
      { isStart: 4, isEnd: 8, oosEnd: 10 }
    ])
    expect(windowBounds(10, 'anchored', 4, 3)).toEqual([
      { isStart: 0, isEnd: 4, oosEnd: 7 },
      { isStart: 0, isEnd: 7, oosEnd: 10 }
    ])
  })

  const dir = mkdtempSync(join(tmpdir(), 'keel-bt-wf-'))
  const candles = walkCandles(1_200, 5)
  const csv = join(dir, 'walk.csv')
  writeFileSync(csv, `timestamp,open,high,low,close,volume\n${candles.map((c) => c.join(',')).join('\n')}\n`)
  const store = new BacktestStore(join(dir, 'backtests.db'))
  afterAll(() => store.close())

  it('picks the IS-best params per window and reports them beside an OOS run of exactly that window', async () => {
    const spec = WalkForwardSpec.parse({
      sweep: {
        base: { strategy: 'sma-cross', data: csv, params: { amount: 5 }, config: { fill: 'next-open', warmup: 40, amountStep: 1, priceTick: 0.01 } },
        axes: { fast: [3, 5, 8], slow: [20, 35] },
        objective: 'totalReturn'
      },
      inSample: 400,
      outOfSample: 200
    })
    const report = await runWalkForward(spec, { store, runner: inThisThread(), dataDir: dir })
    expect(report.windows).toHaveLength(4)
    expect(report.totalTrials).toBe(24)
    const w = report.windows[1]
    expect(w.inSample.from).toBe(candles[200][0])
    expect(w.outOfSample.from).toBe(candles[600][0])
    // Independently: the OOS run is the best params over candles [600 − warmup, 800), traded from 600 on.
    const oos = await runRequest(
      { ...spec.sweep.base, params: { ...spec.sweep.base.params, ...(w.bestParams ?? {}) }, from: candles[560][0], to: candles[800][0] },
      { dataDir: dir }
    )
    expect(w.oosMetrics).toEqual(oos.metrics)
    // And no other grid point beat the chosen one in sample.
    for (const fast of [3, 5, 8]) {
      for (const slow of [20, 35]) {
        const is = await runRequest({ ...spec.sweep.base, params: { amount: 5, fast, slow }, from: candles[200][0], to: candles[600][0] }, { dataDir: dir })
        expect(is.metrics.totalReturn).toBeLessThanOrEqual(w.isObjective ?? Infinity)
      }
    }
    for (const window of report.windows) {
      const flagged = window.isObjective !== null && window.isObjective > 0 && (window.oosObjective ?? -Infinity) < 0.5 * window.isObjective
      expect(window.overfit).toBe(flagged)
    }
  }, 120_000)

  /** A momentum strategy file (amount 2) and a walk-forward of it: IS 400, OOS 200, n ∈ {3, 8}. */
  function momentumWalkForward(name: string) {
    const file = join(dir, name)
    writeFileSync(file, momentumStrategy(2))
    const spec = WalkForwardSpec.parse({
      sweep: { base: { strategy: file, data: csv, config: { fill: 'next-open', amountStep: 1, priceTick: 0.01 } }, axes: { n: [3, 8] }, objective: 'totalReturn' },
      inSample: 400,
      outOfSample: 200
    })
    return { file, spec }
  }

  it('a resume after the strategy file was edited is refused with the reason; with the file as it was it finishes', async () => {
    const { file, spec } = momentumWalkForward('momentum.js')
    let runs = 0
    const first = await runWalkForward(spec, { store, runner: inThisThread(), dataDir: dir, shouldStop: () => ++runs > 3 })
    expect(first.stopped).toBe('cancelled')
    writeFileSync(file, momentumStrategy(3))
    await expect(runWalkForward(null, { store, runner: inThisThread(), dataDir: dir, resume: first.walkForwardId })).rejects.toThrow(
      new RegExp(`the strategy of walk-forward ${first.walkForwardId} \\(.*momentum\\.js\\) changed since it was planned`)
    )
    writeFileSync(file, momentumStrategy(2))
    const resumed = await runWalkForward(null, { store, runner: inThisThread(), dataDir: dir, resume: first.walkForwardId })
    expect(resumed.stopped).toBe(false)
    // 1,200 candles, IS 400, OOS 200: windows end their OOS at 600, 800, 1,000 and 1,200.
    expect(resumed.windows).toHaveLength(4)
  })

  it('an out-of-sample run that finds other code than planned stops the walk-forward with the reason; the window is not stored, its sweep is kept', async () => {
    const { file, spec } = momentumWalkForward('momentum-oos.js')
    const runs: number[] = []
    const editing = {
      ...inThisThread(),
      run: async (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => {
        runs.push(task.shared?.end ?? -1)
        // Window 1's OOS run (candles up to 600): the file is edited and this thread has loaded it anew.
        if (task.shared?.end === 600 && runs.filter((end) => end === 600).length === 1) {
          writeFileSync(file, momentumStrategy(3))
          await inThisThread().describe(file)
        }
        return inThisThread().run(task)
      }
    }
    await expect(runWalkForward(spec, { store, runner: editing, dataDir: dir })).rejects.toThrow(/the strategy .*momentum-oos\.js changed since this job was planned/)
    const id = (store.db.prepare('SELECT MAX(id) AS id FROM walk_forwards').get() as { id: number }).id
    expect(runs).toEqual([400, 400, 600])
    const jobs = new SweepJobs(store)
    expect(jobs.windows(id)).toEqual([])
    const windowSweep = jobs.windowSweep(id, 0)
    expect(windowSweep).toBeDefined()
    expect(store.sweepPoints(windowSweep ?? -1).map((p) => p.metrics !== null)).toEqual([true, true])

    // With the file as planned, a resume runs window 1's OOS (not its sweep again) and the rest.
    writeFileSync(file, momentumStrategy(2))
    const resumed = await runWalkForward(null, { store, runner: editing, dataDir: dir, resume: id })
    expect(resumed.windows).toHaveLength(4)
    expect(runs.slice(3, 4)).toEqual([600])
  })
})
