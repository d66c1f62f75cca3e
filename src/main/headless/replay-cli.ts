import { parseArgs } from 'node:util'
import { FillModel, IntrabarOrder } from '../../shared/backtest'
import { describeZodError } from '../../shared/errors'
import { Timeframe } from '../../shared/market-data'
import type { ClosedTrade } from '../../shared/backtest'
import { CompareReplayParams, type CandleComparison, type FillSummary, type ReplayReport, type StrategyComparison } from '../../shared/replay'
import { resolveStrategy } from '../../core/backtest/job'
import { journalFills } from '../../core/backtest/replay-journal'
import type { ParamValue } from '../../core/strategy/contract'
import { compareReplay, listRecordings } from '../../core/backtest/replay-service'
import { defaultDataDir } from './cli-args'
import { PROCESS_IO, rawParams, typedParams, type CliIo } from './backtest-cli'

/**
 * `keel replay`: the recorded paper sessions (`keel replay list`), or one of them replayed
 * through a fresh engine and compared with the journal's fills, then run over candles with the
 * reasons for each difference (`keel replay <id>`). Reads <data-dir> only; safe beside a running app.
 */

export const REPLAY_USAGE = `Usage: keel replay list [--data-dir DIR] [--json]
       keel replay <recording-id|latest> [options]

  --timeframe tf   candles built from the recorded trades (1m, 5m, 15m, 1h, 4h, 1d; default 1m)
  --fill M         book (default) or next-open, as in keel backtest
  --intrabar O     pessimistic (default), direction, high-first or low-first
  --account A      only this account's orders and fills
  --strategy S     also run this strategy (built-in or .ts/.js file) over the candles and compare its
                   round trips with the account's (the bot's); needs --account
  --param name=value  a strategy parameter (repeatable)
  --symbol S       the market the strategy trades (default: the one the account traded)
  --data D         candles for the strategy: a backtest data spec (demo:BTC/USDT:1m, exchange:SYMBOL:tf)
                   instead of the recorded trades, so it warms up on the history a bot had
  --warmup N       candles before the session the strategy warms up on (default: its warmup)
  --data-dir DIR   where recordings/ and trading.db live (default: the app's folder)
  --json           the whole report as JSON on stdout

Exit codes: 0 the replay matched the journal (or there was no journal to compare with),
1 the replay's fills differ from the journal's, 2 bad input.`

