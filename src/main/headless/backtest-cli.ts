import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { z } from 'zod'
import { BacktestRequest, FillModel, IntrabarOrder, type BacktestReport } from '../../shared/backtest'
import { describeZodError, KeelError } from '../../shared/errors'
import { Timeframe } from '../../shared/market-data'
import { resolveStrategy, runRequest } from '../../core/backtest/job'
import { BacktestStore } from '../../core/backtest/store'
import type { ParamSpecs, ParamValue } from '../../core/strategy/contract'
import { defaultDataDir } from './cli-args'
import { isSweepArgv, sweepCli, SWEEP_USAGE } from './sweep-cli'

/**
 * `keel backtest`: one backtest in this process, a summary table on stdout (or the whole report
 * as JSON with --json), a progress bar on stderr, and the run stored in <data-dir>/backtests.db.
 */

export const BACKTEST_USAGE = `Usage: keel backtest --strategy <file|builtin> --data <csv|exchange:SYMBOL:timeframe> [options]

  --strategy S       a built-in (sma-cross, rsi-reversion, bollinger-breakout, dca) or a .ts/.js file
  --data D           a CSV file (timestamp,open,high,low,close,volume; epoch ms), exchange:SYMBOL:tf
                     (downloaded history in market.db) or demo:SYMBOL:tf (the demo market's history)
  --from T, --to T   range: ISO date or epoch ms (to is exclusive)
  --param name=value a strategy parameter (repeatable)
  --cash N           starting cash in the quote asset (default 10000)
  --fee F            fee rate on the notional of every fill (default 0.001)
  --maker-fee F      a different rate for maker (resting limit) fills
  --amount-step X    amount precision of the base asset (1 = whole units; default 1e-8)
  --price-tick X     price precision (default 1e-8)
  --fill M           book (walk a synthetic book from candle volume; default) or next-open
  --intrabar O       pessimistic (default), direction, high-first or low-first
  --warmup N         candles before the first onCandle (default: the strategy's warmup)
  --symbol S         the symbol a CSV holds (default BTC/USDT); --timeframe tf if it cannot be inferred
  --data-dir DIR     where market.db and backtests.db live (default: the app's folder)
  --no-save          do not store the run in backtests.db
  --progress         draw the progress bar even when stderr is not a terminal
  --json             print the whole report as JSON on stdout

${SWEEP_USAGE}`

export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  stderrIsTty: boolean
}

/**
 * stdout that cannot be written (a full disk, a closed pipe) ends the command with one line
 * instead of an unhandled 'error' event and its stack: exit 1, or 0 for a reader that left
 * early (`| head`).
 */
function stdoutWrite(text: string): void {
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0)
      process.stderr.write(`keel: cannot write the output: ${err.message}\n`)
      process.exit(1)
    })
  }
  process.stdout.write(text)
}

export const PROCESS_IO: CliIo = {
  stdout: stdoutWrite,
  stderr: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true
}

type CliCommand = { kind: 'help' } | CliRun

export interface CliRun {
  kind: 'run'
  request: BacktestRequest
  dataDir: string
  json: boolean
  save: boolean
  progress: boolean
}

/** Runs `keel backtest …` (argv without the command); resolves to the process exit code. */
export async function backtestCli(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  if (isSweepArgv(argv)) return sweepCli(argv, io)
  let run: CliCommand
  try {
    run = parseBacktestArgs(argv)
  } catch (err) {
    io.stderr(`keel backtest: ${messageOf(err)}\n\n${BACKTEST_USAGE}\n`)
    return 2
  }
  if (run.kind === 'help') {
    io.stdout(`${BACKTEST_USAGE}\n`)
    return 0
  }
  const bar = new ProgressBar(io, run.progress || io.stderrIsTty)
  try {
    const strategy = resolveStrategy(run.request.strategy)
    const request = { ...run.request, strategy: strategy.ref, params: typedParams(strategy.definition.params, run.request.params) }
    const report = await runRequest(request, { dataDir: run.dataDir, strategy, onProgress: (done, total) => bar.update(done, total) })
    bar.done()
    let id: number | undefined
    if (run.save) id = saveReport(run.dataDir, request, report)
    io.stdout(run.json ? `${JSON.stringify(report)}\n` : summaryTable(report, id))
    return 0
  } catch (err) {
    bar.done()
    io.stderr(`keel backtest: ${messageOf(err)}\n`)
    return err instanceof KeelError && err.code === 'bad_request' ? 2 : 1
  }
}

