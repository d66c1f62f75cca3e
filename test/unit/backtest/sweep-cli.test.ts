import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runRequest } from '../../../src/core/backtest/job'
import { BacktestStore } from '../../../src/core/backtest/store'
import { runSweep } from '../../../src/core/backtest/sweep'
import { inThisThread } from '../../../src/core/backtest/thread-pool'
import { backtestCli } from '../../../src/main/headless/backtest-cli'
import { parseSweepArgs } from '../../../src/main/headless/sweep-cli'
import { BacktestRequest, SweepSpec } from '../../../src/shared/backtest'
import { parseAxesText, sweepSize } from '../../../src/shared/optimization'
import { walkCandles } from './fixtures'

function capture() {
  const out = { stdout: '', stderr: '' }
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), stderrIsTty: false } }
}

describe('keel backtest --sweep / --walk-forward (in process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-sweep-cli-'))
  const candles = walkCandles(900, 7)
  const csv = join(dir, 'walk.csv')
  writeFileSync(csv, `timestamp,open,high,low,close,volume\n${candles.map((c) => c.join(',')).join('\n')}\n`)
  const base = ['--strategy', 'sma-cross', '--data', csv, '--param', 'amount=2', '--warmup', '20', '--fill', 'next-open', '--amount-step', '1', '--data-dir', dir]

  it('axes text: ranges with steps, lists, and sizes counted without listing', () => {
    expect(parseAxesText('fast=5..20:5 slow=30,40 on=true,false')).toEqual({ fast: { min: 5, max: 20, step: 5 }, slow: [30, 40], on: [true, false] })
    expect(parseAxesText('x=1..3')).toEqual({ x: { min: 1, max: 3, step: 1 } })
    expect(sweepSize({ mode: 'grid', samples: 1, axes: parseAxesText('fast=5..20:5 slow=30,40') })).toBe(8)
    expect(sweepSize({ mode: 'grid', samples: 1, axes: { x: { min: 0, max: 1e308, step: 1e-300 } } })).toBe(Infinity)
    expect(() => parseAxesText('fast=20..5')).toThrow(/end is below its start/)
    expect(() => parseAxesText('fast')).toThrow(/not name=range/)
    // A param given twice would silently lose its first range; __proto__ as a key would set the prototype.
    expect(() => parseAxesText('fast=1,2 fast=3')).toThrow('fast is varied twice; give each param one range or list')
    expect(() => parseAxesText('__proto__=1,2')).toThrow('"__proto__" is not a param name')
    expect(() => parseSweepArgs(['--strategy', 'x', '--data', 'd.csv', '--sweep', 'fast=1,2', '--sweep', 'fast=3'])).toThrow('fast is varied twice')
    expect(() => parseSweepArgs(['--strategy', 'x', '--data', 'd.csv', '--sweep', '__proto__=1'])).toThrow('"__proto__" is not a param name')
    const parsed = parseSweepArgs(['--sweep', 'fast=1,2', '--json', '--random=5', '--strategy', 'x', '--sweep=slow=20..30:10', '--data', 'd.csv', '--cash', '500'])
    expect(parsed.flags).toEqual({ axes: { fast: [1, 2], slow: { min: 20, max: 30, step: 10 } }, random: 5 })
    expect(parsed.base).toMatchObject({ json: true, request: { strategy: 'x', data: 'd.csv', config: { cash: 500 } } })
    // Resuming needs neither --strategy nor --data (the stored spec has them).
    expect(parseSweepArgs(['--resume', '3']).flags).toEqual({ axes: {}, resume: 3 })
    expect(() => parseSweepArgs(['--resume', '3', '--seed', '-1'])).toThrow(/--seed/)
    expect(() => parseSweepArgs(['--resume', '3', '--threads', '1.5'])).toThrow(/--threads must be a whole number ≥ 1, got "1.5"/)
    expect(() => parseSweepArgs(['--resume', '3', '--bogus'])).toThrow(/bogus/)
  })

  it('--sweep --json: every point equals its own single backtest; the best is the highest objective', async () => {
    const { out, io } = capture()
    const code = await backtestCli([...base, '--sweep', 'fast=3..9:3', '--sweep', 'slow=20,30', '--objective', 'totalReturn', '--threads', '2', '--json'], io)
    expect(out.stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(out.stdout) as { points: { params: Record<string, number>; metrics: { totalReturn: number } }[]; best: number }
    expect(result.points.map((p) => [p.params.fast, p.params.slow])).toEqual([[3, 20], [3, 30], [6, 20], [6, 30], [9, 20], [9, 30]])
    for (const point of result.points) {
      const single = await runRequest(
        BacktestRequest.parse({ strategy: 'sma-cross', data: csv, params: point.params, config: { warmup: 20, fill: 'next-open', amountStep: 1 } }),
        { dataDir: dir }
      )
      expect(point.metrics).toEqual(single.metrics)
    }
    const returns = result.points.map((p) => p.metrics.totalReturn)
    expect(result.best).toBe(returns.indexOf(Math.max(...returns)))
  }, 120_000)

  it('--walk-forward rolling:IS:OOS: the windows fall on the candles computed by hand', async () => {
    const { out, io } = capture()
    const code = await backtestCli([...base, '--sweep', 'fast=3,6', '--sweep', 'slow=20', '--walk-forward', 'rolling:300:200', '--threads', '1', '--json'], io)
    expect(out.stderr).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(out.stdout) as { windows: { inSample: { from: number; to: number }; outOfSample: { from: number; to: number }; trials: number }[] }
    // 900 candles: IS [0,300) OOS [300,500); IS [200,500) OOS [500,700); IS [400,700) OOS [700,900).
    const step = candles[1][0] - candles[0][0]
    const at = (k: number) => (k < candles.length ? candles[k][0] : candles[candles.length - 1][0] + step)
    expect(report.windows.map((w) => [w.inSample.from, w.inSample.to, w.outOfSample.from, w.outOfSample.to])).toEqual([
      [at(0), at(300), at(300), at(500)],
      [at(200), at(500), at(500), at(700)],
      [at(400), at(700), at(700), at(900)]
    ])
    expect(report.windows.every((w) => w.trials === 2)).toBe(true)
  }, 120_000)

  it('--resume on candles that changed since the sweep was planned exits 2 with the reason; on the same candles it finishes', async () => {
    const own = join(dir, 'own.csv')
    writeFileSync(own, readFileSync(csv))
    const store = new BacktestStore(join(dir, 'backtests.db'))
    let runs = 0
    const runner = { ...inThisThread(), run: (task: Parameters<ReturnType<typeof inThisThread>['run']>[0]) => (runs++, inThisThread().run(task)) }
    const spec = SweepSpec.parse({ base: { strategy: 'sma-cross', data: own, params: { amount: 2 }, config: { warmup: 20 } }, axes: { fast: [3, 6, 9] } })
    const stopped = await runSweep(spec, { store, runner, dataDir: dir, shouldStop: () => runs >= 1 })
    store.close()
    expect(stopped.stopped).toBe('cancelled')
    // One close moved (still between its candle's high and low): the same range, other candles.
    const lines = readFileSync(own, 'utf8').split('\n')
    const [t, o, h, l, c, v] = lines[400].split(',').map(Number)
    lines[400] = [t, o, h, l, (o + c) / 2, v].join(',')
    writeFileSync(own, lines.join('\n'))
    const changed = capture()
    expect(await backtestCli(['--resume', String(stopped.sweepId), '--data-dir', dir], changed.io)).toBe(2)
    expect(changed.out.stderr).toMatch(new RegExp(`the data of sweep ${stopped.sweepId} changed since it was planned`))
    const after = new BacktestStore(join(dir, 'backtests.db'))
    expect(after.sweep(stopped.sweepId)?.status).toBe('cancelled')
    after.close()
    writeFileSync(own, readFileSync(csv))
    const same = capture()
    expect(await backtestCli(['--resume', String(stopped.sweepId), '--data-dir', dir, '--json'], same.io)).toBe(0)
    expect((JSON.parse(same.out.stdout) as { points: { metrics: unknown }[] }).points.every((p) => p.metrics !== null)).toBe(true)
  }, 60_000)

  it('bad sweep flags exit 2 with the reason', async () => {
    for (const [args, reason] of [
      [['--sweep', 'fast'], /--sweep must be name=/],
      [['--sweep', 'fast=5,10', '--objective', 'luck'], /--objective must be one of/],
      [['--sweep', 'fast=5,10', '--walk-forward', 'rolling:300'], /--walk-forward must be/],
      [['--sweep', 'fast=0,5'], /fast must be at least 1/],
      [['--resume', '999'], /sweep 999 not found/]
    ] as const) {
      const { out, io } = capture()
      expect(await backtestCli([...base, ...args], io)).toBe(2)
      expect(out.stderr).toMatch(reason)
    }
  }, 60_000)
})
