import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EngineInput } from '../src/core/exchange'
import { TradingStore } from '../src/core/storage/trading'
import { Executor } from '../src/core/execution/executor'
import { PlaceOrderParams, ResetAccountParams } from '../src/shared/trading'
import { HighWaterMark } from '../src/core/storage/trading/high-water-mark'
import { summarize } from './stats'

/**
 * What the journal high-water mark costs on the hot path: group commits of 16 resting orders
 * (synchronous=FULL) into trading.db, without the mark, with the mark written after every
 * commit, and with it spaced 25 ms apart (what Keel does). Modes alternate per round so machine
 * load drifts hit them alike; the figure is ms per batch.
 */

const BATCHES = Number(process.env.KEEL_BENCH_BATCHES ?? 300)
const PER_BATCH = 16
const ROUNDS = Number(process.env.KEEL_BENCH_ROUNDS ?? 8)
const MARKET = {
  exchange: 'demo',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  precision: { amount: 0.00001, price: 0.01 },
  limits: { amount: {}, price: {}, cost: { min: 5 } },
  maker: 0.001,
  taker: 0.001
}

type Mode = 'noMark' | 'markEveryCommit' | 'markSpaced25ms'
const MODES: readonly Mode[] = ['noMark', 'markEveryCommit', 'markSpaced25ms']

function msPerBatch(mode: Mode): number {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-hwm-'))
  const mark = new HighWaterMark(join(dir, 'trading.hwm'), mode === 'markEveryCommit' ? 0 : 25)
  mark.reset({ journalSeq: 0, orderSeq: 0 })
  const holder: { store?: TradingStore } = {}
  const onCommit = mode === 'noMark' ? undefined : (err?: unknown) => err === undefined && mark.advance(holder.store!.marks())
  const store = TradingStore.open(join(dir, 'trading.db'), { onCommit })
  holder.store = store
  try {
    const executor = new Executor(store)
    executor.applyAndPersist({ kind: 'setMarkets', at: 0, markets: [MARKET] })
    executor.applyAndPersist({ kind: 'resetAccount', at: 0, params: ResetAccountParams.parse({ balances: { USDT: 1e12 } }) })
    let i = 0
    const start = performance.now()
    for (let b = 0; b < BATCHES; b++) {
      const inputs: EngineInput[] = Array.from({ length: PER_BATCH }, () => ({
        kind: 'placeOrder',
        at: 1,
        params: PlaceOrderParams.parse({ clientOrderId: `c${i++}`, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.001, price: 100 })
      }))
      executor.applyBatch(inputs)
    }
    return (performance.now() - start) / BATCHES
  } finally {
    store.close()
    mark.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const samples: Record<Mode, number[]> = { noMark: [], markEveryCommit: [], markSpaced25ms: [] }
  for (let r = 0; r < ROUNDS; r++) for (const mode of r % 2 ? [...MODES].reverse() : MODES) samples[mode].push(msPerBatch(mode))
  return {
    batches: BATCHES,
    ordersPerBatch: PER_BATCH,
    rounds: ROUNDS,
    msPerBatch: Object.fromEntries(MODES.map((m) => [m, summarize(samples[m])]))
  }
}
