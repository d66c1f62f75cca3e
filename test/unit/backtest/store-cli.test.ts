import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BacktestStore } from '../../../src/core/backtest/store'
import { backtestCli } from '../../../src/main/headless/backtest-cli'
import { BacktestReport } from '../../../src/shared/backtest'
import { walkCandles } from './fixtures'

function capture() {
  const out = { stdout: '', stderr: '' }
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), stderrIsTty: false } }
}

describe('keel backtest (in process) and backtests.db', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bt-cli-'))
  const csv = join(dir, 'walk.csv')
  writeFileSync(csv, `timestamp,open,high,low,close,volume\n${walkCandles(600).map((c) => c.join(',')).join('\n')}\n`)

  it('--json prints a whole, valid report and the run is stored and listed', async () => {
    const { out, io } = capture()
    const args = ['--strategy', 'sma-cross', '--data', csv, '--param', 'fast=5', '--param', 'slow=20', '--param', 'amount=2', '--warmup', '20']
    const code = await backtestCli([...args, '--fill', 'next-open', '--amount-step', '1', '--json', '--data-dir', dir], io)
    expect(out.stderr).toBe('')
    expect(code).toBe(0)
    const report = BacktestReport.parse(JSON.parse(out.stdout))
    expect(report.strategy.params).toEqual({ fast: 5, slow: 20, amount: 2 })
    expect(report.curve.equity).toHaveLength(600)
    const store = new BacktestStore(join(dir, 'backtests.db'))
    try {
      const [row] = store.list()
      expect(row).toMatchObject({ strategy: 'builtin:sma-cross', candles: 600, cash: 10_000, params: { fast: 5, slow: 20, amount: 2 } })
      expect(row.metrics).toEqual(report.metrics)
      expect(store.report(row.id)?.trades).toEqual(report.trades)
    } finally {
      store.close()
    }
  })

  it('bad input: exit code 2 with the reason, nothing on stdout', async () => {
    for (const [args, reason] of [
      [['--strategy', 'sma-cross', '--data', csv, '--param', 'fast=abc'], /fast must be a number/],
      [['--strategy', 'sma-cross', '--data', csv, '--param', 'speed=3'], /unknown param "speed"/],
      [['--strategy', 'sma-cross', '--data', csv, '--fill', 'close'], /--fill must be one of book, next-open/],
      [['--strategy', 'sma-cross', '--data', csv, '--fee', '-1'], /fee/],
      // More than the paper exchange holds: refused as input, in words, not as a JSON list of issues.
      [['--strategy', 'sma-cross', '--data', csv, '--cash', '2e15'], /^keel backtest: config\.cash: must be at most 1e\+15 \(the paper exchange's largest balance\)\n/],
      [['--strategy', 'no-such', '--data', csv], /no built-in strategy "no-such"/],
      [['--data', csv], /--strategy is required/]
    ] as const) {
      const { out, io } = capture()
      expect(await backtestCli([...args, '--no-save', '--data-dir', dir], io)).toBe(2)
      expect(out.stdout).toBe('')
      expect(out.stderr).toMatch(reason)
    }
  })

  it('a strategy file with a syntax error names file:line:column', async () => {
    const file = join(dir, 'broken.ts')
    writeFileSync(file, 'export default {\n  name: "x",\n  onCandle(ctx) { ctx.order( }\n}\n')
    const { out, io } = capture()
    expect(await backtestCli(['--strategy', file, '--data', csv, '--no-save', '--data-dir', dir], io)).toBe(2)
    expect(out.stderr).toMatch(/broken\.ts:3:\d+/)
  })
})
