import { describe, expect, it } from 'vitest'
import { KillSwitchResult } from '../../../src/shared/bots'
import { allOrders, ok, servePerTest, sleep } from '../trading/helpers'
import { EVERY_TICK, bot, botLog, createBot, strategy, waitBot, writeStrategy } from './helpers'

// Protections are enforced by execution on the bot's account: the bot's code cannot skip them,
// and every refusal is in the bot's log with its reason.

const RESTING = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Resting bid',
  async onTick(ctx, ticker) {
    if (ctx.openOrders().length === 0) await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'limit', amount: 0.001, price: Math.round(ticker.last * 0.5) })
  }
})
`

const server = servePerTest('keel-strategy-protections-')

describe('protections', () => {
  it('order rate and daily loss: refusals in the bot log; a daily-loss breach pauses the bot', async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'tick.ts', EVERY_TICK)
    await strategy(s, 'file:tick.ts', (i) => !i.error)
    const limited = await createBot(s, { name: 'rate', strategy: 'file:tick.ts', protections: { maxOrdersPerMinute: 2 } })
    // Each buy pays the taker fee (0.1 % of ~65 USDT): the second one is refused for the loss.
    const losing = await createBot(s, { name: 'loss', strategy: 'file:tick.ts', params: { amount: 0.001 }, protections: { maxDailyLoss: 0.01 } })

    const refusal = /protection maxOrdersPerMinute: 2 orders in the last minute, the limit is 2/
    await waitFor(s, limited.id, refusal)
    await sleep(2_000) // more ticks: still refused, still running
    expect((await bot(s, limited.id)).state).toBe('running')
    expect(await allOrders(s, limited.account)).toHaveLength(2)

    const paused = await waitBot(s, losing.id, 'paused', (b) => b.state === 'paused')
    expect(paused.lastError).toMatchObject({ kind: 'protection' })
    expect(paused.lastError?.message).toMatch(/protection maxDailyLoss: lost 0\.\d+ USDT today, the limit is 0\.01/)
    expect(await allOrders(s, losing.account)).toHaveLength(1)
  })

  it('the kill switch halts every bot, cancels their open orders and refuses bot orders until released', async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'resting.ts', RESTING)
    await strategy(s, 'file:resting.ts', (i) => !i.error)
    const b = await createBot(s, { name: 'resting', strategy: 'file:resting.ts' })
    await waitBot(s, b.id, 'a resting order', (x) => x.orders >= 1)

    const result = KillSwitchResult.parse(await ok(s, 'killSwitch', { engaged: true }))
    expect(result).toMatchObject({ engaged: true, cancelledOrders: 1 })
    expect(result.haltedBots).toBeGreaterThanOrEqual(1)
    await waitBot(s, b.id, 'halted', (x) => x.state === 'paused')
    const orders = await allOrders(s, b.account)
    expect(orders).toHaveLength(1)
    expect(orders[0]!.status).toBe('cancelled')

    const refused = await s.call('placeOrder', { account: b.account, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 })
    expect(refused.status).toBe(422)
    expect(JSON.stringify(refused.body)).toMatch(/protection killSwitch/)
    const manual = await s.call('placeOrder', { account: 'default', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 })
    expect(manual.status).toBe(200) // the user's own trading is not halted

    await ok(s, 'killSwitch', { engaged: false })
    await ok(s, 'startBot', { id: b.id })
    await waitBot(s, b.id, 'trading again', (x) => x.state === 'running' && x.orders >= 2)
  })
})

async function waitFor(s: Parameters<typeof botLog>[0], id: string, message: RegExp): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if ((await botLog(s, id)).some((e) => e.level === 'warn' && message.test(e.message))) return
    await sleep(200)
  }
  throw new Error(`no log entry matching ${message} for bot ${id}`)
}
