import { describe, expect, it } from 'vitest'
import type { Balance, Order, PlaceOrderInput } from '../../../src/shared/trading'
import { isAlive, waitFor } from '../../support/processes'
import { allOrders, byClientOrderId, cents, mids, ok, processTree, prng, inspectTradingDb, servePerTest, sleep } from './helpers'

// A power-cut-like end for the whole app: host and every worker SIGKILLed at once while orders
// stream in. What was acknowledged must be on disk, the file sound, the money where it was.

const SYMBOLS = ['BTC/USDT', 'ETH/USDT']
const START_BALANCES = { USDT: 10_000_000, BTC: 100, ETH: 1_000 }
const FEE = 0.001 // the demo market's maker = taker rate: a resting buy locks price × amount × (1 + fee)

const server = servePerTest('keel-kill-tree-')

describe('SIGKILL of the whole process tree mid-stream', () => {
  it('restarts on the same data dir with a sound file, every acknowledged order and the same balances', async () => {
    let s = await server.start(SYMBOLS)
    await ok(s, 'resetAccount', { balances: START_BALANCES })
    const mid = await mids(s, SYMBOLS)
    // Only resting limits far from the market: nothing fills, so every balance is exact.
    const orderAt = (i: number): PlaceOrderInput & { clientOrderId: string } => {
      const rand = prng(7_919 * i + 1)
      const symbol = SYMBOLS[i % 2]!
      const side = rand() < 0.5 ? 'buy' : 'sell'
      const price = cents(mid[symbol]! * (side === 'buy' ? 0.6 + rand() * 0.1 : 1.3 + rand() * 0.1))
      return { clientOrderId: `tree-${i}`, symbol, side, type: 'limit', amount: symbol === 'BTC/USDT' ? 0.001 : 0.02, price }
    }

    const acked = new Map<string, Order>()
    const sent = new Set<string>()
    let next = 0
    let inFlight = 0
    let killed = false
    const client = async (until: () => boolean): Promise<void> => {
      while (!until()) {
        const order = orderAt(next++)
        sent.add(order.clientOrderId)
        inFlight++
        try {
          const { status, body } = await s.call('placeOrder', order)
          if (status !== 200) throw new Error(`${order.clientOrderId}: ${status} ${JSON.stringify(body)}`)
          acked.set(order.clientOrderId, body as Order)
        } catch (err) {
          if (!killed) throw err // after the kill, unanswered requests are expected
        } finally {
          inFlight--
        }
      }
    }

    // Before: 300 acknowledged orders and the balances they leave, measured at rest.
    await Promise.all(Array.from({ length: 16 }, () => client(() => next >= 300)))
    const before = await ok<Balance[]>(s, 'balances')

    // Then a stream from 24 clients, and the whole tree killed at a random moment inside it.
    const stream = Promise.all(Array.from({ length: 24 }, () => client(() => killed)))
    await sleep(300 + prng(Date.now())() * 700)
    const tree = processTree(s.child.pid!)
    await waitFor('requests in flight', () => inFlight > 0, 10_000, 1)
    killed = true
    for (const pid of tree) process.kill(pid, 'SIGKILL')
    await stream
    await waitFor('every process of the tree to be gone', () => tree.every((pid) => !isAlive(pid)), 10_000)
    server.gone()
    expect(tree.length).toBeGreaterThanOrEqual(5) // host + four workers (+ the warm standby)
    expect(acked.size).toBeGreaterThan(300)

    // The file as the kill left it.
    expect(inspectTradingDb(server.dataDir)).toEqual({ integrity: 'ok', invariantViolations: [] })

    s = await server.start(SYMBOLS)
    const listed = await allOrders(s)
    const grouped = byClientOrderId(listed)
    const lost = [...acked.keys()].filter((cid) => !grouped.has(cid))
    const changed = [...acked].filter(([cid, o]) => JSON.stringify(grouped.get(cid)?.[0]) !== JSON.stringify(o)).map(([cid]) => cid)
    const doubled = [...grouped].filter(([, os]) => os.length > 1).map(([cid]) => cid)
    // Journaled but not yet acknowledged when the kill came is fine (at-least-once); never sent is not.
    const phantom = listed.filter((o) => !sent.has(o.clientOrderId)).map((o) => o.clientOrderId)
    console.log(`kill-tree: ${tree.length} processes killed; ${sent.size} sent, ${acked.size} acknowledged, ${listed.length} on disk after restart`)
    expect({ lost, changed, doubled, phantom }).toEqual({ lost: [], changed: [], doubled: [], phantom: [] })
    expect(listed.every((o) => o.status === 'open')).toBe(true)

    // Balances: as before the stream, minus exactly what the orders placed since lock.
    const after = await ok<Balance[]>(s, 'balances')
    const locks: Record<string, number> = {}
    for (const o of listed.filter((x) => Number(x.clientOrderId.slice(5)) >= 300)) {
      const [base, quote] = o.symbol.split('/') as [string, string]
      const [asset, amount] = o.side === 'buy' ? [quote, o.amount * o.price! * (1 + FEE)] : [base, o.amount]
      locks[asset] = (locks[asset] ?? 0) + amount
    }
    for (const b of before) {
      const a = after.find((x) => x.asset === b.asset)!
      const lock = locks[b.asset] ?? 0
      expect(a.total).toBe(b.total)
      expect(a.locked).toBeCloseTo(b.locked + lock, 6)
      expect(a.free).toBeCloseTo(b.free - lock, 6)
    }
    expect(Object.fromEntries(after.map((b) => [b.asset, b.total]))).toEqual(START_BALANCES)
  }, 90_000)
})
