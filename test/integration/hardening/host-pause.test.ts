import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 8.3: a worker's silence is judged over the host's own running time. Pausing the host
// (SIGSTOP, Ctrl-Z of the whole group, a laptop suspend) kills no healthy worker; a real
// worker freeze is still healed. One server for all: each pause test compares the workers with
// their state just before it (none may be restarted), and the real freeze comes last.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined
let groupStopped = false

/** A test that failed mid-pause leaves nothing stopped. */
function resume(): void {
  if (!serve) return
  if (groupStopped) process.kill(-serve.child.pid!, 'SIGCONT')
  process.kill(serve.child.pid!, 'SIGCONT')
  groupStopped = false
}

// Its own process group, so the group pause reaches the host and every worker.
beforeAll(async () => {
  await start(true)
})
afterEach(resume)
afterAll(async () => {
  resume()
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  dir?.remove()
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function health(s: ServeProcess): Promise<HealthReport> {
  return HealthReport.parse((await s.call('health')).body)
}

async function start(detached = false): Promise<ServeProcess> {
  dir = tempDir()
  serve = await startServe(dir.path, [], { detached })
  await waitFor('all workers running', async () => (await health(serve!)).workers.every((w) => w.state === 'running'), 20_000)
  return serve
}

/** The same workers, none restarted, nothing recorded as a crash or freeze. */
async function expectUntouched(s: ServeProcess, before: HealthReport): Promise<void> {
  // Long enough after the resume for a wrongly armed freeze verdict to have fired.
  await sleep(3_000)
  const after = await health(s)
  expect(after.crashes).toEqual([])
  expect(after.workers.map((w) => [w.name, w.pid, w.state, w.restarts])).toEqual(before.workers.map((w) => [w.name, w.pid, 'running', 0]))
}

describe('host pauses', () => {
  it('SIGSTOP of the host for 5 s kills no worker', async () => {
    const s = serve!
    const before = await health(s)
    process.kill(s.child.pid!, 'SIGSTOP')
    await sleep(5_000)
    process.kill(s.child.pid!, 'SIGCONT')
    await expectUntouched(s, before)
  })

  it('SIGSTOP of the whole process group for 5 s kills no worker', async () => {
    const s = serve!
    const before = await health(s)
    process.kill(-s.child.pid!, 'SIGSTOP')
    groupStopped = true
    await sleep(5_000)
    process.kill(-s.child.pid!, 'SIGCONT')
    groupStopped = false
    await expectUntouched(s, before)
  })

  it('six 2.5 s host pauses open no circuit and kill no worker', async () => {
    const s = serve!
    const before = await health(s)
    for (let i = 0; i < 6; i++) {
      process.kill(s.child.pid!, 'SIGSTOP')
      await sleep(2_500)
      process.kill(s.child.pid!, 'SIGCONT')
      await sleep(500)
    }
    await expectUntouched(s, before)
  })

  it('a real worker freeze is still healed (SIGKILLed as frozen, back running)', async () => {
    const s = serve!
    const market = (await health(s)).workers.find((w) => w.name === 'market')!
    const stoppedAt = Date.now()
    process.kill(market.pid!, 'SIGSTOP')
    const healed = await waitFor(
      'market restarted after its freeze',
      async () => {
        const w = (await health(s)).workers.find((x) => x.name === 'market')
        return w?.state === 'running' && w.pid !== market.pid ? w : undefined
      },
      15_000,
      20
    )
    const report = await health(s)
    expect(report.crashes.map((c) => [c.worker, c.kind, c.signal])).toEqual([['market', 'freeze', 'SIGKILL']])
    expect(healed.restarts).toBe(1)
    // Printed, not asserted (timings depend on the machine's load): the issue asks for ≤ 2.5 s.
    console.log(`freeze healed ${Date.now() - stoppedAt} ms after SIGSTOP`)
  })
})
