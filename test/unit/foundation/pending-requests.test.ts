import { describe, expect, it } from 'vitest'
import { KeelError } from '../../../src/shared/errors'
import { PendingRequests } from '../../../src/main/supervisor/pending-requests'

describe('PendingRequests', () => {
  it('settles a request by id with its result or error', async () => {
    const q = new PendingRequests('execution')
    const a = q.add('ping', {}, 1_000)
    const b = q.add('ping', {}, 1_000)
    expect(a.id).not.toBe(b.id)
    q.settle(a.id, { ok: true, result: 42 })
    q.settle(b.id, { ok: false, error: { code: 'rejected', message: 'no' } })
    await expect(a.promise).resolves.toBe(42)
    await expect(b.promise).rejects.toMatchObject({ code: 'rejected', message: 'no' })
    expect(q.size).toBe(0)
  })

  it('puts delivered requests back in the queue when the process dies', () => {
    const q = new PendingRequests('execution')
    const a = q.add('placeOrder', { x: 1 }, 1_000)
    void a.promise.catch(() => {})
    q.markDelivered(a.id)
    expect(q.undelivered()).toEqual([])
    q.processGone()
    expect(q.undelivered()).toEqual([{ id: a.id, method: 'placeOrder', params: { x: 1 } }].map((p) => expect.objectContaining(p)))
  })

  it('rejects everything at once when the worker is given up on', async () => {
    const q = new PendingRequests('ai')
    const a = q.add('x', {}, 1_000)
    q.rejectAll(new KeelError('unavailable', 'ai failed'))
    await expect(a.promise).rejects.toMatchObject({ code: 'unavailable', message: 'ai failed' })
    expect(q.size).toBe(0)
  })

  it('gives up on a request that crashed its worker three times', async () => {
    const q = new PendingRequests('strategy')
    const a = q.add('run', {}, 1_000)
    for (let i = 0; i < 3; i++) {
      q.markDelivered(a.id)
      q.processGone()
    }
    await expect(a.promise).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('crashed 3 times') })
  })

  it('times out with a clear error', async () => {
    const q = new PendingRequests('market')
    const a = q.add('candles', {}, 10)
    await expect(a.promise).rejects.toMatchObject({ code: 'timeout', message: 'market did not answer candles within 10 ms' })
  })
})
