import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../support/processes'
import { health, servePerTest, sleep, workerPid } from '../trading/helpers'
import { bot, createBot, strategy, waitBot, writeStrategy } from './helpers'

// The strategy worker SIGKILLed three times while its bots trade. The bots resume on their
// own; trading.db shows no order doubled: each bot alternates buy (when flat) and sell (when
// long) by the position execution reports, so a doubled order would show as two buys (or two
// sells) in a row, and a reused clientOrderId as two rows.

const FLIP = `import { defineStrategy } from 'keel/strategy'
export default defineStrategy({
  name: 'Flip',
  params: { amount: { type: 'float', default: 0.001, min: 0 } },
  async onTick(ctx) {
    const held = ctx.position.amount
    if (held > 0) await ctx.order({ symbol: ctx.symbol, side: 'sell', type: 'market', amount: held })
    else await ctx.order({ symbol: ctx.symbol, side: 'buy', type: 'market', amount: ctx.params.amount as number })
  }
})
`

const server = servePerTest('keel-strategy-kill-')

describe('SIGKILL of the strategy worker mid-stream', () => {
  it('bots resume and no order is doubled', async () => {
    const s = await server.start(['BTC/USDT', 'ETH/USDT'])
    writeStrategy(server.dataDir, 'flip.ts', FLIP)
    await strategy(s, 'file:flip.ts', (i) => !i.error)
    const flippers = [
      await createBot(s, { name: 'flip-btc', strategy: 'file:flip.ts', symbol: 'BTC/USDT' }),
      await createBot(s, { name: 'flip-eth', strategy: 'file:flip.ts', symbol: 'ETH/USDT', params: { amount: 0.02 } }) // above the 5 USDT minimum
    ]
    for (const b of flippers) await waitBot(s, b.id, 'trading', (x) => x.orders >= 2)

    for (let kill = 1; kill <= 3; kill++) {
      const pid = await workerPid(s, 'strategy')
      await sleep(300 + kill * 400) // somewhere inside a tick's order round trip, or not
      process.kill(pid, 'SIGKILL')
      await waitFor(`strategy worker back after kill ${kill}`, async () => {
        const w = (await health(s)).workers.find((x) => x.name === 'strategy')
        return w?.state === 'running' && w.pid !== pid
      }, 20_000, 100)
      for (const b of flippers) {
        const before = (await bot(s, b.id)).orders
        await waitBot(s, b.id, `trading again after kill ${kill}`, (x) => x.state === 'running' && x.orders >= before + 2)
      }
    }
    const workers = (await health(s)).workers
    expect(workers.find((w) => w.name === 'strategy')?.restarts).toBe(3)
    expect(workers.find((w) => w.name === 'execution')?.restarts).toBe(0)

    const db = new Database(join(server.dataDir, 'trading.db'), { readonly: true, fileMustExist: true })
    try {
      for (const b of flippers) {
        const rows = db.prepare('SELECT client_order_id AS id, data FROM orders WHERE account = ? ORDER BY seq').all(b.account) as Array<{ id: string; data: string }>
        const orders = rows.map((r) => ({ clientOrderId: r.id, ...(JSON.parse(r.data) as { side: string; status: string; amount: number }) }))
        expect(orders.length).toBeGreaterThanOrEqual(8)
        expect(new Set(orders.map((o) => o.clientOrderId)).size).toBe(orders.length)
        expect(orders.every((o) => o.clientOrderId.startsWith(`${b.id}-`))).toBe(true)
        expect(orders.every((o) => o.status === 'filled')).toBe(true)
        orders.forEach((o, i) => expect(o.side, `order ${i} of ${b.name}`).toBe(i % 2 === 0 ? 'buy' : 'sell'))
      }
    } finally {
      db.close()
    }
  })
})
