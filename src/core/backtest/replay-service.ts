import type { CompareReplayParams, RecordingInfo, ReplayReport } from '../../shared/replay'
import type { Fill } from '../../shared/trading'
import { compareWithCandles } from './replay-candles'
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

export async function compareReplay(dataDir: string, params: CompareReplayParams, liveFills?: LiveFills): Promise<ReplayReport> {
  const recording = readRecording(dataDir, params.id)
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
  return {
    recording: { id: recording.id, from: outcome.from, to: outcome.to, inputs: recording.entries.length, truncated: recording.truncated, end: recording.end },
    faithful,
    candles
  }
}

function safeNextFillSeq(dataDir: string, id: string): number | undefined {
  try {
    return readRecordingState(dataDir, id).nextFillSeq
  } catch {
    return undefined
  }
}
