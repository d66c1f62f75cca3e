import { expect } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import type { StorageHealth } from '../../../src/shared/storage'
import { Order } from '../../../src/shared/trading'
import { waitFor, type ServeProcess } from '../../support/processes'
import { cents, mids, ok } from '../trading/helpers'

// Shared by the storage tests (servePerTest in ../trading/helpers runs the `keel serve` they damage between runs).

export async function health(serve: ServeProcess): Promise<HealthReport> {
  return HealthReport.parse((await serve.call('health')).body)
}

export async function tradingStorage(serve: ServeProcess): Promise<StorageHealth> {
  return waitFor('a trading storage report in health', async () => (await health(serve)).storage?.find((s) => s.database === 'trading'), 15_000)
}

export async function executionRestarts(serve: ServeProcess): Promise<number> {
  return (await health(serve)).workers.find((w) => w.name === 'execution')!.restarts
}

/** Places `count` resting limit orders far from the market (nothing fills); returns their ids. */
export async function placeResting(serve: ServeProcess, prefix: string, count: number): Promise<string[]> {
  const mid = (await mids(serve, ['BTC/USDT']))['BTC/USDT']!
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const clientOrderId = `${prefix}${i}`
    const order = Order.parse(await ok(serve, 'placeOrder', { clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.0005, price: cents(mid * 0.5) }))
    if (order.clientOrderId !== clientOrderId) throw new Error(`acknowledged ${order.clientOrderId} for ${clientOrderId}`)
    ids.push(clientOrderId)
  }
  return ids
}

export async function clientOrderIds(serve: ServeProcess): Promise<Set<string>> {
  const ids = new Set<string>()
  let cursor: string | undefined
  do {
    const page = await ok<{ orders: unknown[]; nextCursor?: string }>(serve, 'listOrders', { status: 'all', limit: 1000, ...(cursor ? { cursor } : {}) })
    for (const o of page.orders) ids.add(Order.parse(o).clientOrderId)
    cursor = page.nextCursor
  } while (cursor)
  return ids
}

export interface Answer {
  status: number
  code?: string
  message?: string
}

/**
 * Resting BTC/USDT buys numbered `<prefix>-<n>`, keeping which were acknowledged: the disk-failure
 * tests place them while the disk refuses writes and check none of the acknowledged ones is lost.
 */
export async function orderTally(serve: ServeProcess, prefix: string) {
  const mid = (await mids(serve, ['BTC/USDT']))['BTC/USDT']!
  let n = 0
  const acked: string[] = []
  const place = async (): Promise<Answer> => {
    const clientOrderId = `${prefix}-${n++}`
    const { status, body } = await serve.call('placeOrder', { clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.0005, price: cents(mid * 0.5) })
    if (status === 200) acked.push(clientOrderId)
    const error = (body as { error?: { code: string; message: string } }).error
    return { status, code: error?.code, message: error?.message }
  }
  return {
    acked,
    place,
    /** Once the disk takes writes again: orders are accepted by themselves, health turns ok, no acknowledged order is missing. */
    async expectRecovered(): Promise<void> {
      await waitFor('an order accepted again', async () => (await place()).status === 200, 20_000, 200)
      await waitFor('health ok again', async () => (await tradingStorage(serve)).state === 'ok', 10_000)
      const ids = await clientOrderIds(serve)
      expect(acked.filter((id) => !ids.has(id))).toEqual([])
    }
  }
}
