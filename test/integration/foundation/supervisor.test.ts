import { afterEach, describe, expect, it } from 'vitest'
import { KeelError } from '../../../src/shared/errors'
import type { WorkerName } from '../../../src/shared/worker-protocol'
import { workerSpecs } from '../../../src/main/app-core'
import { ForkSpawner } from '../../../src/main/headless/fork-spawner'
import { DEFAULT_RESTART_POLICY } from '../../../src/main/supervisor/restart-policy'
import { Supervisor, type SupervisorOptions } from '../../../src/main/supervisor/supervisor'
import { OUT_MAIN, assertBuilt, isAlive, tempDir, waitFor } from '../../support/processes'

// Real worker processes from the build, real signals. The supervisor is the one keel serve uses.

const ALL: WorkerName[] = ['execution', 'market', 'ai', 'strategy']
let supervisor: Supervisor | undefined
let dir: ReturnType<typeof tempDir> | undefined

async function startSupervisor(options: Partial<SupervisorOptions> = {}): Promise<Supervisor> {
  assertBuilt()
  dir = tempDir()
  supervisor = new Supervisor(new ForkSpawner(), workerSpecs(OUT_MAIN), dir.path, options)
  await supervisor.start()
  return supervisor
}

function pidOf(s: Supervisor, name: WorkerName): number {
  const pid = s.health().find((w) => w.name === name)?.pid
  if (!pid) throw new Error(`${name} has no pid`)
  return pid
}

function healthOf(s: Supervisor, name: WorkerName) {
  const h = s.health().find((w) => w.name === name)
  if (!h) throw new Error(`no worker ${name}`)
  return h
}

afterEach(async () => {
  await supervisor?.stop()
  supervisor = undefined
  dir?.remove()
})

describe('supervisor with real worker processes', () => {
  it('starts every worker in dependency order and answers ping from each', async () => {
    const s = new Supervisor(new ForkSpawner(), workerSpecs((assertBuilt(), OUT_MAIN)), (dir = tempDir()).path)
    supervisor = s
    const readyOrder: string[] = []
    s.listen({ onReady: (w) => readyOrder.push(w) })
    await s.start()
    expect(readyOrder.indexOf('ai')).toBeGreaterThan(readyOrder.indexOf('market'))
    expect(readyOrder.indexOf('strategy')).toBeGreaterThan(readyOrder.indexOf('market'))
    expect(readyOrder.indexOf('strategy')).toBeGreaterThan(readyOrder.indexOf('execution'))
    for (const name of ALL) {
      const pong = (await s.request(name, 'ping', {})) as { worker: string; pid: number }
      expect(pong).toMatchObject({ worker: name, pid: pidOf(s, name) })
    }
  })

  it.each(ALL)('restarts %s after SIGKILL and records the crash', async (name) => {
    const s = await startSupervisor()
    const before = pidOf(s, name)
    process.kill(before, 'SIGKILL')
    const after = await waitFor('a new pid, running', () => {
      const h = healthOf(s, name)
      return h.state === 'running' && h.pid !== before && h.pid !== null ? h.pid : undefined
    })
    expect(isAlive(before)).toBe(false)
    expect(isAlive(after)).toBe(true)
    const h = healthOf(s, name)
    expect(h.restarts).toBe(1)
    expect(h.lastCrash).toMatchObject({ worker: name, kind: 'crash', signal: 'SIGKILL' })
    expect(s.recentCrashes()[0]).toMatchObject({ worker: name, kind: 'crash' })
  })

  it.each(ALL)('detects %s frozen by SIGSTOP, kills it and restarts it', async (name) => {
    const s = await startSupervisor({ freezeAfterMs: 1_000 })
    const frozen = pidOf(s, name)
    const states: string[] = []
    s.listen({ onChange: () => states.push(healthOf(s, name).state) })
    process.kill(frozen, 'SIGSTOP')
    await waitFor('a restarted worker', () => healthOf(s, name).state === 'running' && healthOf(s, name).pid !== frozen, 8_000)
    expect(states).toContain('unresponsive')
    expect(isAlive(frozen)).toBe(false)
    expect(healthOf(s, name).lastCrash).toMatchObject({ kind: 'freeze', signal: 'SIGKILL' })
  })

  it('answers a request that was in flight when its worker died', async () => {
    const s = await startSupervisor()
    const victim = pidOf(s, 'execution')
    process.kill(victim, 'SIGSTOP') // the request will sit unread in the worker's pipe
    const answer = s.request('execution', 'ping', {})
    await new Promise((r) => setTimeout(r, 100))
    process.kill(victim, 'SIGKILL')
    const pong = (await answer) as { pid: number }
    expect(pong.pid).not.toBe(victim)
    expect(pong.pid).toBe(pidOf(s, 'execution'))
  })

  it('opens the circuit after a crash loop, fails fast, then recovers half-open on request', async () => {
    const policy = { ...DEFAULT_RESTART_POLICY, maxRestarts: 3, baseDelayMs: 20, maxDelayMs: 50, coolDownMs: 60_000 }
    const s = await startSupervisor({ policy })
    for (let i = 0; i <= policy.maxRestarts; i++) {
      const pid = await waitFor('ai running', () => (healthOf(s, 'ai').state === 'running' ? (healthOf(s, 'ai').pid ?? undefined) : undefined))
      process.kill(pid, 'SIGKILL')
      await waitFor('ai to notice', () => healthOf(s, 'ai').pid !== pid)
    }
    await waitFor('ai failed', () => healthOf(s, 'ai').state === 'failed')
    const failed = healthOf(s, 'ai')
    expect(failed.pid).toBeNull()
    expect(failed.retryAt).toBeGreaterThan(Date.now())
    await expect(s.request('ai', 'ping', {})).rejects.toMatchObject({ code: 'unavailable' } satisfies Partial<KeelError>)
    // Other workers are untouched: the failure is contained.
    expect(healthOf(s, 'execution').state).toBe('running')

    s.restartWorker('ai')
    await waitFor('ai running again', () => healthOf(s, 'ai').state === 'running')
    expect(((await s.request('ai', 'ping', {})) as { worker: string }).worker).toBe('ai')
  })

  it('stops every worker on shutdown and leaves no process behind', async () => {
    const s = await startSupervisor()
    const pids = ALL.map((n) => pidOf(s, n))
    await s.stop()
    supervisor = undefined
    for (const pid of pids) expect(isAlive(pid)).toBe(false)
    expect(s.health().every((w) => w.state === 'stopped')).toBe(true)
  })
})
