import { describe, expect, it } from 'vitest'
import { serveWorkerCalls } from '../../../src/main/worker-calls'

describe('worker calls through the host', () => {
  const calls: string[] = []
  const serve = serveWorkerCalls(async (method) => {
    calls.push(method)
    return { ok: method }
  })

  it('forwards what the allow-list grants the worker', async () => {
    await expect(serve('ai', 'candles', {})).resolves.toEqual({ ok: 'candles' })
    expect(calls).toEqual(['candles'])
  })

  it('refuses everything else: the AI worker has no path to an order', async () => {
    await expect(serve('ai', 'placeOrder', {})).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('ai', 'resetAccount', {})).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('execution', 'candles', {})).rejects.toMatchObject({ code: 'unauthorized' })
    expect(calls).toEqual(['candles'])
  })
})
