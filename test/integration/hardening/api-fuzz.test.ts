import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { methods, type MethodName } from '../../../src/shared/api'
import { HealthReport } from '../../../src/shared/health'
import { WORKER_NAMES } from '../../../src/shared/worker-protocol'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 8, "Also": every method of src/shared/api.ts, called over HTTP against a real
// `keel serve` with hostile input, answers 4xx (or 200), never 5xx, and no worker restarts.

let serve: ServeProcess
const dir = tempDir()
const METHODS = Object.keys(methods) as MethodName[]
const seen: Array<{ method: string; body: string; status: number; reply: string }> = []

beforeAll(async () => {
  serve = await startServe(dir.path)
  await waitFor('all workers running', async () => HealthReport.parse((await serve.call('health')).body).workers.every((w) => w.state === 'running'), 20_000)
})

afterAll(async () => {
  await stopProcess(serve.child, 'SIGKILL')
  dir.remove()
})

async function post(method: string, body: string | Uint8Array<ArrayBuffer>, contentType = 'application/json'): Promise<number> {
  const shown = typeof body === 'string' ? body.slice(0, 300) : `<${body.length} bytes>`
  try {
    const res = await fetch(`${serve.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Authorization: `Bearer ${serve.token}` },
      body
    })
    const reply = await res.text()
    seen.push({ method, body: shown, status: res.status, reply: reply.slice(0, 300) })
    return res.status
  } catch (err) {
    // No answer at all (a reset) counts as a failure just like a 5xx.
    seen.push({ method, body: shown, status: 599, reply: String((err as Error).cause ?? err) })
    return 599
  }
}

/** Property names and enum values anywhere in a method's params schema: the fuzzer's vocabulary. */
function vocabulary(method: MethodName): { keys: string[]; enums: unknown[] } {
  const keys = new Set<string>()
  const enums = new Set<unknown>()
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (typeof node !== 'object' || node === null) return
    const n = node as Record<string, unknown>
    if (n.properties && typeof n.properties === 'object') Object.keys(n.properties).forEach((k) => keys.add(k))
    if (Array.isArray(n.enum)) n.enum.forEach((v) => enums.add(v))
    if ('const' in n) enums.add(n.const)
    Object.values(n).forEach(walk)
  }
  walk(z.toJSONSchema(methods[method].params, { io: 'input', unrepresentable: 'any' }))
  // Worker names would make restartWorker restart workers on purpose: not what this counts.
  for (const name of WORKER_NAMES) enums.delete(name)
  return { keys: [...keys], enums: [...enums] }
}

const hostileNumber = fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 2, -(2 ** 63), 1e-12, 0.1 + 0.2, 123456789.12345679)
const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '__proto__', 'constructor', 'BTC/USDT', 'demo', '1m', '../../etc/passwd', '\u0000', '🙂'.repeat(50), '%ff', 'NaN', '1e999'),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n))
)
const leaf = fc.oneof(hostileNumber, hostileString, fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }))
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }))
})).value

function paramsFor(method: MethodName): fc.Arbitrary<unknown> {
  const { keys, enums } = vocabulary(method)
  const value = enums.length ? fc.oneof(hostileValue, fc.constantFrom(...enums)) : hostileValue
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), fc.constantFrom('__proto__', 'constructor', 'prototype')) : fc.constantFrom('__proto__', 'x')
  return fc.oneof(fc.dictionary(key, value, { maxKeys: 6 }), hostileValue)
}

/** A valid call per method: mutating one field of it reaches past the validator into the handlers. */
const VALID: Partial<Record<MethodName, Record<string, unknown>>> = {
  ping: { worker: 'execution' },
  placeOrder: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.001, price: 20_000 },
  cancelOrder: { orderId: '1' },
  cancelAll: { symbol: 'BTC/USDT' },
  amendOrder: { orderId: '1', price: 21_000 },
  listOrders: { status: 'open', limit: 10 },
  listFills: { limit: 10 },
  balances: { account: 'default' },
  positions: { account: 'default' },
  accountSummary: { account: 'default' },
  markets: { exchange: 'demo' },
  ticker: { symbol: 'BTC/USDT' },
  orderBook: { symbol: 'BTC/USDT', depth: 10 },
  candles: { symbol: 'BTC/USDT', timeframe: '1m', limit: 50 },
  subscribe: { exchange: 'demo', symbols: ['BTC/USDT'], channels: ['ticker'] },
  unsubscribe: { exchange: 'demo', symbols: ['BTC/USDT'], channels: ['trades'] },
  resetAccount: { account: 'default', balances: { USDT: 10_000 } },
  downloadHistory: { exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1h', since: Date.UTC(2026, 10, 1) }
}

function mutationsOf(method: MethodName): fc.Arbitrary<unknown> | undefined {
  const base = VALID[method]
  if (!base) return undefined
  const keys = [...new Set([...Object.keys(base), ...vocabulary(method).keys])]
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({ ...base, [key]: value })),
    fc.constantFrom(...Object.keys(base)).map((key) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)))
  )
}

/** Bodies no schema describes: broken JSON, prototype keys, deep nesting, huge payloads. */
const RAW_BODIES: Array<[string, string | Uint8Array<ArrayBuffer>, string?]> = [
  ['invalid JSON', '{"a":'],
  ['trailing garbage', '{} x'],
  ['a bare string', '"health"'],
  ['an array', '[1,2,3]'],
  ['null', 'null'],
  ['a huge exponent', '{"amount":1e999,"price":-1e999,"limit":1e999}'],
  ['__proto__ key', '{"__proto__":{"polluted":true,"isAdmin":true},"account":"default"}'],
  ['constructor key', '{"constructor":{"prototype":{"polluted":true}},"symbol":"BTC/USDT"}'],
  ['deep nesting 10k', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
  ['deep object nesting 5k', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`],
  ['deep nesting 200k', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
  ['a 2 MiB body', JSON.stringify({ symbol: 'x'.repeat(2 << 20) })],
  ['a 900 KiB string', JSON.stringify({ symbol: 'x'.repeat(900 << 10), account: 'y'.repeat(10) })],
  ['binary garbage', new Uint8Array(4096).map((_, i) => (i * 131) % 256)],
  ['form-encoded', 'symbol=BTC%2FUSDT&side=buy', 'application/x-www-form-urlencoded'],
  ['text/plain JSON', '{}', 'text/plain'],
  ['multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', 'multipart/form-data; boundary=x'],
  ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json; charset=utf-8']
]

describe('API fuzz over HTTP', () => {
  it('hostile raw bodies to every method: never a 5xx', async () => {
    for (const method of METHODS) {
      for (const [, body, type] of RAW_BODIES) await post(method, body, type)
    }
    const fives = seen.filter((s) => s.status >= 500)
    expect(fives).toEqual([])
  })

  it('generated params for every method (wrong types, missing fields, extreme numbers, huge strings, prototype keys): never a 5xx', async () => {
    for (const method of METHODS) {
      await fc.assert(
        fc.asyncProperty(paramsFor(method), async (params) => {
          const status = await post(method, JSON.stringify(params))
          return status < 500
        }),
        { numRuns: 60, seed: 8_2026, endOnFailure: true }
      )
    }
  })

  it('valid calls with one field made hostile or missing, for every method with a valid sample: never a 5xx', async () => {
    for (const method of METHODS) {
      const mutations = mutationsOf(method)
      if (!mutations) continue
      await fc.assert(
        fc.asyncProperty(mutations, async (params) => (await post(method, JSON.stringify(params))) < 500),
        { numRuns: 80, seed: 8_2026, endOnFailure: true }
      )
    }
  })

  it('reached the handlers, not only the validator', () => {
    const byStatus = new Map<number, number>()
    for (const { status } of seen) byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    console.log('fuzz statuses', Object.fromEntries(byStatus))
    expect(byStatus.get(200) ?? 0).toBeGreaterThan(0)
  })

  it('afterwards: no worker restarted, nothing crashed, the host answers', async () => {
    const report = HealthReport.parse((await serve.call('health')).body)
    expect(report.crashes).toEqual([])
    expect(report.workers.map((w) => [w.name, w.state, w.restarts])).toEqual(report.workers.map((w) => [w.name, 'running', 0]))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
