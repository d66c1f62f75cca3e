import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import { isAlive, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 8.1: a flood of connections, with or without a token, never makes the host exit.
// The host runs under `ulimit -n 1024`, where 1,100 idle sockets used to exhaust its
// descriptors and the health timer's EMFILE ended it with every worker.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined
const sockets: Socket[] = []

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  dir?.remove()
})

async function startLimited(): Promise<ServeProcess> {
  dir = tempDir()
  serve = await startServe(dir.path, [], { fdLimit: 1024 })
  await waitFor('all workers running', async () => HealthReport.parse((await serve!.call('health')).body).workers.every((w) => w.state === 'running'), 20_000)
  return serve
}

async function workerPids(s: ServeProcess): Promise<number[]> {
  return HealthReport.parse((await s.call('health')).body).workers.map((w) => w.pid ?? -1)
}

function openIdle(origin: string, count: number): Promise<void> {
  const { hostname, port } = new URL(origin)
  let settled = 0
  return new Promise((resolve) => {
    for (let i = 0; i < count; i++) {
      const socket = connect({ host: hostname, port: Number(port) })
      socket.resume() // read, so the host's close is seen
      socket.on('error', () => {})
      sockets.push(socket)
      const done = (): void => {
        settled += 1
        if (settled === count) resolve()
      }
      socket.once('connect', done)
      socket.once('error', done)
    }
  })
}

describe('connection flood', () => {
  it('1,100 idle TCP connections under ulimit -n 1024: the host stays up and answers afterwards', async () => {
    const s = await startLimited()
    const pids = await workerPids(s)
    await openIdle(s.origin, 1_100)
    // Hold the flood across several health-timer ticks (the timer that used to throw EMFILE).
    await new Promise((r) => setTimeout(r, 3_000))
    expect(isAlive(s.child.pid!)).toBe(true)
    for (const sock of sockets.splice(0)) sock.destroy()
    const report = await waitFor(
      'health answered after the flood',
      async () => {
        const res = await s.call('health').catch(() => undefined)
        return res?.status === 200 ? HealthReport.parse(res.body) : undefined
      },
      20_000,
      200
    )
    expect(isAlive(s.child.pid!)).toBe(true)
    expect(report.workers.every((w) => w.state === 'running')).toBe(true)
    // No worker was lost with the flood.
    expect(report.workers.map((w) => w.pid ?? -1)).toEqual(pids)
  })

  it('idle sockets are closed by the host within seconds', async () => {
    const s = await startLimited()
    await openIdle(s.origin, 50)
    const open = sockets.filter((x) => !x.destroyed)
    expect(open.length).toBe(50)
    await waitFor('the host to close every idle socket', () => open.every((x) => x.closed), 20_000, 100)
  })

  it('1,000 concurrent health calls under ulimit -n 1024 get 200 or 503, never 500', async () => {
    const s = await startLimited()
    const statuses = await Promise.all(
      Array.from({ length: 1_000 }, () =>
        s.call('health').then(
          (r) => r.status,
          () => 0 // the connection was refused at the socket cap: no HTTP status at all
        )
      )
    )
    const counts = new Map<number, number>()
    for (const st of statuses) counts.set(st, (counts.get(st) ?? 0) + 1)
    expect([...counts.keys()].filter((st) => st !== 200 && st !== 503 && st !== 0)).toEqual([])
    expect(counts.get(200) ?? 0).toBeGreaterThan(0)
    expect(isAlive(s.child.pid!)).toBe(true)
    expect((await s.call('health')).status).toBe(200)
  })
})
