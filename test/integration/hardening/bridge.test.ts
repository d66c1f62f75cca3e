import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { HealthReport } from '../../../src/shared/health'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'

// Issue 8.8 and 10.4 (host side): the bridge's edges, tried from outside.

let serve: ServeProcess | undefined
let dir: ReturnType<typeof tempDir> | undefined

afterEach(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  serve = undefined
  dir?.remove()
})

async function allRunning(s: ServeProcess): Promise<void> {
  await waitFor('all workers running', async () => HealthReport.parse((await s.call('health')).body).workers.every((w) => w.state === 'running'), 20_000)
}

type WsOutcome = { kind: 'open' } | { kind: 'closed'; code: number; reason: string } | { kind: 'refused'; message: string }

function openWs(s: ServeProcess, opts: { token?: string; origin?: string }): Promise<WsOutcome> {
  const query = opts.token === undefined ? '' : `?token=${encodeURIComponent(opts.token)}`
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/ws${query}`, opts.origin ? { origin: opts.origin } : {})
  return new Promise((resolve) => {
    let opened = false
    ws.on('open', () => {
      opened = true
      // A refused-but-accepted client is closed at once; wait a moment to tell them apart.
      setTimeout(() => {
        if (ws.readyState === ws.OPEN) {
          ws.close()
          resolve({ kind: 'open' })
        }
      }, 300)
    })
    ws.on('close', (code, reason) => opened && resolve({ kind: 'closed', code, reason: reason.toString() }))
    ws.on('error', (err) => !opened && resolve({ kind: 'refused', message: err.message }))
  })
}

describe('bridge details', () => {
  it('answers a body over 1 MiB with 400, cuts off an absurd one, and shrugs off a client that leaves mid-body', async () => {
    dir = tempDir()
    const s = (serve = await startServe(dir.path))
    const post = (body: string) => fetch(`${s.origin}/api/health`, { method: 'POST', headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' }, body })
    const big = await post(JSON.stringify({ pad: 'x'.repeat(2 << 20) }))
    expect(big.status).toBe(400)
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(/request body over 1048576 bytes/)
    // 32 MiB: the host stops reading and closes the socket rather than buffering it.
    const absurd = await post('x'.repeat(32 << 20)).then((r) => r.status, (err: unknown) => String(err))
    expect([400, 'TypeError: fetch failed']).toContain(absurd)
    // Headers promise 1,000 bytes; 10 arrive; the client hangs up.
    const { hostname, port } = new URL(s.origin)
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /api/health HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"1234`)
        setTimeout(() => socket.destroy(), 200)
      })
      socket.on('close', () => resolve())
      socket.on('error', reject)
    })
    const after = await s.call('health')
    expect(after.status).toBe(200)
    expect(HealthReport.parse(after.body).host.faults ?? 0).toBe(0)
  })

  it('answers malformed percent-escapes in static paths with 400, no token needed', async () => {
    dir = tempDir()
    const s = (serve = await startServe(dir.path))
    for (const path of ['/%', '/%ff', '/assets/%E0%A4%A', '/%00']) {
      const res = await fetch(`${s.origin}${path}`)
      expect([path, res.status]).toEqual([path, 400])
    }
    expect((await fetch(`${s.origin}/`)).status).toBe(200)
  })

  it('accepts the Bearer scheme in any case; a wrong token gets the documented 401 body', async () => {
    dir = tempDir()
    const s = (serve = await startServe(dir.path))
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await fetch(`${s.origin}/api/health`, { method: 'POST', headers: { Authorization: `${scheme} ${s.token}` }, body: '{}' })
      expect([scheme, res.status]).toEqual([scheme, 200])
    }
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-123' }, { Authorization: 'Basic abc' }] as Array<Record<string, string>>) {
      const res = await fetch(`${s.origin}/api/health`, { method: 'POST', headers, body: '{}' })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or wrong bearer token (Authorization: Bearer <token>)' } })
    }
  })

  it('refuses WebSocket clients from a foreign browser origin; tells a browser with a wrong token by close code 4401', async () => {
    dir = tempDir()
    const s = (serve = await startServe(dir.path))
    expect(await openWs(s, { token: s.token })).toEqual({ kind: 'open' }) // no Origin: not a browser
    expect(await openWs(s, { token: s.token, origin: s.origin })).toEqual({ kind: 'open' }) // Keel's own page
    expect(await openWs(s, { token: s.token, origin: 'http://localhost:1' })).toMatchObject({ kind: 'refused', message: expect.stringContaining('403') })
    expect(await openWs(s, { token: s.token, origin: 'https://evil.example' })).toMatchObject({ kind: 'refused', message: expect.stringContaining('403') })
    expect(await openWs(s, { token: s.token, origin: 'null' })).toMatchObject({ kind: 'refused', message: expect.stringContaining('403') })
    expect(await openWs(s, { token: 'wrong-token-123', origin: s.origin })).toEqual({ kind: 'closed', code: 4401, reason: 'unauthorized: missing or wrong token' })
    expect(await openWs(s, { origin: s.origin })).toEqual({ kind: 'closed', code: 4401, reason: 'unauthorized: missing or wrong token' })
    expect(await openWs(s, { token: 'wrong-token-123' })).toMatchObject({ kind: 'refused', message: expect.stringContaining('401') })
  })

  it('takes the token from --token-file or KEEL_TOKEN, keeping it off the command line', async () => {
    dir = tempDir()
    const file = join(dir.path, 'my-token')
    writeFileSync(file, 'from-a-file-0123456789\n', { mode: 0o600 })
    serve = await startServe(join(dir.path, 'a'), ['--token-file', file], { token: null })
    expect(serve.token).toBe('from-a-file-0123456789')
    expect((await serve.call('health')).status).toBe(200)
    expect(readFileSync(`/proc/${serve.child.pid}/cmdline`, 'utf8')).not.toContain('from-a-file-0123456789')
    await stopProcess(serve.child, 'SIGKILL')

    serve = await startServe(join(dir.path, 'b'), [], { token: null, env: { ...process.env, KEEL_TOKEN: 'from-the-env-0123456789' } })
    expect(serve.token).toBe('from-the-env-0123456789')
    expect((await serve.call('health')).status).toBe(200)
    expect((await serve.call('health', {}, 'test-token-0123456789')).status).toBe(401)
  })

  it('keeps one token in <data-dir>/token (0600) and reuses it across restarts', async () => {
    dir = tempDir()
    const data = join(dir.path, 'data')
    serve = await startServe(data, [], { token: null })
    const first = serve.token
    expect(first.length).toBeGreaterThanOrEqual(24)
    expect(readFileSync(join(data, 'token'), 'utf8').trim()).toBe(first)
    await stopProcess(serve.child, 'SIGTERM')
    serve = await startServe(data, [], { token: null })
    expect(serve.token).toBe(first)
    expect((await serve.call('health')).status).toBe(200)
  })

  it('creates the data dir 0700 and every file in it (databases, WAL, token, logs) 0600', async () => {
    dir = tempDir()
    const data = join(dir.path, 'data')
    serve = await startServe(data, [], { token: null })
    await allRunning(serve)
    await serve.call('placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.001, price: 1000 })
    expect(statSync(data).mode & 0o777).toBe(0o700)
    const loose: string[] = []
    const walk = (path: string): void => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const full = join(path, entry.name)
        const mode = statSync(full).mode & 0o777
        if (entry.isDirectory()) {
          if (mode & 0o077) loose.push(`${full} ${mode.toString(8)}`)
          walk(full)
        } else if (mode & 0o077) loose.push(`${full} ${mode.toString(8)}`)
      }
    }
    walk(data)
    const files = readdirSync(data)
    expect(files).toEqual(expect.arrayContaining(['token', 'trading.db', 'market.db']))
    expect(loose).toEqual([])
  })
})
