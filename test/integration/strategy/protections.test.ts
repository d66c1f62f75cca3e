import { describe, expect, it } from 'vitest'
import { KillSwitchResult, ProtectionsState } from '../../../src/shared/bots'
import { waitFor as waitUntil } from '../../support/processes'
import { allOrders, cents, health, mids, ok, servePerTest, sleep, workerPid } from '../trading/helpers'
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

describe('protections inside one batch', () => {
  it('maxOpenOrders holds for a burst of concurrent orders: exactly N open, the rest refused with the reason', async () => {
    const s = await server.start(['BTC/USDT'])
    const limit = 3
    const burst = 40
    await ok(s, 'resetAccount', { account: 'burst', balances: { USDT: 100_000 } })
    await ok(s, 'setProtections', { account: 'burst', protections: { maxOpenOrders: limit } })
    const mid = (await mids(s, ['BTC/USDT']))['BTC/USDT']!
    // Resting bids far below the market: each one that is let through stays open.
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        s.call('placeOrder', { account: 'burst', clientOrderId: `b${i}`, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.001, price: cents(mid * 0.5 - i) })
      )
    )
    const accepted = answers.filter((a) => a.status === 200)
    const refused = answers.filter((a) => a.status !== 200)
    expect(accepted).toHaveLength(limit)
    expect(refused).toHaveLength(burst - limit)
    for (const r of refused) {
      expect(r.status).toBe(422)
      expect(JSON.stringify(r.body)).toMatch(/protection maxOpenOrders: 3 open orders, the limit is 3/)
    }
    // Counted apart from the answers: what the journal holds for the account.
    const orders = await allOrders(s, 'burst')
    expect(orders.filter((o) => o.status === 'open')).toHaveLength(limit)
    expect(orders).toHaveLength(limit) // refused orders are not journaled
    // A re-send of an accepted order is still its order, not a refusal.
    const again = await s.call('placeOrder', { account: 'burst', clientOrderId: (accepted[0]!.body as { clientOrderId: string }).clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.001, price: cents(mid * 0.5) })
    expect(again.status).toBe(200)
    expect((again.body as { id: string }).id).toBe((accepted[0]!.body as { id: string }).id)
  })
})

describe('updateBot protections', () => {
  it('null clears an optional limit, a left-out limit keeps its value; both survive a SIGKILL of the strategy worker', async () => {
    const s = await server.start(['BTC/USDT'])
    const b = await createBot(s, { name: 'guarded', strategy: 'builtin:dca', start: false, protections: { maxDrawdownPercent: 5, maxDailyLoss: 50, maxOpenOrders: 7 } })
    expect(b.protections).toMatchObject({ maxDrawdownPercent: 5, maxDailyLoss: 50, maxOpenOrders: 7 })

    const updated = await ok<{ protections: Record<string, unknown> }>(s, 'updateBot', { id: b.id, protections: { maxDrawdownPercent: null, maxOrdersPerMinute: 30 } })
    expect(updated.protections).toEqual({ maxPositionNotional: 100_000, maxOpenOrders: 7, maxOrdersPerMinute: 30, maxDailyLoss: 50, stopLossCooldownMs: 0 })
    const enforced = async () => ProtectionsState.parse(await ok(s, 'protections')).accounts[b.account]
    expect(await enforced()).toEqual(updated.protections)

    // null on a limit with a default puts the default back.
    const reset = await ok<{ protections: Record<string, unknown> }>(s, 'updateBot', { id: b.id, protections: { maxOpenOrders: null } })
    expect(reset.protections).toEqual({ maxPositionNotional: 100_000, maxOpenOrders: 20, maxOrdersPerMinute: 30, maxDailyLoss: 50, stopLossCooldownMs: 0 })

    const bad = await s.call('updateBot', { id: b.id, protections: { maxDrawdownPercent: 150 } })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/maxDrawdownPercent/)
    const unknown = await s.call('updateBot', { id: b.id, protections: { maxDrawdown: null } })
    expect(unknown.status).toBe(400)

    const pid = await workerPid(s, 'strategy')
    process.kill(pid, 'SIGKILL')
    await waitUntil('the strategy worker back', async () => {
      const w = (await health(s)).workers.find((x) => x.name === 'strategy')
      return w?.state === 'running' && w.pid !== pid
    }, 20_000, 100)
    const after = await bot(s, b.id)
    expect(after.protections).toEqual(reset.protections)
    expect('maxDrawdownPercent' in after.protections).toBe(false)
    await ok(s, 'startBot', { id: b.id }) // starting pushes the bot's protections to execution again
    expect(await enforced()).toEqual(reset.protections)
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
