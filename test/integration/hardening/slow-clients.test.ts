import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { HealthReport } from '../../../src/shared/health'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 8.6: event clients that stop reading cost the host bounded memory. 20 such clients
// while 20,000 orders stream (past what the kernel's socket buffers absorb): their queues
// overflow, each is told to resync when it reads again, and the host carries on. Host RSS is
// printed, not asserted (memory belongs in bench/; the queue caps are proven exactly in
// test/unit/foundation/client-fanout-resync.test.ts).

const CLIENTS = 20
const ORDERS = 20_000
const CONCURRENCY = 16

let serve: ServeProcess
const dir = tempDir()

beforeAll(async () => {
  serve = await startServe(dir.path)
  await waitFor('all workers running', async () => HealthReport.parse((await serve.call('health')).body).workers.every((w) => w.state === 'running'), 20_000)
})

afterAll(async () => {
  await stopProcess(serve.child, 'SIGKILL')
  dir.remove()
})

function rssMiB(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  return kb / 1024
}

interface SlowClient {
  ws: WebSocket
  events: string[]
  resume(): void
}

async function slowClient(): Promise<SlowClient> {
  const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/ws?token=${serve.token}`)
  const events: string[] = []
  ws.on('message', (data) => {
    for (const frame of JSON.parse(String(data)) as Array<{ event: string }>) events.push(frame.event)
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  // Stop reading: the socket's data stays in the kernel and in the host's buffers.
  const socket = (ws as unknown as { _socket: Socket })._socket
  socket.pause()
  return { ws, events, resume: () => socket.resume() }
}

describe('slow event clients', () => {
  it(`${CLIENTS} non-reading clients while ${ORDERS} orders stream: the host carries on, a client reading again gets resync`, async () => {
    const reset = await serve.call('resetAccount', { account: 'default', balances: { USDT: 1e9 } })
    expect(reset.status).toBe(200)
    let peak = 0
    const stream = async (count: number): Promise<number> => {
      let next = 0
      let acked = 0
      const lane = async (): Promise<void> => {
        while (next < count) {
          const i = next++
          // Each resting order is an orderUpdated and a balanceChanged event for every client.
          const { status } = await serve.call('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.01, price: 1_000 + (i % 500) })
          if (status === 200) acked += 1
          if (i % 500 === 0) peak = Math.max(peak, rssMiB(serve.child.pid!))
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, lane))
      return acked
    }
    // Warm up first, so the baseline includes the heap an order stream needs without slow clients.
    await stream(1_000)
    const baseline = rssMiB(serve.child.pid!)
    const clients = await Promise.all(Array.from({ length: CLIENTS }, slowClient))
    peak = baseline
    expect(await stream(ORDERS)).toBe(ORDERS)
    peak = Math.max(peak, rssMiB(serve.child.pid!))
    // Each order is several events per client: without caps the host holds every one of them for
    // every client, and the unread socket buffers; with them, a few MiB per client.
    console.log(`host RSS: baseline ${baseline.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB`)

    // A client that reads again is told it missed events.
    const [first] = clients
    first!.resume()
    await waitFor('a resync event for the slow client', () => first!.events.includes('resync'), 30_000, 100)

    for (const c of clients) c.ws.terminate()
    const health = HealthReport.parse((await serve.call('health')).body)
    // The workers that restarted or are not running, whole, so a failure shows which and why.
    expect(health.workers.filter((w) => w.state !== 'running' || w.restarts !== 0)).toEqual([])
    await new Promise((r) => setTimeout(r, 3_000))
    console.log(`host RSS 3 s after the clients left: ${rssMiB(serve.child.pid!).toFixed(0)} MiB`)
  }, 150_000)
})
