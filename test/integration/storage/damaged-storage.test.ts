import { existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RestoreBackupResult, StartFreshAccountResult } from '../../../src/shared/storage'
import { Balance } from '../../../src/shared/trading'
import { ok, servePerTest, sleep } from '../trading/helpers'
import type { ServeProcess } from '../../support/processes'
import { clientOrderIds, executionRestarts, placeResting, tradingStorage } from './helpers'

// Damaged storage never silently loses the account: a real `keel serve`, a real trading.db
// damaged between runs the ways a disk, a user or a sync tool damages it.

const server = servePerTest('keel-storage-')

/** What every trading method must answer while trading.db is refused. */
async function expectRefused(serve: ServeProcess, kind: string): Promise<string> {
  for (const [method, params] of [
    ['placeOrder', { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.001 }],
    ['balances', {}],
    ['listOrders', {}],
    ['accountSummary', {}]
  ] as const) {
    const { status, body } = await serve.call(method, params)
    expect(status, `${method}: ${JSON.stringify(body)}`).toBe(503)
    const error = (body as { error: { code: string; message: string } }).error
    expect(error.code).toBe('storage_damaged')
    expect(error.message).toContain('trading.db')
    expect(error.message).toMatch(/restoreBackup/)
  }
  const storage = await tradingStorage(serve)
  expect(storage.state).toBe('damaged')
  expect(storage.problem?.kind).toBe(kind)
  // Refused, not crash-looping: the worker stays up and answers.
  expect(await executionRestarts(serve)).toBe(0)
  return storage.problem!.cause
}

