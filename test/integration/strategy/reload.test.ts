import { describe, expect, it } from 'vitest'
import { fastDemo } from '../../support/demo-clock'
import { waitFor } from '../../support/processes'
import { allOrders, servePerTest, sleep } from '../trading/helpers'
import { EVERY_TICK, bot, botLog, strategy, createBot, writeStrategy } from './helpers'

// Hot reload at candle boundaries (1m candles of the demo market: each step waits for the next
// candle, 3 s with the demo's clock at 20×). A version that throws in its first call is rolled
// back with its error located; a working version takes over.

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
const demo = fastDemo(20)
const NEXT_CANDLE = demo.wallMs(75_000)

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
  it('rolls back a version that throws in its first call, then swaps in a working one at the next candle', { timeout: 150_000 }, async () => {
    const s = await server.start(['BTC/USDT'], [], { env: demo.env })
    writeStrategy(server.dataDir, 'hot.ts', EVERY_TICK)
    await strategy(s, 'file:hot.ts', (i) => !i.error)
    const b = await createBot(s, { name: 'hot', strategy: 'file:hot.ts' })

    writeStrategy(server.dataDir, 'hot.ts', THROWS_FIRST_CALL)
    await strategy(s, 'file:hot.ts', (i) => i.name === 'Every tick v2')
    const rolledBack = await logUntil(s, b.id, /reload rolled back/, NEXT_CANDLE)
    expect(rolledBack.message).toContain('hot.ts:6:11: Error: v2 is broken')
    const info = await strategy(s, 'file:hot.ts', (i) => i.error !== undefined)
    expect(info.error?.message).toMatch(/fails in its first call: .*hot\.ts:6:11/)
    expect(info.error?.location).toMatchObject({ line: 6, column: 11 })
    const afterRollback = (await bot(s, b.id)).orders
    // v1 trades on: more orders, and still no error or restart.
    const still = await waitFor('v1 trading on after the rollback', async () => {
      const now = await bot(s, b.id)
      return now.orders > afterRollback + 2 ? now : undefined
    }, 30_000, 200)
    expect(still).toMatchObject({ state: 'running', lastError: null, restarts: 0 })

    writeStrategy(server.dataDir, 'hot.ts', V3)
    await strategy(s, 'file:hot.ts', (i) => i.name === 'Every tick v3' && !i.error)
    await logUntil(s, b.id, /^reloaded/, NEXT_CANDLE)
    await logUntil(s, b.id, /^v3 tick$/, 10_000)
    expect((await bot(s, b.id)).state).toBe('running')
    expect((await allOrders(s, b.account)).every((o) => o.status === 'filled')).toBe(true)
  })
})
