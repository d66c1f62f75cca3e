import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, stopProcess, waitFor, type ServeProcess } from '../../support/processes'
import { waitAllRunning, waitTradable } from '../trading/helpers'
import { type Answer, orderTally, tradingStorage } from './helpers'

// A real full disk: the data dir is a small tmpfs that the test fills. Orders then answer
// storage_unavailable (503) with SQLite's cause, never a 500; once space is freed Keel carries
// on by itself, and every acknowledged order is there. Needs root (mount); skipped otherwise.

function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const mountPoint = mkdtempSync(join(tmpdir(), 'keel-full-'))
const mounted = process.getuid?.() === 0 && mountTmpfs(mountPoint, '24m')

describe.skipIf(!mounted)('disk full under the data dir', () => {
  let s: ServeProcess
  const filler = join(mountPoint, 'filler')

  beforeAll(async () => {
    s = await startServe(mountPoint)
    await waitAllRunning(s)
    await waitTradable(s, ['BTC/USDT'])
  })

  afterAll(async () => {
    if (s) await stopProcess(s.child, 'SIGKILL')
    try {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' })
    } finally {
      rmSync(mountPoint, { recursive: true, force: true })
    }
  })

  it('answers storage_unavailable with the cause while full, and carries on by itself once space is freed', async () => {
    const tally = await orderTally(s, 'full')
    for (let i = 0; i < 20; i++) expect((await tally.place()).status).toBe(200)

    // Fill every free block.
    const { bavail, bsize } = statfsSync(mountPoint)
    try {
      writeFileSync(filler, Buffer.alloc(bavail * bsize))
    } catch {
      // ENOSPC at the very end is the point
    }

    const answers: Answer[] = []
    for (let i = 0; i < 2_000 && !answers.some((a) => a.status === 503); i++) answers.push(await tally.place())
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([])
    const refused = answers.find((a) => a.status === 503)
    expect(refused?.code).toBe('storage_unavailable')
    expect(refused?.message).toMatch(/SQLITE_FULL|full/i)
    expect(refused?.message).toContain('trading.db')
    await waitFor('health to say the disk refuses', async () => (await tradingStorage(s)).state === 'unavailable', 10_000)

    rmSync(filler, { force: true })
    await tally.expectRecovered()
  }, 120_000)
})
