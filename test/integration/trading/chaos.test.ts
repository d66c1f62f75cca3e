import { describe, expect, it } from 'vitest'
import type { PlaceOrderInput } from '../../../src/shared/trading'
import { stopProcess, waitFor } from '../../support/processes'
import { allOrders, byClientOrderId, health, mids, ok, orderFor, prng, inspectTradingDb, servePerTest, sleep, type ApiError } from './helpers'

// The promise of the paper exchange, tested the hard way: a real `keel serve`, a stream of
// orders from many concurrent clients, and the execution worker SIGKILLed at random moments.
// Afterwards every acknowledged order exists exactly once and the ledger is sound.

const MIN_ORDERS = 2_000
const MIN_KILLS = 10
const CONCURRENCY = 24
/** Every OVERSIZED-th order asks for far more than the account holds: it must be refused (422). */
const OVERSIZED = 40
const SEED = Number(process.env.KEEL_CHAOS_SEED ?? 1729)

type Outcome = { kind: 'order'; id: string } | { kind: 'rejected'; status: number; message: string } | { kind: 'failed'; detail: string }

const server = servePerTest('keel-chaos-')

describe('chaos: the execution worker SIGKILLed under a stream of orders', () => {
  it('answers every order, loses none, doubles none, and keeps the ledger sound', async () => {
    // Ten kills in seconds would trip the default restart intensity (5 in 60 s) and halt trading
    // by design (tested in test/integration/foundation); here the worker must always come back.
    const s = await server.start(['BTC/USDT', 'ETH/USDT'], ['--max-restarts', '1000'])
    await ok(s, 'resetAccount', { balances: { USDT: 50_000_000, BTC: 200, ETH: 4_000 } })
    const mid = await mids(s, ['BTC/USDT', 'ETH/USDT'])

    const orderAt = (i: number): PlaceOrderInput & { clientOrderId: string } => {
      const order = orderFor(i, `chaos-${SEED}-`, mid, prng(SEED * 100_003 + i))
      if (i % OVERSIZED !== OVERSIZED - 1) return order
      return { clientOrderId: order.clientOrderId, symbol: order.symbol, side: 'buy', type: 'limit', amount: 100_000, price: Math.round(mid[order.symbol]! / 2) }
    }

    const outcomes = new Map<string, Outcome>()
    let next = 0
    let inFlight = 0
    let kills = 0
    const started = Date.now()
    const log = (what: string) => console.log(`chaos +${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`)
    const deadline = Date.now() + 90_000
    const done = () => (next >= MIN_ORDERS && kills >= MIN_KILLS) || Date.now() > deadline

    /** One client request, sent once: a crash must show as a delay, never as an error. */
    const place = async (order: PlaceOrderInput): Promise<Outcome> => {
      let status: number
      let body: unknown
      try {
        ;({ status, body } = await s.call('placeOrder', order))
      } catch (err) {
        return { kind: 'failed', detail: `network: ${String(err)}` }
      }
      if (status === 200) return { kind: 'order', id: (body as { id: string }).id }
      const error = (body as ApiError).error
      if (status >= 400 && status < 500) return { kind: 'rejected', status, message: error.message }
      return { kind: 'failed', detail: `${status} ${JSON.stringify(body)}` }
    }

    const client = async (): Promise<void> => {
      while (!done()) {
        const order = orderAt(next++)
        inFlight++
        outcomes.set(order.clientOrderId, await place(order))
        inFlight--
      }
    }

    const killer = async (): Promise<void> => {
      const rand = prng(SEED)
      while (!done()) {
        await sleep(250 + rand() * 700)
        const execution = (await health(s)).workers.find((w) => w.name === 'execution')!
        if (execution.state !== 'running' || !execution.pid || inFlight === 0) continue
        process.kill(execution.pid, 'SIGKILL')
        kills++
        log(`kill ${kills} (pid ${execution.pid}, ${inFlight} requests in flight, ${next} sent)`)
        await waitFor('execution restarted', async () => {
          const w = (await health(s)).workers.find((x) => x.name === 'execution')!
          return w.state === 'running' && w.pid !== execution.pid
        }, 20_000)
      }
    }

    await Promise.all([killer(), ...Array.from({ length: CONCURRENCY }, client)])

    const failures = [...outcomes].filter(([, o]) => o.kind === 'failed')
    const unexpected = [...outcomes].filter(([cid, o]) => o.kind === 'rejected' && !isOversized(cid))
    const oversized = [...outcomes].filter(([cid]) => isOversized(cid))
    const acked = new Map([...outcomes].flatMap(([cid, o]) => (o.kind === 'order' ? [[cid, o.id] as const] : [])))
    log(`${outcomes.size} orders, ${acked.size} acknowledged, ${kills} kills`)

    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS)
    expect(outcomes.size).toBeGreaterThanOrEqual(MIN_ORDERS)
    expect(failures.slice(0, 5)).toEqual([])
    expect(unexpected.slice(0, 5)).toEqual([])
    for (const [, o] of oversized) expect(o).toMatchObject({ kind: 'rejected', status: 422, message: expect.stringContaining('insufficient balance') })

    // Exactly once: every acknowledged order is listed once with the id it was acknowledged with,
    // and nothing else exists (every request was answered, refusals create no order).
    const listed = await allOrders(s)
    const grouped = byClientOrderId(listed)
    const lost = [...acked.keys()].filter((cid) => !grouped.has(cid))
    const doubled = [...grouped].filter(([, os]) => os.length > 1).map(([cid]) => cid)
    const wrongId = [...acked].filter(([cid, id]) => grouped.get(cid)?.[0]?.id !== id)
    const phantom = listed.filter((o) => !acked.has(o.clientOrderId)).map((o) => o.clientOrderId)
    log(`${listed.length} orders listed; lost ${lost.length}, doubled ${doubled.length}, wrong id ${wrongId.length}, phantom ${phantom.length}`)
    expect({ lost, doubled, wrongId: wrongId.slice(0, 5), phantom: phantom.slice(0, 5) }).toEqual({ lost: [], doubled: [], wrongId: [], phantom: [] })
    expect(new Set(listed.map((o) => o.id)).size).toBe(listed.length)

    // Re-sending any acknowledged clientOrderId answers the same order, never a second one.
    const resend = [...acked]
    const mismatches: string[] = []
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let entry = resend.pop(); entry; entry = resend.pop()) {
          const [cid, id] = entry
          const { status, body } = await s.call('placeOrder', orderAt(Number(cid.slice(cid.lastIndexOf('-') + 1))))
          if (status !== 200 || (body as { id: string }).id !== id) mismatches.push(`${cid}: ${status} ${JSON.stringify(body).slice(0, 200)}`)
        }
      })
    )
    expect(mismatches.slice(0, 5)).toEqual([])
    expect((await allOrders(s)).length).toBe(listed.length)

    // The ledger, read straight from the database once the server is gone.
    expect(await stopProcess(s.child, 'SIGTERM')).toBe(0)
    server.gone()
    expect(inspectTradingDb(server.dataDir)).toEqual({ integrity: 'ok', invariantViolations: [] })
  }, 180_000)
})

function isOversized(clientOrderId: string): boolean {
  return Number(clientOrderId.slice(clientOrderId.lastIndexOf('-') + 1)) % OVERSIZED === OVERSIZED - 1
}
