import { describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/bus'
import { Router } from '../../../src/main/router'

// Host-handled methods only: forwarding to workers is covered with real processes in
// test/integration/foundation.
const noWorkers = { request: () => Promise.reject(new Error('no workers in this test')) }

describe('Router', () => {
  it('validates params against the API schema before a handler runs', async () => {
    let called = false
    const router = new Router({ restartWorker: () => ((called = true), { ok: true }) }, noWorkers)
    await expect(router.call('restartWorker', { name: 'nobody' })).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('restartWorker: name') })
    await expect(router.call('restartWorker', { name: 'ai', extra: 1 })).rejects.toMatchObject({ code: 'bad_request' })
    expect(called).toBe(false)
    await expect(router.call('restartWorker', { name: 'ai' })).resolves.toEqual({ ok: true })
  })

  it('refuses unknown methods', async () => {
    await expect(new Router({}, noWorkers).call('dropTables', {})).rejects.toMatchObject({ code: 'unknown_method' })
    await expect(new Router({}, noWorkers).call('__proto__', {})).rejects.toMatchObject({ code: 'unknown_method' })
  })

  it('checks results too: a malformed answer is an internal error, not a lie to the client', async () => {
    const router = new Router({ restartWorker: () => ({ ok: 'yes' }) }, noWorkers)
    await expect(router.call('restartWorker', { name: 'ai' })).rejects.toMatchObject({ code: 'internal' })
  })
})

describe('EventBus', () => {
  it('delivers valid events and drops malformed or unknown ones', () => {
    const bus = new EventBus()
    const seen: string[] = []
    bus.subscribe((event) => seen.push(event))
    bus.publishUnknown('workerCrashed', { worker: 'ai', kind: 'crash', at: 1, exitCode: 1, signal: null, uptimeMs: 5, stderrTail: [] })
    bus.publishUnknown('workerCrashed', { worker: 'ai' })
    bus.publishUnknown('rm -rf', {})
    expect(seen).toEqual(['workerCrashed'])
  })
})
