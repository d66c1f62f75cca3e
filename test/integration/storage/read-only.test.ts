import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, stopProcess, tempDir, waitFor, type ServeProcess } from '../../support/processes'
import { waitAllRunning, waitTradable } from '../trading/helpers'
import { type Answer, orderTally, tradingStorage } from './helpers'

// trading.db made unwritable underneath a running Keel (chattr +i: even root's open file
// descriptors are refused, as on a disk remounted read-only). Orders answer
// storage_unavailable (503) with the cause, never a 500; once writable again Keel carries on
// by itself. Needs root and an ext2/3/4 or similar filesystem for chattr; skipped otherwise.

function chattr(flag: '+i' | '-i', files: string[]): boolean {
  try {
    execFileSync('chattr', [flag, ...files], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const probe = tempDir('keel-ro-probe-')
const supported = chattr('+i', [probe.path]) && chattr('-i', [probe.path])
probe.remove()

describe.skipIf(!supported)('trading.db made read-only under a running Keel', () => {
  const dir = tempDir('keel-ro-')
  const files = ['trading.db', 'trading.db-wal'].map((f) => join(dir.path, f))
  let s: ServeProcess

  beforeAll(async () => {
    s = await startServe(dir.path)
    await waitAllRunning(s)
    await waitTradable(s, ['BTC/USDT'])
  })

  afterAll(async () => {
    chattr('-i', files)
    if (s) await stopProcess(s.child, 'SIGKILL')
    dir.remove()
  })

  it('refuses with storage_unavailable and the cause, then carries on once writable', async () => {
    const tally = await orderTally(s, 'ro')
    for (let i = 0; i < 10; i++) expect((await tally.place()).status).toBe(200)

    expect(chattr('+i', files)).toBe(true)
    const answers: Answer[] = []
    for (let i = 0; i < 5; i++) answers.push(await tally.place())
    expect(answers.filter((a) => a.status !== 503)).toEqual([])
    expect(answers[0]!.code).toBe('storage_unavailable')
    expect(answers[0]!.message).toMatch(/SQLITE_(IOERR|READONLY)|not permitted/i)
    expect(answers[0]!.message).toContain('trading.db')
    await waitFor('health to say the disk refuses', async () => (await tradingStorage(s)).state === 'unavailable', 10_000)

    expect(chattr('-i', files)).toBe(true)
    await tally.expectRecovered()
  }, 120_000)
})

describe.skipIf(!supported)('Keel started on an unwritable trading.db', () => {
  const dir = tempDir('keel-ro-start-')
  const db = join(dir.path, 'trading.db')
  let s: ServeProcess | undefined

  afterAll(async () => {
    chattr('-i', [db])
    if (s) await stopProcess(s.child, 'SIGKILL')
    dir.remove()
  })

  it('answers storage_unavailable instead of opening it read-only, and opens it by itself once writable', async () => {
    s = await startServe(dir.path)
    await waitAllRunning(s)
    await waitTradable(s, ['BTC/USDT'])
    await stopProcess(s.child, 'SIGTERM')
    s = undefined
    expect(chattr('+i', [db])).toBe(true)

    s = await startServe(dir.path)
    await waitAllRunning(s)
    const order = { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.0005 }
    const refused = await s.call('placeOrder', order)
    expect(refused.status).toBe(503)
    const error = (refused.body as { error: { code: string; message: string } }).error
    expect(error.code).toBe('storage_unavailable')
    expect(error.message).toMatch(/EPERM|EACCES|EROFS|not permitted/)
    expect((await tradingStorage(s)).state).toBe('unavailable')

    expect(chattr('-i', [db])).toBe(true)
    const serve = s
    await waitFor('an order accepted again', async () => (await serve.call('placeOrder', order)).status === 200, 30_000, 250)
    expect((await tradingStorage(serve)).state).toBe('ok')
  }, 120_000)
})
