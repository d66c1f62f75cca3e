import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { HealthReport } from '../../../src/shared/health'
import { isAlive, startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// `keel serve` as a user runs it: a real process, real HTTP and WebSocket, real workers.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined

async function start(): Promise<ServeProcess> {
  dir = tempDir()
  serve = await startServe(dir.path)
  await waitFor('all workers running', async () => {
    const { body } = await serve!.call('health')
    return HealthReport.parse(body).workers.every((w) => w.state === 'running')
  })
  return serve
}

async function workerPids(s: ServeProcess): Promise<number[]> {
  const { body } = await s.call('health')
  return HealthReport.parse(body).workers.map((w) => w.pid ?? -1)
}

afterEach(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  dir?.remove()
})

describe('keel serve', () => {
  it('prints one URL line that carries the token and binds loopback', async () => {
    const s = await start()
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=test-token-0123456789$/)
  })

  it('answers health with the documented shape', async () => {
    const s = await start()
    const { status, body } = await s.call('health')
    expect(status).toBe(200)
    const report = HealthReport.parse(body)
    expect(report.workers.map((w) => w.name).sort()).toEqual(['ai', 'execution', 'market', 'strategy'])
    expect(report.host.mode).toBe('headless')
    for (const w of report.workers) {
      expect(w.pid).toBeGreaterThan(0)
      expect(w.lastHeartbeatAgeMs).not.toBeNull()
      expect(w.rssBytes).toBeGreaterThan(0)
    }
  })

  it('rejects bad requests with a 4xx and a clear error body', async () => {
    const s = await start()
    expect(await s.call('health', {}, 'wrong-token')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } })
    expect(await s.call('noSuchMethod')).toMatchObject({ status: 404, body: { error: { code: 'unknown_method' } } })
    expect(await s.call('health', '{not json')).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'request body is not valid JSON' } } })
    const bad = await s.call('restartWorker', { name: 'nobody' })
    expect(bad.status).toBe(400)
    expect((bad.body as { error: { message: string } }).error.message).toContain('name')
    const res = await fetch(`${s.origin}/api/health`, { headers: { Authorization: `Bearer ${s.token}` } })
    expect(res.status).toBe(405)
  })

  it('pushes health events over an authenticated WebSocket only', async () => {
    const s = await start()
    const wsUrl = `${s.origin.replace('http', 'ws')}/ws`
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl)
      ws.on('open', () => resolve('open'))
      ws.on('error', (err) => resolve(err.message))
    })
    expect(refused).toContain('401')
    const ws = new WebSocket(`${wsUrl}?token=${s.token}`)
    // Events come per frame, as a list; wait for one that carries health.
    const frame = await new Promise<{ event: string; payload: unknown }>((resolve, reject) => {
      ws.on('message', (data) => {
        const health = (JSON.parse(String(data)) as Array<{ event: string; payload: unknown }>).find((f) => f.event === 'health')
        if (health) resolve(health)
      })
      ws.on('error', reject)
    })
    ws.close()
    expect(HealthReport.safeParse(frame.payload).success).toBe(true)
  })

  it('heals a worker killed by hand and shows it in health', async () => {
    const s = await start()
    const [execPid] = await workerPids(s)
    process.kill(execPid!, 'SIGKILL')
    await waitFor('execution restarted', async () => {
      const report = HealthReport.parse((await s.call('health')).body)
      const w = report.workers.find((x) => x.name === 'execution')
      return w?.state === 'running' && w.restarts === 1 && report.crashes.length === 1
    })
  })

  it('stops cleanly on SIGTERM with no worker left behind', async () => {
    const s = await start()
    const pids = await workerPids(s)
    const code = await stopProcess(s.child, 'SIGTERM')
    expect(code).toBe(0)
    for (const pid of pids) expect(isAlive(pid)).toBe(false)
  })

  it('leaves no orphan when the host itself is SIGKILLed', async () => {
    const s = await start()
    const pids = await workerPids(s)
    await stopProcess(s.child, 'SIGKILL')
    await waitFor('every worker to exit', () => pids.every((pid) => !isAlive(pid)), 5_000)
  })

  it('refuses to start on a bad flag with a usage message', async () => {
    const { spawnSync } = await import('node:child_process')
    const { CLI } = await import('../../support/processes')
    const result = spawnSync(process.execPath, [CLI, 'serve', '--port', 'abc'], { encoding: 'utf8' })
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('--port must be an integer')
    expect(result.stderr).toContain('Usage: keel serve')
  })
})
