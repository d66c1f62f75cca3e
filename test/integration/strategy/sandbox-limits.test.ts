import { describe, expect, it } from 'vitest'
import { waitFor } from '../../support/processes'
import { servePerTest, workerPid } from '../trading/helpers'
import { botLog, createBot, strategy, writeStrategy } from './helpers'

// What a strategy file can reach, measured, so docs/strategies.md ("not a security sandbox")
// says what is true. If a hardening closes one of these, this test fails and the docs change.

const PROBE = (dataDir: string) => `export default {
  name: 'Probe',
  async onStart(ctx) {
    const r = {}
    try { require('node:fs'); r.require = 'allowed' } catch { r.require = 'refused' }
    r.getBuiltinModule = typeof process.getBuiltinModule
    const fs = process.getBuiltinModule('node:fs')
    r.readsDataDir = fs.readdirSync(${JSON.stringify(dataDir)}).includes('trading.db')
    r.dynamicImport = await new Function('return import("node:os")')().then(() => 'allowed', (e) => 'refused: ' + (e.code || e.message))
    r.fetch = typeof fetch
    r.env = typeof process.env.PATH === 'string'
    r.mainThread = process.getBuiltinModule('node:worker_threads').isMainThread
    r.pid = process.pid
    ctx.log.info('probe ' + JSON.stringify(r))
  }
}
`

const server = servePerTest('keel-strategy-sandbox-')

describe('a strategy file is not a security sandbox', () => {
  it('reaches Node through process.getBuiltinModule, in a worker thread of the strategy process', async () => {
    const s = await server.start(['BTC/USDT'])
    writeStrategy(server.dataDir, 'probe.js', PROBE(server.dataDir))
    await strategy(s, 'file:probe.js', (i) => !i.error)
    const b = await createBot(s, { name: 'probe', strategy: 'file:probe.js' })
    const line = await waitFor('the probe result', async () => (await botLog(s, b.id)).find((e) => e.message.startsWith('probe '))?.message, 20_000, 200)
    const r = JSON.parse(line.slice('probe '.length)) as Record<string, unknown>
    expect(r).toMatchObject({ require: 'refused', getBuiltinModule: 'function', readsDataDir: true, fetch: 'function', env: true, mainThread: false })
    expect(r.dynamicImport).toBe('refused: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')
    expect(r.pid).toBe(await workerPid(s, 'strategy'))
  })
})