function saveReport(dataDir: string, request: BacktestRequest, report: BacktestReport): number {
  mkdirSync(dataDir, { recursive: true })
  const store = new BacktestStore(join(dataDir, 'backtests.db'))
  try {
    return store.save(request, report, Date.now())
  } finally {
    store.close()
  }
}

/** The flags of one backtest, as node:util parseArgs reads them (the sweep command adds its own). */
export const BACKTEST_OPTIONS = {
  strategy: { type: 'string' },
  data: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  param: { type: 'string', multiple: true },
  cash: { type: 'string' },
  fee: { type: 'string' },
  'maker-fee': { type: 'string' },
  'amount-step': { type: 'string' },
  'price-tick': { type: 'string' },
  fill: { type: 'string' },
  intrabar: { type: 'string' },
  warmup: { type: 'string' },
  symbol: { type: 'string' },
  timeframe: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-save': { type: 'boolean' },
  progress: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies ParseArgsConfig['options']

/** What parseArgs gives for BACKTEST_OPTIONS: a string (or strings, or true) per flag given. */
export type BacktestFlagValues = ReturnType<typeof parseArgs<{ options: typeof BACKTEST_OPTIONS; allowPositionals: true; strict: true }>>['values']

export function parseBacktestArgs(argv: string[]): CliCommand {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: BACKTEST_OPTIONS })
  if (values.help) return { kind: 'help' }
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"`)
  return backtestRun(values)
}

