import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { HealthReport } from '../../../src/shared/health'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 9.7: workers get an allow-list of the host's environment, never a secret from it.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined

afterEach(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  dir?.remove()
})

function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]))
}

async function runningWorkers(s: ServeProcess): Promise<HealthReport['workers']> {
  return waitFor('all workers running', async () => {
    const workers = HealthReport.parse((await s.call('health')).body).workers
    return workers.every((w) => w.state === 'running') ? workers : undefined
  }, 20_000)
}

describe('worker environment', () => {
  it('a secret in the host environment reaches no worker, first start or restart', async () => {
    dir = tempDir()
    serve = await startServe(dir.path, [], {
      env: { ...process.env, EXCHANGE_API_SECRET: 'do-not-leak-1', AWS_SECRET_ACCESS_KEY: 'do-not-leak-2', KEEL_TOKEN: 'do-not-leak-3-token', LC_ALL: 'C' }
    })
    // The host itself has them.
    expect(environOf(serve.child.pid!).get('EXCHANGE_API_SECRET')).toBe('do-not-leak-1')
    const check = (pid: number): void => {
      const env = environOf(pid)
      const leaked = [...env.entries()].filter(([, v]) => v.startsWith('do-not-leak')).map(([k]) => k)
      expect([pid, leaked]).toEqual([pid, []])
      expect(env.get('PATH')).toBe(process.env.PATH)
      expect(env.get('LC_ALL')).toBe('C')
    }
    const workers = await runningWorkers(serve)
    for (const w of workers) check(w.pid!)
    // A restarted worker comes from the warm standby: it was forked with the same allow-list.
    const execution = workers.find((w) => w.name === 'execution')!
    process.kill(execution.pid!, 'SIGKILL')
    const restarted = await waitFor('execution back', async () => {
      const w = (await runningWorkers(serve!)).find((x) => x.name === 'execution')
      return w && w.pid !== execution.pid ? w : undefined
    })
    check(restarted.pid!)
  })
})
