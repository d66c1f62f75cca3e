import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startServe, stopProcess, type ServeProcess } from '../test/support/processes'
import { sleep } from './stats'

/**
 * Host memory under WebSocket clients that stop reading (issue 8.6), split so a leak can be told
 * from memory the process keeps but does not use: RSS from /proc, V8's used and reserved heap
 * and external memory from the host's own /metrics. Phases: after a warm-up stream with no
 * clients (baseline); after the same stream again with no clients (control: what a stream alone
 * leaves behind); with 20 non-reading clients during a stream (peak); then 3 s and 15 s after
 * they disconnect, and once more after a full GC (the host runs with --heapsnapshot-signal: a
 * heap snapshot collects garbage first, so used heap after it is what is really retained).
 */

const CLIENTS = 20
const ORDERS = Number(process.env.KEEL_BENCH_ORDERS ?? 20_000)
const CONCURRENCY = 16

interface Memory {
  rssMiB: number
  heapUsedMiB: number
  heapTotalMiB: number
  externalMiB: number
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10

async function memory(serve: ServeProcess): Promise<Memory> {
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${serve.child.pid}/status`, 'utf8'))?.[1])
  const res = await fetch(`${serve.origin}/metrics`, { headers: { authorization: `Bearer ${serve.token}` } })
  const text = await res.text()
  const gauge = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
  return {
    rssMiB: mib(kb * 1024),
    heapUsedMiB: mib(gauge('keel_host_heap_used_bytes')),
    heapTotalMiB: mib(gauge('keel_host_heap_total_bytes')),
    externalMiB: mib(gauge('keel_host_external_bytes'))
  }
}

async function stream(serve: ServeProcess, count: number): Promise<number> {
  let next = 0
  let acked = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++
        const { status } = await serve.call('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.01, price: 1_000 + (i % 500) })
        if (status === 200) acked += 1
      }
    })
  )
  return acked
}

async function nonReadingClient(serve: ServeProcess): Promise<WebSocket> {
  const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/ws?token=${serve.token}`)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  ;(ws as unknown as { _socket: Socket })._socket.pause()
  return ws
}

/** Asks the host for a heap snapshot (a full GC happens first) and reads memory once it is written. */
async function afterSnapshot(serve: ServeProcess, folder: string): Promise<Memory> {
  serve.child.kill('SIGUSR2')
  let size = -1
  for (;;) {
    await sleep(500)
    const file = readdirSync(folder).find((f) => f.endsWith('.heapsnapshot'))
    const now = file ? statSync(join(folder, file)).size : -1
    if (now > 0 && now === size) break
    size = now
  }
  return memory(serve)
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-slow-'))
  const snapshots = join(dir, 'snapshots')
  mkdirSync(snapshots)
  const serve = await startServe(join(dir, 'data'), [], {
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshots}` }
  })
  try {
    await sleep(2_000) // workers up, demo feed flowing
    await serve.call('resetAccount', { account: 'default', balances: { USDT: 1e12 } })
    await stream(serve, 1_000)
    const baseline = await memory(serve)
    await stream(serve, ORDERS)
    await sleep(3_000)
    const control = await memory(serve)
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => nonReadingClient(serve)))
    let peak = await memory(serve)
    const sampler = setInterval(() => void memory(serve).then((m) => (peak = m.rssMiB > peak.rssMiB ? m : peak)), 500)
    const acked = await stream(serve, ORDERS)
    clearInterval(sampler)
    const during = await memory(serve)
    for (const c of clients) c.terminate()
    await sleep(3_000)
    const after3s = await memory(serve)
    await sleep(12_000)
    const after15s = await memory(serve)
    const afterFullGc = await afterSnapshot(serve, snapshots)
    return {
      clients: CLIENTS,
      ordersPerPhase: ORDERS,
      ackedWithSlowClients: acked,
      baseline,
      controlAfterStreamWithoutClients: control,
      peakWithSlowClients: peak,
      endOfStreamWithSlowClients: during,
      after3s,
      after15s,
      afterFullGc
    }
  } finally {
    await stopProcess(serve.child, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}
