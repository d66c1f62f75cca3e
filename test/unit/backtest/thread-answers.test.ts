import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runRequest } from '../../../src/core/backtest/job'
import { BacktestStore } from '../../../src/core/backtest/store'
import { runSweep } from '../../../src/core/backtest/sweep'
import { onDemand, threadPool } from '../../../src/core/backtest/thread-pool'
import { BacktestRequest, SweepSpec } from '../../../src/shared/backtest'
import { walkCandles } from './fixtures'

// What a sweep thread answers is checked where it arrives: a real piscina thread (the fixture
// garbled-thread.ts) runs the real task and then spoils some answers. A spoiled point is stored
// as failed with the reason; a spoiled describe or load stops the sweep with the reason.

const dir = mkdtempSync(join(tmpdir(), 'keel-bt-answers-'))
const csv = join(dir, 'walk.csv')
writeFileSync(csv, `timestamp,open,high,low,close,volume\n${walkCandles(800, 5).map((c) => c.join(',')).join('\n')}\n`)
const base = BacktestRequest.parse({ strategy: 'sma-cross', data: csv, params: { amount: 5 }, config: { fill: 'next-open', warmup: 40, amountStep: 1 } })
const spec = SweepSpec.parse({ base, axes: { fast: [3, 6, 9], slow: [20, 30] }, objective: 'totalReturn' })
const garbled = (mode?: string) => {
  process.env.KEEL_GARBLE = mode ?? ''
  // A worker thread copies the environment when it starts, so the mode is fixed per pool.
  const pool = threadPool({ threads: 1, filename: join(__dirname, 'garbled-thread.ts'), execArgv: ['--import', 'tsx'] })
  delete process.env.KEEL_GARBLE
  return pool
}

const store = new BacktestStore(join(dir, 'backtests.db'))
afterAll(() => store.close())

describe('answers from sweep threads', () => {
  it('a point answered with a non-finite metric, for another point, or with no result is stored as failed with the reason; the others are kept', async () => {
    const runner = garbled()
    try {
      const result = await runSweep(spec, { store, runner, dataDir: dir })
      const byParams = (fast: number, slow: number) => result.points.find((p) => p.params.fast === fast && p.params.slow === slow)
      expect(byParams(3, 20)).toMatchObject({ metrics: null, error: expect.stringMatching(/^the point.s result is not valid: metrics\.sharpe: .*NaN$/) })
      expect(byParams(6, 20)).toMatchObject({ metrics: null, error: "the point's result is not valid: it answered for point 3" })
      expect(byParams(9, 30)).toMatchObject({ metrics: null, error: expect.stringMatching(/the point's result is not valid/) })
      for (const [fast, slow] of [[3, 30], [6, 30], [9, 20]]) {
        const single = await runRequest({ ...base, params: { ...base.params, fast, slow } }, { dataDir: dir })
        expect(byParams(fast, slow)?.metrics).toEqual(single.metrics)
      }
      // What was stored reads back as the same points: three failed with their reasons.
      expect(store.sweepPoints(result.sweepId)).toEqual(result.points)
      expect(store.sweep(result.sweepId)).toMatchObject({ status: 'done' })
    } finally {
      await runner.close()
    }
  }, 120_000)

  it('a describe or a load of the wrong shape, or a failure with a code nobody knows, stops the sweep with the reason', async () => {
    for (const [mode, reason] of [
      ['describe', /a sweep thread answered a describe with something else: ref: /],
      ['load', /a sweep thread answered a load with something else: buffer: /],
      ['short-load', /a load with something else: buffer: the buffer does not hold six columns of `length` candles/],
      ['window-load', /a load with something else: end: the window \[start, end\) is not inside the candles/],
      ['unknown-failure', /the point's result is not valid/]
    ] as const) {
      const runner = garbled(mode)
      try {
        if (mode === 'unknown-failure') {
          const result = await runSweep(spec, { store, runner, dataDir: dir })
          expect(result.points.every((p) => p.metrics === null && reason.test(p.error ?? ''))).toBe(true)
        } else {
          await expect(runSweep(spec, { store, runner, dataDir: dir })).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(reason) })
        }
      } finally {
        await runner.close()
      }
    }
  }, 120_000)
})

describe('sweep threads that stop outside a task', () => {
  it('threads whose entry cannot load: the first task rejects with the reason, and so does every later one (none waits for ever)', async () => {
    const runner = threadPool({ threads: 1, filename: join(dir, 'no-such-entry.mjs') })
    try {
      await expect(runner.describe('sma-cross')).rejects.toThrow(/Cannot find module .*no-such-entry\.mjs/)
      await expect(runner.describe('sma-cross')).rejects.toThrow(/the sweep threads stopped: Cannot find module .*no-such-entry\.mjs/)
      expect(runner.broken?.message).toMatch(/no-such-entry/)
    } finally {
      await runner.close()
    }
  })

  it('onDemand replaces stopped threads: after the failure, the next use starts new ones and runs', async () => {
    let starts = 0
    const runner = onDemand(1, () => (starts++ === 0 ? threadPool({ threads: 1, filename: join(dir, 'no-such-entry.mjs') }) : threadPool({ threads: 1 })))
    try {
      await expect(runner.describe('sma-cross')).rejects.toThrow(/no-such-entry\.mjs/)
      // The pool hears of its thread's failure just after the task's rejection.
      let outline: Awaited<ReturnType<typeof runner.describe>> | undefined
      const pause = () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20))
      for (let tries = 0; tries < 50 && !outline; tries++) outline = await runner.describe('sma-cross').catch(pause)
      expect(outline?.ref).toBe('builtin:sma-cross')
      expect(starts).toBe(2)
    } finally {
      await runner.close()
    }
  }, 60_000)
})
