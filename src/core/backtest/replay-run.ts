import type { Fill, Order } from '../../shared/trading'
import type { FaithfulReplay, FillDifference } from '../../shared/replay'
import { apply, hydrateOrder, inputTime, type EngineInput, type ExchangeState } from '../exchange'
import { restoreState } from './replay-format'
import type { Recording } from './replay-read'

/**
 * A recording through a fresh engine: the recorded state restored, then every recorded input
 * applied in order with `apply` (src/core/exchange), the code path the execution worker runs.
 * The same inputs on the same state give the same fills; comparing them with the journal's
 * fills shows it (or shows where the recording or the engine differs).
 */

/** A command the recording holds, with what the replay answered (the live answer, when faithful). */
export interface ReplayedCommand {
  index: number
  at: number
  input: Extract<EngineInput, { at: number }>
  order?: Order
  error?: string
}

export interface ReplayOutcome {
  state: ExchangeState
  fills: Fill[]
  commands: ReplayedCommand[]
  /** Per account: quote and base held just before its first order of the session (by symbol). */
  startHoldings: Map<string, { quote: number; base: Record<string, number> }>
  problems: string[]
  from: number
  to: number
}

/** Inputs per event-loop turn: a long recording replays without starving the worker's heartbeat. */
const CHUNK = 5_000

export async function replayRecording(recording: Recording): Promise<ReplayOutcome> {
  const state = restoreState(recording.state)
  const fills: Fill[] = []
  const commands: ReplayedCommand[] = []
  const startHoldings: ReplayOutcome['startHoldings'] = new Map()
  const problems: string[] = []
  let from = Number.POSITIVE_INFINITY
  let to = Number.NEGATIVE_INFINITY
  const entries = recording.entries
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % CHUNK === 0) await new Promise((resolve) => setImmediate(resolve))
    const { input, hydrated } = entries[i]
    if (hydrated) hydrateOrder(state, structuredClone(hydrated))
    const t = inputTime(input)
    if (t < from) from = t
    if (t > to) to = t
    if (input.kind === 'placeOrder') noteHoldings(state, input.params.account, input.params.symbol, startHoldings)
    const result = apply(state, input)
    if (result.rollback) problems.push(`input ${i + 1} (${input.kind}) was rolled back in the replay, yet the journal kept it: ${result.reply.ok ? '' : result.reply.error.message}`)
    for (const effect of result.effects) if (effect.kind === 'fillCreated') fills.push(effect.fill)
    if ('at' in input && input.kind !== 'setMarkets') {
      const reply = result.reply
      const command: ReplayedCommand = { index: i, at: input.at, input }
      if (!reply.ok) command.error = reply.error.message
      else if (reply.value && 'id' in reply.value) command.order = reply.value as Order
      commands.push(command)
    }
  }
  if (!Number.isFinite(from)) from = to = recording.head.startedAt
  return { state, fills, commands, startHoldings, problems, from, to }
}

function noteHoldings(state: ExchangeState, account: string, symbol: string, into: ReplayOutcome['startHoldings']): void {
  const acct = state.accounts.get(account)
  let held = into.get(account)
  if (!held) {
    const q = acct?.balances[acct.quote]
    held = { quote: q ? q.free + q.locked : 0, base: {} }
    into.set(account, held)
  }
  const base = symbol.split('/')[0]
  if (held.base[symbol] === undefined) {
    const b = acct?.balances[base]
    held.base[symbol] = b ? b.free + b.locked : 0
  }
}

/** Every field the journal has for a fill. */
const FILL_FIELDS: (keyof Fill)[] = ['orderId', 'clientOrderId', 'account', 'symbol', 'side', 'price', 'amount', 'cost', 'fee', 'feeAsset', 'liquidity', 'mid', 'slippage', 'slippageBps', 'timestamp']

/**
 * The replay's fills beside the journal's fills for the same period: matched by id (ids come
 * from the engine's fill sequence, so a faithful replay gives the same ids), then field by field,
 * exactly (no tolerance: the same code on the same inputs gives the same numbers).
 */
export function compareFills(replayed: readonly Fill[], live: readonly Fill[] | undefined, problems: string[], inputs: number): FaithfulReplay {
  if (!live) {
    return { inputs, fills: [...replayed], live: { checked: false, fills: 0, matched: 0 }, differences: [], onlyLive: [], onlyReplay: [], problems }
  }
  const byId = new Map(live.map((f) => [f.id, f]))
  const differences: FillDifference[] = []
  const onlyReplay: string[] = []
  let matched = 0
  for (const fill of replayed) {
    const other = byId.get(fill.id)
    if (!other) {
      onlyReplay.push(fill.id)
      continue
    }
    byId.delete(fill.id)
    let same = true
    for (const field of FILL_FIELDS) {
      if (!Object.is(fill[field], other[field])) {
        same = false
        differences.push({ fillId: fill.id, field, live: other[field], replay: fill[field] })
      }
    }
    if (same) matched++
  }
  return {
    inputs,
    fills: [...replayed],
    live: { checked: true, fills: live.length, matched },
    differences,
    onlyLive: [...byId.keys()],
    onlyReplay,
    problems
  }
}

/** Fill sequence numbers (`f<seq>`) this recording covers: from its state's next fill to `endSeq` (exclusive). */
export function fillSeq(id: string): number {
  return Number(id.slice(1))
}
