import type { CompareReplayParams, RecordingInfo, ReplayReport } from '../../shared/replay'
import type { Fill } from '../../shared/trading'
import { KeelError } from '../../shared/errors'
import { builtinFingerprint, builtinStrategy } from '../strategy/builtins'
import { resolveStrategy, type ResolvedStrategy } from './job'
import { compareWithCandles } from './replay-candles'
import { compareStrategy } from './replay-strategy'
import { readRecording, readRecordingState, recordingIds, recordingInfo } from './replay-read'
import { compareFills, fillSeq, replayRecording } from './replay-run'

/**
 * Paper vs backtest for the API and the CLI: list the recorded sessions; for one, replay it
 * through a fresh engine, compare the fills with the journal's (asked of their owner through
 * `liveFills`), and run its orders over candles of the same period with the reasons for every
 * difference.
 */

/** The journal's fills of an account with sequence ≥ fromSeq (any order). */
export type LiveFills = (account: string, fromSeq: number) => Promise<Fill[]>

export function listRecordings(dataDir: string): { recordings: RecordingInfo[] } {
  const recordings: RecordingInfo[] = []
  for (const id of recordingIds(dataDir).reverse()) {
    try {
      recordings.push(recordingInfo(dataDir, id))
    } catch {
      // Deleted by rotation between the listing and the stat.
    }
  }
  return { recordings }
}

/**
 * Which strategies may run: the CLI (its own process) any file or built-in; the app's strategy
 * worker only built-ins, since user code runs there only caged in a bot's or a backtest's thread.
 */
export type StrategyPolicy = 'any' | 'builtin'

function strategyFor(ref: string, policy: StrategyPolicy): ResolvedStrategy {
  if (policy === 'any') return resolveStrategy(ref)
  const id = ref.replace(/^builtin:/, '')
  const definition = builtinStrategy(id)
  if (!definition) throw new KeelError('bad_request', `strategy "${ref}": only built-in strategies run here; compare a strategy file with \`keel replay <id> --strategy <file>\``)
  return { ref: `builtin:${id}`, definition, fingerprint: builtinFingerprint(id) }
}

export async function compareReplay(dataDir: string, params: CompareReplayParams, liveFills?: LiveFills, policy: StrategyPolicy = 'builtin'): Promise<ReplayReport> {
  // Refused before any work: a bad strategy name is a 400 at once.
  const strategy = params.strategy === undefined ? undefined : strategyFor(params.strategy, policy)
  const recording = await readRecording(dataDir, params.id)
  const outcome = await replayRecording(recording)
  const startSeq = recording.state.nextFillSeq
  const ids = recordingIds(dataDir)
  const after = ids[ids.indexOf(params.id) + 1]
  // The next recording starts where this one's fills end; the newest one ends at its last input.
  const endSeq = after === undefined ? undefined : safeNextFillSeq(dataDir, after)
  let live: Fill[] | undefined
  if (liveFills) {
    const accounts = new Set<string>([...recording.state.accounts.map((a) => a.id), ...outcome.state.accounts.keys()])
    if (params.account !== undefined) for (const a of [...accounts]) if (a !== params.account) accounts.delete(a)
    live = []
    for (const account of accounts) {
      for (const fill of await liveFills(account, startSeq)) {
        const seq = fillSeq(fill.id)
        if (seq < startSeq) continue
        if (endSeq !== undefined ? seq >= endSeq : fill.timestamp > outcome.to) continue
        live.push(fill)
      }
    }
    live.sort((a, b) => fillSeq(a.id) - fillSeq(b.id))
  }
  const replayed = params.account === undefined ? outcome.fills : outcome.fills.filter((f) => f.account === params.account)
  const faithful = compareFills(replayed, live, outcome.problems, recording.entries.length)
  const candles = await compareWithCandles(recording, outcome, params)
  const strategyComparison =
    strategy && params.account !== undefined
      ? await compareStrategy(recording, outcome, { ...params, account: params.account, strategy, params: params.params, dataDir })
      : undefined
  return {
    recording: { id: recording.id, from: outcome.from, to: outcome.to, inputs: recording.entries.length, truncated: recording.truncated, end: recording.end },
    faithful,
    candles,
    ...(strategyComparison && { strategy: strategyComparison })
  }
}

function safeNextFillSeq(dataDir: string, id: string): number | undefined {
  try {
    return readRecordingState(dataDir, id).nextFillSeq
  } catch {
    return undefined
  }
}
