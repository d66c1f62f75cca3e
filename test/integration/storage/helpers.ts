import { afterEach } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import type { StorageHealth } from '../../../src/shared/storage'
import { Order } from '../../../src/shared/trading'
import { isAlive, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { cents, mids, ok, processTree, waitAllRunning, waitTradable } from '../trading/helpers'

// Shared by the storage tests: a real `keel serve` on a data dir the test damages between runs.

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

/** Every process of the tree SIGKILLed at once: nothing gets to checkpoint or clean up. */
export async function killTree(serve: ServeProcess): Promise<void> {
  const tree = processTree(serve.child.pid!)
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await waitFor('the whole tree to be gone', () => tree.every((pid) => !isAlive(pid)), 10_000)
}

/** A serve on one data dir that a test stops, damages and starts again. */
export function serveOnOneDir(prefix: string) {
  let dir: ReturnType<typeof tempDir> | undefined
  let serve: ServeProcess | undefined
  afterEach(async () => {
    if (serve) await stopProcess(serve.child, 'SIGKILL')
    serve = undefined
    dir?.remove()
    dir = undefined
  })
  return {
    get dataDir(): string {
      dir ??= tempDir(prefix)
      return dir.path
    },
    /** Starts and waits for every worker; with `tradable`, until BTC/USDT can be traded. */
    async start(tradable: boolean): Promise<ServeProcess> {
      serve = await startServe(this.dataDir)
      await waitAllRunning(serve)
      if (tradable) await waitTradable(serve, ['BTC/USDT'])
      return serve
    },
    async stop(how: 'clean' | 'kill-tree'): Promise<void> {
      if (!serve) return
      if (how === 'clean') await stopProcess(serve.child, 'SIGTERM')
      else await killTree(serve)
      serve = undefined
    }
  }
}
