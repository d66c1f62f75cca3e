import { readFileSync, statSync, writeFileSync, appendFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DiagnosticsResult, SettingsView } from '../../../src/shared/settings'
import { UpdateStatus } from '../../../src/shared/update'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { ok, waitAllRunning, waitTradable } from '../trading/helpers'

// keel serve as a user runs it: settings persisted and validated, diagnostics for a bug report,
// the updater reported as disabled, Prometheus /metrics behind the API token.
const SECRET_ENV = 'BINANCE_API_SECRET'
const SECRET = 'exch-secret-7f3a9c1e55'
/** POSIX permission bits; Windows has ACLs instead. */
const modeOf = (file: string): number => (process.platform === 'win32' ? 0o600 : statSync(file).mode & 0o777)

let serve: ServeProcess
const dir = tempDir('keel-dist-')

async function start(): Promise<ServeProcess> {
  process.env[SECRET_ENV] = SECRET
  try {
    return await startServe(dir.path)
  } finally {
    delete process.env[SECRET_ENV]
  }
}

beforeAll(async () => {
  serve = await start()
  await waitAllRunning(serve)
}, 60_000)
afterAll(async () => {
  if (serve) await stopProcess(serve.child, 'SIGKILL')
  dir.remove()
})

describe('settings', () => {
  it('defaults on a fresh data dir, with the data folder shown', async () => {
    const view = SettingsView.parse(await ok(serve, 'getSettings', {}))
    expect(view.settings.updates.channel).toBe('stable')
    expect(view.settings.exchange.id).toBe('demo')
    expect(view.dataDir).toBe(dir.path)
    expect(view.canOpenDataDir).toBe(false)
    expect(view.loadError).toBeNull()
  })

  it('invalid settings → 400 with every reason, nothing changed', async () => {
    const bad = await serve.call('updateSettings', { risk: { maxOrderNotional: -5, maxOpenOrders: 1.5 }, llm: { baseUrl: 'file:///etc/passwd' }, updates: { channel: 'nightly' } })
    expect(bad.status).toBe(400)
    const message = (bad.body as { error: { message: string } }).error.message
    for (const path of ['risk.maxOrderNotional', 'risk.maxOpenOrders', 'llm.baseUrl', 'updates.channel']) expect(message).toContain(path)
    const unknown = await serve.call('updateSettings', { llm: { apiKey: 'sk-should-never-be-stored-here-123' } })
    expect(unknown.status).toBe(400)
    expect(await serve.call('updateSettings', '{"risk": ')).toMatchObject({ status: 400 })
    expect(await serve.call('updateSettings', { risk: { maxDailyLoss: Number.MAX_VALUE } })).toMatchObject({ status: 400 })
    const view = SettingsView.parse(await ok(serve, 'getSettings', {}))
    expect(view.settings.risk.maxOrderNotional).toBe(10_000)
    expect(existsSync(join(dir.path, 'settings.json'))).toBe(false)
  })

  it('a change merges into its section, is written 0600, and survives a restart', async () => {
    const view = SettingsView.parse(await ok(serve, 'updateSettings', { risk: { maxDailyLoss: 750 }, updates: { channel: 'beta' }, exchange: { symbols: ['ETH/USDT'] } }))
    expect(view.settings.risk).toEqual({ maxOrderNotional: 10_000, maxPositionNotional: 50_000, maxDailyLoss: 750, maxOpenOrders: 200 })
    const file = join(dir.path, 'settings.json')
    expect(modeOf(file)).toBe(0o600)
    expect(JSON.parse(readFileSync(file, 'utf8')).risk.maxDailyLoss).toBe(750)
    expect(readdirSync(dir.path).filter((f) => f.includes('.tmp'))).toEqual([])

    await stopProcess(serve.child)
    serve = await start()
    await waitAllRunning(serve)
    const after = SettingsView.parse(await ok(serve, 'getSettings', {}))
    expect(after.settings.risk.maxDailyLoss).toBe(750)
    expect(after.settings.updates.channel).toBe('beta')
    expect(after.settings.exchange.symbols).toEqual(['ETH/USDT'])
    expect(UpdateStatus.parse(await ok(serve, 'updateStatus', {}))).toMatchObject({ state: 'disabled', channel: 'beta', currentVersion: expect.any(String) })
  }, 90_000)

  it('desktop-only and not-ready actions are refused with a reason, not a 5xx', async () => {
    expect(await serve.call('openDataDir', {})).toMatchObject({ status: 422 })
    const install = await serve.call('installUpdate', {})
    expect(install.status).toBe(422)
    expect(JSON.stringify(install.body)).toContain('no downloaded update')
  })
})

