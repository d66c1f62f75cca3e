import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { Objective, SweepSpec, WalkForwardSpec, type ParamAxis, type SweepPointResult } from '../../shared/backtest'
import { describeZodError, KeelError } from '../../shared/errors'
import { addAxisText, objectiveValue } from '../../shared/optimization'
import { resolveStrategy } from '../../core/backtest/job'
import { BacktestStore } from '../../core/backtest/store'
import { runSweep } from '../../core/backtest/sweep'
import { threadPool } from '../../core/backtest/thread-pool'
import { runWalkForward } from '../../core/backtest/walk-forward'
import { backtestRun, BACKTEST_OPTIONS, messageOf, ProgressBar, typedParams, type CliIo, type CliRun } from './backtest-cli'

/**
 * `keel backtest … --sweep name=a..b:step …` (and `--walk-forward`): the backtest's own flags
 * give the base request; the sweep runs on worker threads in this process, stored in
 * backtests.db as it goes (so `--resume ID` carries on an interrupted one), progress on stderr,
 * the result as JSON on stdout with --json, else the best points as a table.
 */

export const SWEEP_USAGE = `Sweeps and walk-forward (add to the flags above):
  --sweep name=A..B:S   vary a param over a range (step S, default 1), or --sweep name=x,y,z (repeatable)
  --random N            draw N random points from the axes instead of the whole grid (--seed K, default 1)
  --objective M         rank by sharpe (default), sortino, calmar, totalReturn, cagr, profitFactor, winRate, maxDrawdown
  --threads N           worker threads (default: the machine's cores)
  --walk-forward S:IS:OOS  walk-forward instead: S rolling or anchored, IS/OOS window lengths in candles
  --overfit-ratio R     flag a window whose OOS objective is below R × IS (default 0.5)
  --resume ID           carry on sweep (or with --walk-forward, walk-forward) ID from backtests.db`

/** This command's flags, read in the same parseArgs call as the backtest's own. */
const SWEEP_OPTIONS = {
  sweep: { type: 'string', multiple: true },
  random: { type: 'string' },
  seed: { type: 'string' },
  objective: { type: 'string' },
  threads: { type: 'string' },
  'walk-forward': { type: 'string' },
  'overfit-ratio': { type: 'string' },
  resume: { type: 'string' }
} as const satisfies ParseArgsConfig['options']

export function isSweepArgv(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--sweep' || a === '--walk-forward' || a === '--resume' || a.startsWith('--sweep=') || a.startsWith('--walk-forward=') || a.startsWith('--resume='))
}

export interface SweepFlags {
  axes: Record<string, ParamAxis>
  random?: number
  seed?: number
  objective?: string
  threads?: number
  walkForward?: string
  overfitRatio?: number
  resume?: number
}