describe('damaged trading.db', () => {
  it('a deleted trading.db is refused (never a fresh 10,000 USDT account) and restored from the shutdown backup with nothing lost', async () => {
    let s = await server.start(['BTC/USDT'])
    const placed = await placeResting(s, 'del-', 12)
    await server.stop('clean') // a clean shutdown takes a backup
    const files = readdirSync(join(server.dataDir, 'backups'))
    expect(files.some((f) => /^trading-\d+-j\d+-o\d+\.db$/.test(f))).toBe(true)
    for (const f of ['trading.db', 'trading.db-wal', 'trading.db-shm']) rmSync(join(server.dataDir, f), { force: true })

    s = await server.start()
    const cause = await expectRefused(s, 'missing')
    expect(cause).toMatch(/does not exist/)

    const restored = RestoreBackupResult.parse(await ok(s, 'restoreBackup', {}))
    expect(restored.lostOrders).toBe(0)
    const ids = await clientOrderIds(s)
    for (const id of placed) expect(ids.has(id), id).toBe(true)
    expect((await tradingStorage(s)).state).toBe('ok')
    // And it trades again.
    expect((await placeResting(s, 'after-', 1)).length).toBe(1)
  })

  it('a 0-byte trading.db is refused; a new account only on the explicit, confirmed call, with the damaged file kept', async () => {
    let s = await server.start(['BTC/USDT'])
    await ok(s, 'resetAccount', { balances: { USDT: 1_234 } })
    await placeResting(s, 'empty-', 3)
    await server.stop('kill-tree')
    const db = join(server.dataDir, 'trading.db')
    for (const f of ['trading.db-wal', 'trading.db-shm']) rmSync(join(server.dataDir, f), { force: true })
    truncateSync(db, 0)

    s = await server.start()
    expect(await expectRefused(s, 'empty')).toMatch(/0 bytes/)
    // Without the confirmation, nothing happens.
    const unconfirmed = await s.call('startFreshAccount', {})
    expect(unconfirmed.status).toBe(400)
    expect((await s.call('startFreshAccount', { confirm: 'yes' })).status).toBe(400)
    expect((await tradingStorage(s)).state).toBe('damaged')

    const fresh = StartFreshAccountResult.parse(await ok(s, 'startFreshAccount', { confirm: 'start a new account' }))
    expect(fresh.preservedAt).toBeDefined()
    expect(statSync(join(fresh.preservedAt!, 'trading.db')).size).toBe(0)
    const balances = (await ok<unknown[]>(s, 'balances', {})).map((b) => Balance.parse(b))
    expect(balances.find((b) => b.asset === 'USDT')?.total).toBe(10_000)
    expect((await tradingStorage(s)).state).toBe('ok')
  })

  it('a garbage trading.db-wal after a whole-tree SIGKILL is detected, kept as it was, and a restore reports exactly the orders acknowledged after the backup', async () => {
    let s = await server.start(['BTC/USDT'])
    const early = await placeResting(s, 'early-', 10)
    await ok(s, 'backupNow', {})
    const late = await placeResting(s, 'late-', 7)
    await sleep(200) // the journal mark is written at most every 25 ms: let it catch up with the last order
    await server.stop('kill-tree')
    const wal = join(server.dataDir, 'trading.db-wal')
    expect(statSync(wal).size).toBeGreaterThan(0) // the late orders live only in the WAL
    const garbage = Buffer.alloc(statSync(wal).size, 0x5a)
    writeFileSync(wal, garbage)

    s = await server.start()
    const cause = await expectRefused(s, 'behind')
    expect(cause).toMatch(/acknowledged orders/)
    const storage = await tradingStorage(s)
    // The garbage WAL was copied aside before SQLite could ignore and delete it.
    expect(readFileSync(join(storage.problem!.preservedAt!, 'trading.db-wal')).equals(garbage)).toBe(true)

    const restored = RestoreBackupResult.parse(await ok(s, 'restoreBackup', {}))
    expect(restored.lostOrders).toBe(late.length)
    expect(restored.message).toContain(`${late.length} orders`)
    const ids = await clientOrderIds(s)
    for (const id of early) expect(ids.has(id), id).toBe(true)
    for (const id of late) expect(ids.has(id), id).toBe(false)
  })

  it('a truncated trading.db is refused with SQLite\'s own error in the API, health and log — not "circuit open"', async () => {
    let s = await server.start(['BTC/USDT'])
    await placeResting(s, 'trunc-', 30)
    await server.stop('clean')
    const db = join(server.dataDir, 'trading.db')
    expect(existsSync(`${db}-wal`)).toBe(false)
    truncateSync(db, Math.floor(statSync(db).size / 2))

    s = await server.start()
    const cause = await expectRefused(s, 'corrupt')
    expect(cause).toMatch(/malformed|corrupt|quick_check/i)
    const workers = (await s.call('health')).body as { workers: { name: string; state: string }[] }
    expect(workers.workers.find((w) => w.name === 'execution')?.state).toBe('running')
    const log = readFileSync(join(server.dataDir, 'logs', 'execution.log'), 'utf8')
    expect(log).toContain(cause)
  })
})

describe('damaged market.db', () => {
  it('is moved aside and rebuilt (its candles are re-downloadable), and health says so', async () => {
    await server.start()
    await server.stop('clean')
    const db = join(server.dataDir, 'market.db')
    const garbage = Buffer.alloc(8192, 0x42)
    writeFileSync(db, garbage)
    for (const f of ['market.db-wal', 'market.db-shm']) rmSync(join(server.dataDir, f), { force: true })

    const s = await server.start()
    const { body } = await s.call('health')
    const market = (body as { storage?: { database: string; state: string; problem: { preservedAt: string; cause: string } | null }[] }).storage?.find((x) => x.database === 'market')
    expect(market?.state).toBe('rebuilt')
    expect(readFileSync(join(market!.problem!.preservedAt, 'market.db')).equals(garbage)).toBe(true)
    const candles = await s.call('candles', { exchange: 'demo', symbol: 'BTC/USDT', timeframe: '1h', limit: 10 })
    expect(candles.status).toBe(200)
    expect((body as { workers: { name: string; restarts: number }[] }).workers.find((w) => w.name === 'market')?.restarts).toBe(0)
  })
})