export async function replayCli(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        timeframe: { type: 'string' },
        fill: { type: 'string' },
        intrabar: { type: 'string' },
        account: { type: 'string' },
        strategy: { type: 'string' },
        param: { type: 'string', multiple: true },
        symbol: { type: 'string' },
        data: { type: 'string' },
        warmup: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false }
      }
    })
  } catch (err) {
    io.stderr(`keel replay: ${err instanceof Error ? err.message : String(err)}\n\n${REPLAY_USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help || positionals.length === 0) {
    io.stdout(`${REPLAY_USAGE}\n`)
    return values.help ? 0 : 2
  }
  const dataDir = values['data-dir'] ?? defaultDataDir()
  const { recordings } = listRecordings(dataDir)
  if (positionals[0] === 'list') {
    if (values.json) io.stdout(`${JSON.stringify({ recordings })}\n`)
    else if (recordings.length === 0) io.stdout(`no recordings in ${dataDir}/recordings\n`)
    else for (const r of recordings) io.stdout(`${r.id}  ${new Date(r.startedAt).toISOString()}  ${(r.bytes / 1024).toFixed(1)} KiB  (${r.start})\n`)
    return 0
  }
  const id = positionals[0] === 'latest' ? recordings[0]?.id : positionals[0]
  if (!id) {
    io.stderr(`keel replay: no recordings in ${dataDir}/recordings\n`)
    return 2
  }
  let strategyParams: Record<string, ParamValue> = {}
  try {
    if (values.strategy !== undefined) strategyParams = typedParams(resolveStrategy(values.strategy).definition.params, rawParams(values.param ?? []))
  } catch (err) {
    io.stderr(`keel replay: ${err instanceof Error ? err.message : String(err)}\n`)
    return 2
  }
  const params = CompareReplayParams.safeParse({
    id,
    params: strategyParams,
    ...(values.strategy !== undefined && { strategy: values.strategy }),
    ...(values.symbol !== undefined && { symbol: values.symbol }),
    ...(values.data !== undefined && { data: values.data }),
    ...(values.warmup !== undefined && { warmup: Number(values.warmup) }),
    ...(values.timeframe !== undefined && { timeframe: values.timeframe }),
    ...(values.fill !== undefined && { fill: values.fill }),
    ...(values.intrabar !== undefined && { intrabar: values.intrabar }),
    ...(values.account !== undefined && { account: values.account })
  })
  if (!params.success) {
    io.stderr(`keel replay: ${describeZodError(params.error)} (timeframes ${Timeframe.options.join(', ')}; fill ${FillModel.options.join(', ')}; intrabar ${IntrabarOrder.options.join(', ')})\n`)
    return 2
  }
  const journal = journalFills(dataDir)
  let report: ReplayReport
  try {
    report = await compareReplay(dataDir, params.data, journal?.liveFills, 'any')
  } catch (err) {
    io.stderr(`keel replay: ${err instanceof Error ? err.message : String(err)}\n`)
    return 2
  } finally {
    journal?.close()
  }
  io.stdout(values.json ? `${JSON.stringify(report)}\n` : formatReport(report))
  const f = report.faithful
  return f.differences.length + f.onlyLive.length + f.onlyReplay.length + f.problems.length === 0 ? 0 : 1
}

export function formatReport(report: ReplayReport): string {
  const { recording: r, faithful: f } = report
  const lines = [
    `recording ${r.id}: ${r.inputs} inputs, ${new Date(r.from).toISOString()} → ${new Date(r.to).toISOString()}${r.truncated ? ' (cut short: its last line was incomplete)' : ''}${r.end ? `, ended: ${r.end.reason}` : ''}`,
    f.live.checked
      ? `faithful replay: ${f.fills.length} fills; journal ${f.live.fills}, identical ${f.live.matched}; ${f.differences.length} field differences, ${f.onlyLive.length} only in the journal, ${f.onlyReplay.length} only in the replay`
      : `faithful replay: ${f.fills.length} fills (no journal to compare with)`
  ]
  for (const d of f.differences.slice(0, 20)) lines.push(`  ${d.fillId}.${d.field}: journal ${String(d.live)} vs replay ${String(d.replay)}`)
  for (const p of f.problems) lines.push(`  problem: ${p}`)
  for (const c of report.candles) lines.push('', ...formatCandles(c))
  if (report.strategy) lines.push('', ...formatStrategy(report.strategy))
  return `${lines.join('\n')}\n`
}

function formatStrategy(s: StrategyComparison): string[] {
  const head = `${s.strategy} ${JSON.stringify(s.params)} for ${s.account} ${s.symbol} over ${s.source}: ${s.trades.length} round trips compared (open at the end: live ${s.open.live}, backtest ${s.open.backtest})`
  const trade = (t: ClosedTrade | null) => (t ? `${t.size} ${t.entryPrice}→${t.exitPrice} pnl ${t.pnl}` : '—')
  const rows = s.trades.map((t) => `  live ${trade(t.live)} | backtest ${trade(t.backtest)} | ${t.reasons.map((r) => r.message).join('; ')}`)
  return [head, ...rows]
}

function formatCandles(c: CandleComparison): string[] {
  const head = `${c.account} ${c.symbol}: its orders over ${c.source} (fill ${c.fill}, intrabar ${c.intrabar}, cash ${c.cash})`
  const rows = [['order', 'side', 'type', 'tick', 'candle', 'Δprice', 'Δamount', 'Δt s', 'reasons']]
  const fmt = (s: FillSummary | null) => (s ? `${s.amount} @ ${s.price}` : '—')
  for (const o of c.orders) {
    rows.push([
      o.clientOrderId,
      o.side,
      o.type,
      fmt(o.tick),
      fmt(o.candle),
      o.diff ? String(o.diff.price) : '',
      o.diff ? String(o.diff.amount) : '',
      o.diff ? String(o.diff.timeMs / 1000) : '',
      o.reasons.map((x) => x.code).join(',')
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  const table = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd())
  const why = c.orders.flatMap((o) => o.reasons.filter((x) => x.code !== 'same').map((x) => `  ${o.clientOrderId}: ${x.message}`))
  return [head, ...table, ...(why.length > 0 ? ['why:', ...why] : [])]
}