/** Reads the backtest's flags and this command's in one pass: the sweep's flags and the base run. */
export function parseSweepArgs(argv: readonly string[]): { flags: SweepFlags; base: CliRun } {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...BACKTEST_OPTIONS, ...SWEEP_OPTIONS } })
  if (values.help) throw new Error('--help with --sweep: see keel backtest --help')
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"`)
  const flags: SweepFlags = { axes: {} }
  for (const axis of values.sweep ?? []) {
    const at = axis.indexOf('=')
    if (at <= 0) throw new Error(`--sweep must be name=A..B:S or name=x,y,z, got "${axis}"`)
    addAxisText(flags.axes, axis.slice(0, at), axis.slice(at + 1))
  }
  const optional = <K extends keyof SweepFlags>(key: K, value: SweepFlags[K] | undefined) => {
    if (value !== undefined) flags[key] = value
  }
  optional('random', wholeNumber('--random', values.random, 1))
  optional('seed', wholeNumber('--seed', values.seed, 0))
  optional('threads', wholeNumber('--threads', values.threads, 1))
  optional('resume', wholeNumber('--resume', values.resume, 1))
  optional('objective', values.objective)
  optional('walkForward', values['walk-forward'])
  optional('overfitRatio', values['overfit-ratio'] === undefined ? undefined : Number(values['overfit-ratio']))
  // The base needs --strategy and --data unless resuming, when the stored spec has them.
  const base = backtestRun(flags.resume === undefined ? values : { strategy: 'sma-cross', data: 'demo:BTC/USDT:1h', ...values })
  return { flags, base }
}

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (text.trim() === '' || !Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number ≥ ${min}, got "${text}"`)
  return n
}

type Parsed = { kind: 'sweep'; spec: SweepSpec | null } | { kind: 'walkForward'; spec: WalkForwardSpec | null }

function buildSpecs(flags: SweepFlags, base: CliRun): { parsed: Parsed; dataDir: string; json: boolean; progress: boolean } {
  const common = { dataDir: base.dataDir, json: base.json, progress: base.progress }
  if (flags.objective !== undefined && !Objective.safeParse(flags.objective).success) throw new Error(`--objective must be one of ${Objective.options.join(', ')}`)
  const wantsWalkForward = flags.walkForward !== undefined
  if (flags.resume !== undefined) return { parsed: { kind: wantsWalkForward ? 'walkForward' : 'sweep', spec: null }, ...common }
  const strategy = resolveStrategy(base.request.strategy)
  const request = { ...base.request, strategy: strategy.ref, params: typedParams(strategy.definition.params, base.request.params) }
  const sweep = SweepSpec.safeParse({
    base: request,
    axes: flags.axes,
    mode: flags.random === undefined ? 'grid' : 'random',
    ...(flags.random !== undefined && { samples: flags.random }),
    ...(flags.seed !== undefined && { seed: flags.seed }),
    ...(flags.objective !== undefined && { objective: flags.objective }),
    ...(flags.threads !== undefined && { threads: flags.threads })
  })
  if (!sweep.success) throw new Error(describeZodError(sweep.error))
  if (!wantsWalkForward) return { parsed: { kind: 'sweep', spec: sweep.data }, ...common }
  const [scheme, inSample, outOfSample, ...extra] = (flags.walkForward ?? '').split(':')
  if (extra.length || !inSample || !outOfSample) throw new Error(`--walk-forward must be rolling:IS:OOS or anchored:IS:OOS, got "${flags.walkForward}"`)
  const wf = WalkForwardSpec.safeParse({
    sweep: sweep.data,
    scheme,
    inSample: Number(inSample),
    outOfSample: Number(outOfSample),
    ...(flags.overfitRatio !== undefined && { overfitRatio: flags.overfitRatio })
  })
  if (!wf.success) throw new Error(describeZodError(wf.error))
  return { parsed: { kind: 'walkForward', spec: wf.data }, ...common }
}

export async function sweepCli(argv: string[], io: CliIo): Promise<number> {
  let setup: ReturnType<typeof buildSpecs>
  let flags: SweepFlags
  try {
    const parsed = parseSweepArgs(argv)
    flags = parsed.flags
    setup = buildSpecs(flags, parsed.base)
  } catch (err) {
    io.stderr(`keel backtest: ${messageOf(err)}\n\n${SWEEP_USAGE}\n`)
    return 2
  }
  const { parsed, dataDir } = setup
  mkdirSync(dataDir, { recursive: true })
  const store = new BacktestStore(join(dataDir, 'backtests.db'))
  const runner = threadPool({ threads: flags.threads ?? (parsed.kind === 'sweep' ? parsed.spec?.threads : parsed.spec?.sweep.threads) })
  const bar = new ProgressBar(io, setup.progress || io.stderrIsTty, 'points')
  try {
    if (parsed.kind === 'sweep') {
      let best: number | null = null
      const objective = parsed.spec?.objective ?? (flags.resume === undefined ? undefined : store.sweep(flags.resume)?.spec.objective) ?? 'sharpe'
      const result = await runSweep(parsed.spec, {
        store,
        runner,
        dataDir,
        ...(flags.resume !== undefined && { resume: flags.resume }),
        onProgress: (done, total, point) => {
          const value = point ? objectiveValue(point.metrics, objective) : null
          if (value !== null && (best === null || value > best)) best = value
          bar.update(done, total, best === null ? '' : `, best ${best.toFixed(4)}`)
        }
      })
      bar.done()
      io.stdout(setup.json ? `${JSON.stringify(result)}\n` : sweepTable(result.points, result.best, result.objective, result.sweepId))
    } else {
      const result = await runWalkForward(parsed.spec, {
        store,
        runner,
        dataDir,
        ...(flags.resume !== undefined && { resume: flags.resume }),
        onProgress: (done, total, window) => bar.update(done, total, `, window ${window + 1}`)
      })
      bar.done()
      io.stdout(setup.json ? `${JSON.stringify(result)}\n` : walkForwardTable(result))
    }
    return 0
  } catch (err) {
    bar.done()
    io.stderr(`keel backtest: ${messageOf(err)}\n`)
    // 2 for what the user can fix (a bad spec, an unknown id, a resume on changed candles).
    return err instanceof KeelError && (err.code === 'bad_request' || err.code === 'not_found' || err.code === 'rejected') ? 2 : 1
  } finally {
    await runner.close()
    store.close()
  }
}

const fixed = (x: number | null, digits = 4) => (x === null ? '—' : x.toFixed(digits))

function sweepTable(points: SweepPointResult[], best: number | null, objective: Objective, id: number): string {
  const ranked = points
    .map((p) => ({ p, value: objectiveValue(p.metrics, objective) }))
    .sort((a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY))
  const lines = [`sweep #${id}: ${points.length} points, ranked by ${objective}${best === null ? '' : ` (best #${best})`}`]
  for (const { p, value } of ranked.slice(0, 20)) {
    lines.push(`#${String(p.index).padEnd(5)} ${objective} ${fixed(value).padStart(10)}  return ${fixed(p.metrics?.totalReturn ?? null).padStart(8)}  trades ${String(p.metrics?.trades ?? '—').padStart(4)}  ${JSON.stringify(p.params)}${p.error ? `  error: ${p.error}` : ''}`)
  }
  if (ranked.length > 20) lines.push(`… ${ranked.length - 20} more (--json for all)`)
  return `${lines.join('\n')}\n`
}

function walkForwardTable(result: Awaited<ReturnType<typeof runWalkForward>>): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 16)
  const lines = [`walk-forward #${result.walkForwardId} (${result.scheme}, ${result.objective}): ${result.windows.length} windows, ${result.totalTrials} trials, ${result.overfitWindows} overfit, efficiency ${fixed(result.efficiency, 2)}`]
  for (const [k, w] of result.windows.entries()) {
    lines.push(
      `${String(k + 1).padStart(3)}  IS ${day(w.inSample.from)} → ${day(w.inSample.to)}  ${fixed(w.isObjective).padStart(9)}   OOS ${day(w.outOfSample.from)} → ${day(w.outOfSample.to)}  ${fixed(w.oosObjective).padStart(9)}  ${w.overfit ? 'OVERFIT' : 'ok     '}  ${JSON.stringify(w.bestParams)}`
    )
  }
  return `${lines.join('\n')}\n`
}
