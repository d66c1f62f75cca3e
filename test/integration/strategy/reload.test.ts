import { describe, expect, it } from 'vitest'
import { allOrders, servePerTest, sleep } from '../trading/helpers'
import { EVERY_TICK, bot, botLog, strategy, createBot, writeStrategy } from './helpers'

// Hot reload at candle boundaries (1m candles of the demo market: each step waits for the next
// minute). A version that throws in its first call is rolled back with its error located; a
// working version takes over.

const THROWS_FIRST_CALL = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Every tick v2',
  params: { amount: { type: 'float', default: 0.0001, min: 0 } },
  onTick() {
    throw new Error('v2 is broken')
  }
})
`
const V3 = EVERY_TICK.replace("name: 'Every tick'", "name: 'Every tick v3'").replace('async onTick(ctx) {', "async onTick(ctx) {\n    ctx.log.info('v3 tick')")

const server = servePerTest('keel-strategy-reload-')

async function logUntil(s: Parameters<typeof botLog>[0], id: string, what: RegExp, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const entry = (await botLog(s, id)).find((e) => what.test(e.message))
    if (entry) return entry
    await sleep(250)
  }
  throw new Error(`no log entry matching ${what} within ${timeoutMs} ms`)
}

describe('hot reload', () => {
  it('rolls back a version that throws in its first call, then swaps in a working one at the next candle', { timeout: 200_000 }, async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'hot.ts', EVERY_TICK)
    await strategy(s, 'file:hot.ts', (i) => !i.error)
    const b = await createBot(s, { name: 'hot', strategy: 'file:hot.ts' })

    writeStrategy(server.dataDir, 'hot.ts', THROWS_FIRST_CALL)
    await strategy(s, 'file:hot.ts', (i) => i.name === 'Every tick v2')
    const rolledBack = await logUntil(s, b.id, /reload rolled back/, 75_000)
    expect(rolledBack.message).toContain('hot.ts:6:11: Error: v2 is broken')
    const info = await strategy(s, 'file:hot.ts', (i) => i.error !== undefined)
    expect(info.error?.message).toMatch(/fails in its first call: .*hot\.ts:6:11/)
    expect(info.error?.location).toMatchObject({ line: 6, column: 11 })
    const afterRollback = (await bot(s, b.id)).orders
    await sleep(3_000)
    const still = await bot(s, b.id)
    expect(still).toMatchObject({ state: 'running', lastError: null, restarts: 0 })
    expect(still.orders).toBeGreaterThan(afterRollback) // v1 trades on

    writeStrategy(server.dataDir, 'hot.ts', V3)
    await strategy(s, 'file:hot.ts', (i) => i.name === 'Every tick v3' && !i.error)
    await logUntil(s, b.id, /^reloaded/, 75_000)
    await logUntil(s, b.id, /^v3 tick$/, 10_000)
    expect((await bot(s, b.id)).state).toBe('running')
    expect((await allOrders(s, b.account)).every((o) => o.status === 'filled')).toBe(true)
  })
})
