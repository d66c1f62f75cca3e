import { describe, expect, it } from 'vitest'
import type { AiSignal } from '../../../src/shared/ai'
import { BotSignals } from '../../../src/core/strategy/bot-signals'

// What a bot's ctx.signals gets from the host's aiSignals answers: the signal on the candle
// being seen, or undefined (never an error, never a later candle's signal).

const SERIES = { exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1m' as const }
const TIMING = { callTimeoutMs: 100, catchUpMs: 300, retryMs: 20, quietMs: 10_000 }

function signal(time: number, score: number): AiSignal {
  return { ...SERIES, time, close: 100, votes: [{ rule: 'rsi', vote: 1, value: 25 }], score, ensembleQuality: null, model: null }
}

describe('BotSignals', () => {
  it('answers the signal on the candle, waits for an AI worker one candle behind, and caches per candle', async () => {
    const answers = [[signal(60_000, 0.2)], [signal(120_000, 0.6)]]
    let calls = 0
    const s = new BotSignals(async () => answers[Math.min(calls++, answers.length - 1)], () => SERIES, TIMING)
    const got = await s.forCandle(120_000)
    expect(got?.time).toBe(120_000)
    expect(got?.score).toBe(0.6)
    expect(got?.models).toEqual([])
    expect(calls).toBe(2)
    expect(await s.forCandle(120_000)).toEqual(got)
    expect(calls).toBe(2)
  })

  it('gives a replayed candle no signal rather than a later one', async () => {
    const s = new BotSignals(async () => [signal(180_000, 1)], () => SERIES, TIMING)
    expect(await s.forCandle(120_000)).toBeUndefined()
  })

  it('an AI worker that never answers costs one timeout, then nothing for a while', async () => {
    let calls = 0
    const s = new BotSignals(() => {
      calls++
      return new Promise(() => {})
    }, () => SERIES, TIMING)
    const started = performance.now()
    expect(await s.forCandle(60_000)).toBeUndefined()
    expect(performance.now() - started).toBeGreaterThanOrEqual(90)
    expect(await s.forCandle(120_000)).toBeUndefined()
    expect(calls).toBe(1)
  })

  it('a refusal or a malformed answer is no signal, not an error', async () => {
    expect(await new BotSignals(() => Promise.reject(new Error('unavailable')), () => SERIES, TIMING).forCandle(60_000)).toBeUndefined()
    expect(await new BotSignals(async () => [{ time: 'x' }], () => SERIES, TIMING).forCandle(60_000)).toBeUndefined()
    expect(await new BotSignals(async () => [], () => SERIES, TIMING).forCandle(60_000)).toBeUndefined()
  })
})
