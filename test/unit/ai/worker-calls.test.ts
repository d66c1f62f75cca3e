import { describe, expect, it } from 'vitest'
import { callAllowed } from '../../../src/main/worker-links'

// The one allowlist of worker→host calls (src/main/worker-links.ts): what each worker may ask
// of other owners. Deny by default.
describe('worker calls through the host', () => {
  const calls: string[] = []
  const serve = (worker: 'ai' | 'strategy' | 'execution', method: string) =>
    callAllowed(worker, method, async () => {
      calls.push(method)
      return { ok: method }
    })

  it('forwards what the allow-list grants the worker', async () => {
    await expect(serve('ai', 'candles')).resolves.toEqual({ ok: 'candles' })
    await expect(serve('strategy', 'placeOrder')).resolves.toEqual({ ok: 'placeOrder' })
    expect(calls).toEqual(['candles', 'placeOrder'])
  })

  it('refuses everything else: the AI worker has no path to an order', async () => {
    await expect(serve('ai', 'placeOrder')).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('ai', 'resetAccount')).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('ai', 'killSwitch')).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('strategy', 'killSwitch')).rejects.toMatchObject({ code: 'unauthorized' })
    await expect(serve('execution', 'candles')).rejects.toMatchObject({ code: 'unauthorized' })
    expect(calls).toEqual(['candles', 'placeOrder'])
  })
})