/** The run the backtest's flags describe; throws with a readable reason for a bad one. */
export function backtestRun(values: BacktestFlagValues): CliRun {
  const flags = { json: values.json === true, save: values['no-save'] !== true, progress: values.progress === true }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  if (!values.strategy) throw new Error('--strategy is required')
  if (!values.data) throw new Error('--data is required')
  const config: Record<string, unknown> = {}
  const number = (flag: string, text: string | undefined, key: string) => {
    if (text === undefined) return
    const n = Number(text)
    if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${flag} must be a number, got "${text}"`)
    config[key] = n
  }
  number('--cash', values.cash, 'cash')
  number('--fee', values.fee, 'fee')
  number('--maker-fee', values['maker-fee'], 'makerFee')
  number('--amount-step', values['amount-step'], 'amountStep')
  number('--price-tick', values['price-tick'], 'priceTick')
  number('--warmup', values.warmup, 'warmup')
  if (values.fill !== undefined) config.fill = oneOf('--fill', values.fill, FillModel.options)
  if (values.intrabar !== undefined) config.intrabar = oneOf('--intrabar', values.intrabar, IntrabarOrder.options)
  if (values.timeframe !== undefined) config.timeframe = oneOf('--timeframe', values.timeframe, Timeframe.options)
  if (values.symbol !== undefined) config.symbol = values.symbol
  const parsed = BacktestRequest.safeParse({
    strategy: values.strategy,
    data: values.data,
    from: values.from === undefined ? undefined : parseTime('--from', values.from),
    to: values.to === undefined ? undefined : parseTime('--to', values.to),
    params: rawParams(values.param ?? []),
    config
  })
  if (!parsed.success) throw new Error(describeZodError(parsed.error))
  return { kind: 'run', request: parsed.data, dataDir, ...flags }
}

function oneOf<T extends string>(flag: string, value: string, options: readonly T[]): T {
  if ((options as readonly string[]).includes(value)) return value as T
  throw new Error(`${flag} must be one of ${options.join(', ')}, got "${value}"`)
}

/** An ISO date/time or epoch milliseconds. */
export function parseTime(flag: string, text: string): number {
  const numeric = Number(text)
  if (text.trim() !== '' && Number.isFinite(numeric)) return numeric
  const parsed = Date.parse(text)
  if (Number.isNaN(parsed)) throw new Error(`${flag} must be an ISO date or epoch ms, got "${text}"`)
  return parsed
}

export function rawParams(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new Error(`--param must be name=value, got "${pair}"`)
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim()
  }
  return out
}

/** Text from the command line, typed by the strategy's specs (resolveParams then checks ranges). */
export function typedParams(specs: ParamSpecs | undefined, raw: Record<string, ParamValue>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {}
  for (const [name, value] of Object.entries(raw)) {
    const spec = specs?.[name]
    if (typeof value !== 'string' || !spec) {
      out[name] = value
      continue
    }
    if (spec.type === 'int' || spec.type === 'float') {
      const n = Number(value)
      if (value === '' || !Number.isFinite(n)) throw new KeelError('bad_request', `invalid params: ${name} must be a number, got "${value}"`)
      out[name] = n
    } else if (spec.type === 'bool') {
      if (value !== 'true' && value !== 'false') throw new KeelError('bad_request', `invalid params: ${name} must be true or false, got "${value}"`)
      out[name] = value === 'true'
    } else {
      out[name] = value
    }
  }
  return out
}

export function messageOf(err: unknown): string {
  // A schema's refusal reads as sentences ("path: reason"), not as its JSON list of issues.
  if (err instanceof z.ZodError) return describeZodError(err)
  return err instanceof Error ? err.message : String(err)
}

/** A bar on stderr, drawn only for runs that last (over half a second) and at most 10 times a second. */
export class ProgressBar {
  private readonly started = Date.now()
  private lastDraw = 0
  private drawn = false

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
    private readonly unit = 'candles'
  ) {}

  update(done: number, total: number, note = ''): void {
    if (!this.enabled || total === 0) return
    const now = Date.now()
    if (now - this.started < 500 || (now - this.lastDraw < 100 && done < total)) return
    this.lastDraw = now
    const width = 30
    const filled = Math.round((done / total) * width)
    const pct = Math.floor((done / total) * 100)
    this.io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${this.unit}${note}`)
    this.drawn = true
  }

  done(): void {
    if (this.drawn) this.io.stderr('\n')
    this.drawn = false
  }
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`)
const num = (x: number | null, digits = 2) => (x === null ? '—' : x.toFixed(digits))
const day = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z')

export function summaryTable(report: BacktestReport, id?: number): string {
  const m = report.metrics
  const d = report.data
  const rows: [string, string][] = [
    ['strategy', `${report.strategy.name} ${JSON.stringify(report.strategy.params)}`],
    ['data', `${d.source} (${d.symbol} ${d.timeframe}) ${day(d.from)} → ${day(d.to)}, ${d.candles} candles, ${d.gaps.length} gaps`],
    ['fill model', `${report.config.fill}, intrabar ${report.config.intrabar}, fee ${report.config.fee}`],
    ['start equity', num(m.startEquity)],
    ['end equity', num(m.endEquity)],
    ['total return', pct(m.totalReturn)],
    ['CAGR', pct(m.cagr)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['Sharpe', num(m.sharpe)],
    ['Sortino', num(m.sortino)],
    ['Calmar', num(m.calmar)],
    ['trades', String(m.trades)],
    ['win rate', pct(m.winRate)],
    ['profit factor', num(m.profitFactor)],
    ['average trade', num(m.averageTrade)],
    ['exposure', pct(m.exposure)],
    ['fees paid', num(m.feesPaid)],
    ['open position', report.openTrades.length ? `${report.openTrades[0].size} @ ${report.openTrades[0].entryPrice}` : 'none'],
    ['orders', `${report.orders.placed} placed, ${report.orders.fills} fills, ${report.orders.rejected.length} rejected`],
    ['time', `${report.elapsedMs} ms`]
  ]
  if (id !== undefined) rows.push(['saved', `backtests.db #${id}`])
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)
  for (const gap of d.gaps.slice(0, 5)) lines.push(`gap: ${gap.missing} candles missing ${day(gap.from)} → ${day(gap.to)}`)
  if (d.gaps.length > 5) lines.push(`… and ${d.gaps.length - 5} more gaps`)
  for (const r of report.orders.rejected.slice(0, 3)) lines.push(`rejected at ${day(r.time)}: ${r.reason}`)
  return `${lines.join('\n')}\n`
}