describe('export diagnostics', () => {
  it('one zip with logs, crash records, health and versions — and no token or key anywhere', async () => {
    // Something a crash record can show, and secrets where careless code might have logged them.
    const health = (await ok(serve, 'health', {})) as { workers: { name: string; pid: number }[] }
    process.kill(health.workers.find((w) => w.name === 'ai')!.pid, 'SIGKILL')
    await waitFor('the crash record', async () => ((await ok(serve, 'health', {})) as { crashes: unknown[] }).crashes.length > 0, 20_000, 100)
    appendFileSync(
      join(dir.path, 'logs', 'main.log'),
      `[x] url http://127.0.0.1:1/?token=${serve.token}\n[x] Authorization: Bearer ${serve.token}\n[x] {"apiKey":"AKIA1234567890XYZ","secret":"hunter2hunter2"}\n[x] llm sk-proj-abcdefghijklmnopqrstuvwxyz012345\n[x] env secret ${SECRET}\n`
    )
    writeFileSync(join(dir.path, 'logs', 'execution.1.log'), 'an archived (rotated) worker log\n')
    const result = DiagnosticsResult.parse(await ok(serve, 'exportDiagnostics', {}))
    expect(result.path.startsWith(join(dir.path, 'diagnostics'))).toBe(true)
    const raw = readFileSync(result.path)
    expect(raw.length).toBe(result.bytes)
    expect(modeOf(result.path)).toBe(0o600)
    const files = unzipSync(raw)
    const names = Object.keys(files).sort()
    for (const name of ['versions.json', 'health.json', 'crashes.json', 'settings.json', 'logs/main.log', 'logs/execution.1.log']) expect(names).toContain(name)
    for (const log of readdirSync(join(dir.path, 'logs'))) expect(names).toContain(`logs/${log}`)
    expect(names.sort()).toEqual([...result.files].sort())
    const crashes = JSON.parse(strFromU8(files['crashes.json']!)) as { worker: string }[]
    expect(crashes.some((c) => c.worker === 'ai')).toBe(true)
    const versions = JSON.parse(strFromU8(files['versions.json']!)) as Record<string, string>
    expect(versions).toMatchObject({ mode: 'headless', node: process.version })
    expect(strFromU8(files['logs/main.log']!)).toContain('[redacted]')
    // grep the zip: the raw bytes and every file inside.
    for (const secret of [serve.token, 'AKIA1234567890XYZ', 'hunter2hunter2', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', SECRET]) {
      expect(raw.includes(Buffer.from(secret)), secret).toBe(false)
      for (const [name, content] of Object.entries(files)) expect(strFromU8(content).includes(secret), `${secret} in ${name}`).toBe(false)
    }
  }, 60_000)
})

describe('/metrics', () => {
  async function scrape(token?: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${serve.origin}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
    return { status: res.status, text: await res.text() }
  }
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `))
    return line === undefined ? undefined : Number(line.slice(series.length + 1))
  }

  it('needs the API token', async () => {
    expect((await scrape()).status).toBe(401)
    expect((await scrape('wrong-token-xxxxxxxx')).status).toBe(401)
    expect(await fetch(`${serve.origin}/metrics?token=${serve.token}`).then((r) => r.status)).toBe(401)
  })

  it('per worker state, restarts, heartbeat age, loop delay and RSS; host; feeds; ws clients', async () => {
    await waitAllRunning(serve)
    const { status, text } = await scrape(serve.token)
    expect(status).toBe(200)
    for (const w of ['execution', 'market', 'ai', 'strategy']) {
      expect(value(text, `keel_worker_up{worker="${w}"}`)).toBe(1)
      expect(value(text, `keel_worker_state{worker="${w}",state="running"}`)).toBe(1)
      expect(value(text, `keel_worker_state{worker="${w}",state="failed"}`)).toBe(0)
      // The ai worker was killed once above (diagnostics test).
      expect(value(text, `keel_worker_restarts{worker="${w}"}`)).toBe(w === 'ai' ? 1 : 0)
      expect(value(text, `keel_worker_heartbeat_age_seconds{worker="${w}"}`)).toBeGreaterThanOrEqual(0)
      expect(value(text, `keel_worker_event_loop_delay_seconds{worker="${w}"}`)).toBeGreaterThanOrEqual(0)
      expect(value(text, `keel_worker_rss_bytes{worker="${w}"}`)).toBeGreaterThan(1 << 20)
    }
    expect(value(text, 'keel_host_rss_bytes')).toBeGreaterThan(1 << 20)
    // The V8 figures are the host's own: used ≤ reserved, and both well under its resident memory.
    const heapUsed = value(text, 'keel_host_heap_used_bytes')!
    expect(heapUsed).toBeGreaterThan(1 << 20)
    expect(heapUsed).toBeLessThanOrEqual(value(text, 'keel_host_heap_total_bytes')!)
    expect(value(text, 'keel_host_heap_total_bytes')).toBeLessThan(value(text, 'keel_host_rss_bytes')!)
    expect(value(text, 'keel_host_external_bytes')).toBeGreaterThan(0)
    expect(value(text, 'keel_ws_clients')).toBe(0)
    await waitFor('a demo feed sample', async () => value((await scrape(serve.token)).text, 'keel_feed_staleness_seconds{exchange="demo"}') !== undefined, 20_000, 200)
  })

  it('orders placed / filled / rejected and the ack latency histogram count what happened', async () => {
    await waitTradable(serve, ['BTC/USDT'])
    await ok(serve, 'resetAccount', { account: 'metrics', balances: { USDT: 100_000 } })
    const before = (await scrape(serve.token)).text
    const placed0 = value(before, 'keel_orders_placed_total') ?? 0
    const filled0 = value(before, 'keel_orders_filled_total') ?? 0
    const rejected0 = value(before, 'keel_orders_rejected_total') ?? 0
    const acks0 = value(before, 'keel_order_ack_seconds_count') ?? 0
    for (let i = 0; i < 3; i++) await ok(serve, 'placeOrder', { account: 'metrics', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 })
    const refused = await serve.call('placeOrder', { account: 'metrics', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1e6 })
    expect(refused.status).toBeGreaterThanOrEqual(400)
    expect(refused.status).toBeLessThan(500)
    await waitFor('three fills counted', async () => value((await scrape(serve.token)).text, 'keel_orders_filled_total') === filled0 + 3, 10_000, 100)
    const after = (await scrape(serve.token)).text
    expect(value(after, 'keel_orders_placed_total')).toBe(placed0 + 3)
    expect(value(after, 'keel_orders_rejected_total')).toBe(rejected0 + 1)
    expect(value(after, 'keel_order_ack_seconds_count')).toBe(acks0 + 3)
    expect(value(after, 'keel_order_ack_seconds_bucket{le="+Inf"}')).toBe(acks0 + 3)
  })
})
