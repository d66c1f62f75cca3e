import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AiSignal } from '../../../src/shared/ai'
import type { Candle } from '../../../src/shared/market-data'
import { ModelStore } from '../../../src/core/storage/ai/model-store'
import { openAiDb } from '../../../src/core/storage/ai/open'
import { SignalService } from '../../../workers/ai-signals'

// A series whose history request fails at first (market worker restarting, host busy) asks
// again and warms from history, instead of waiting for its next live close (an hour for 1h).
let dir: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-ai-warm-'))
  db = openAiDb(join(dir, 'ai.db'))
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const HOUR = 3_600_000
/** A gentle random walk of closed 1h candles ending before `before`. */
function history(before: number, limit: number): Candle[] {
  const out: Candle[] = []
  let price = 100
  for (let i = limit; i >= 1; i--) {
    const open = price
    price *= 1 + Math.sin(i * 1.7) * 0.01
    out.push([before - i * HOUR, open, Math.max(open, price) * 1.001, Math.min(open, price) * 0.999, price, 10])
  }
  return out
}

describe('signal warm-up', () => {
  it('asks again after a failed history request and shows the signal of the last closed candle', async () => {
    let calls = 0
    const emitted: AiSignal[] = []
    const warnings: string[] = []
    const service = new SignalService({
      store: new ModelStore(db),
      call: async (method, params) => {
        calls++
        if (calls === 1) throw new Error('market worker is restarting')
        expect(method).toBe('candles')
        const { before, limit } = params as { before: number; limit: number }
        return history(before, limit)
      },
      emit: (s) => emitted.push(s),
      log: { warn: (...args) => warnings.push(args.join(' ')) }
    })
    service.track('demo', 'BTC/USDT', '1h')
    await expect.poll(() => emitted.length, { timeout: 5_000, interval: 50 }).toBe(1)
    expect(calls).toBe(2)
    expect(warnings[0]).toMatch(/history for demo\|BTC\/USDT\|1h failed \(market worker is restarting\); asking again in 1000 ms/)
    const hourNow = Math.floor(Date.now() / HOUR) * HOUR
    expect(emitted[0]).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1h', time: hourNow - HOUR })
    expect(service.signals({})).toHaveLength(1)
  })
})
