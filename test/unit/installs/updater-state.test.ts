import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { UpdateController, reduceUpdate, initialUpdateStatus, type AutoUpdaterLike } from '../../../src/main/updater-state'
import { UpdateStatus } from '../../../src/shared/update'

/** Stands in for electron-updater's autoUpdater: an EventEmitter with its settable fields. */
class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  channel: string | null = null
  allowPrerelease = false
  allowDowngrade = true
  autoDownload = false
  autoInstallOnAppQuit = false
  checks = 0
  installs: [boolean | undefined, boolean | undefined][] = []
  /** What the next check does, like electron-updater: emit events, maybe reject. */
  script: (u: FakeAutoUpdater) => Promise<void> = async (u) => {
    u.emit('checking-for-update')
    u.emit('update-not-available', { version: '1.0.0' })
  }
  checkForUpdates(): Promise<unknown> {
    this.checks++
    return this.script(this)
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter])
  }
}

function setup(channel: 'stable' | 'beta' = 'stable') {
  const updater = new FakeAutoUpdater()
  const seen: UpdateStatus[] = []
  const intervals: { fn: () => void; ms: number }[] = []
  let cleared = 0
  const controller = new UpdateController(updater, {
    currentVersion: '1.0.0',
    channel,
    intervalMs: 4 * 3_600_000,
    now: () => 1_000,
    onChange: (s) => seen.push(UpdateStatus.parse(s)), // every status is a valid API payload
    setInterval: (fn, ms) => (intervals.push({ fn, ms }), {}),
    clearInterval: () => void cleared++
  })
  return { updater, controller, seen, intervals, cleared: () => cleared }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('update state machine (fake autoUpdater)', () => {
  it('available → downloading with progress → ready, then Restart to update installs', async () => {
    const { updater, controller, seen } = setup()
    updater.script = async (u) => {
      u.emit('checking-for-update')
      u.emit('update-available', { version: '1.1.0' })
      u.emit('download-progress', { percent: 12.5, transferred: 125, total: 1000, bytesPerSecond: 50 })
      u.emit('download-progress', { percent: 100, transferred: 1000, total: 1000, bytesPerSecond: 60 })
      u.emit('update-downloaded', { version: '1.1.0' })
    }
    expect(controller.install()).toBe(false) // nothing downloaded yet
    await controller.check()
    expect(seen.map((s) => s.state)).toEqual(['idle', 'checking', 'available', 'downloading', 'downloading', 'ready'])
    expect(seen[3]!.progress).toEqual({ percent: 12.5, transferred: 125, total: 1000, bytesPerSecond: 50 })
    expect(seen.at(-1)).toMatchObject({ state: 'ready', version: '1.1.0', progress: null, currentVersion: '1.0.0' })
    expect(updater.autoDownload).toBe(true)
    expect(controller.install()).toBe(true)
    expect(updater.installs).toEqual([[false, true]])
  })

  it('no update: checking → not-available', async () => {
    const { controller } = setup()
    expect((await controller.check()).state).toBe('not-available')
  })

  it('a failed check is an error state with the message (not only a log line); the next check clears it', async () => {
    const { updater, controller } = setup()
    updater.script = async (u) => {
      u.emit('checking-for-update')
      throw new Error('net::ERR_INTERNET_DISCONNECTED\n<html>…</html>')
    }
    const status = await controller.check()
    expect(status).toMatchObject({ state: 'error', error: 'net::ERR_INTERNET_DISCONNECTED' })
    updater.script = async (u) => {
      u.emit('checking-for-update')
      u.emit('update-not-available', {})
    }
    expect(await controller.check()).toMatchObject({ state: 'not-available', error: null })
  })

  it('an error emitted during a download (bad signature) leaves the error state', async () => {
    const { updater, controller } = setup()
    updater.script = async (u) => {
      u.emit('update-available', { version: '2.0.0' })
      u.emit('download-progress', { percent: 40, transferred: 4, total: 10, bytesPerSecond: 1 })
      u.emit('error', new Error('sha512 checksum mismatch'))
    }
    expect(await controller.check()).toMatchObject({ state: 'error', error: 'sha512 checksum mismatch', version: '2.0.0', progress: null })
  })

  it('checks at start and on every interval tick; a check while one runs or once ready is skipped', async () => {
    const { updater, controller, intervals } = setup()
    let release!: () => void
    updater.script = (u) => {
      u.emit('checking-for-update')
      return new Promise<void>((r) => (release = r))
    }
    controller.start()
    expect(updater.checks).toBe(1)
    expect(intervals).toHaveLength(1)
    expect(intervals[0]!.ms).toBe(4 * 3_600_000)
    await controller.check() // still checking
    expect(updater.checks).toBe(1)
    updater.emit('update-not-available', {})
    release()
    await flush()
    intervals[0]!.fn()
    expect(updater.checks).toBe(2)
    updater.emit('update-downloaded', { version: '1.2.0' })
    release()
    await flush()
    intervals[0]!.fn()
    expect(updater.checks).toBe(2)
    expect(controller.current.state).toBe('ready')
  })

  it('once ready, later events (not-available, error) do not lose the downloaded update', () => {
    let s = reduceUpdate(initialUpdateStatus('1.0.0', 'stable'), { type: 'update-downloaded', version: '1.1.0' }, 5)
    s = reduceUpdate(s, { type: 'update-not-available' }, 6)
    s = reduceUpdate(s, { type: 'checking-for-update' }, 7)
    s = reduceUpdate(s, { type: 'error', message: 'offline' }, 8)
    expect(s).toMatchObject({ state: 'ready', version: '1.1.0', error: 'offline' })
  })

  it('hostile progress numbers are clamped to a valid payload', () => {
    const s = reduceUpdate(initialUpdateStatus('1.0.0', 'stable'), { type: 'download-progress', progress: { percent: 180, transferred: NaN, total: -1, bytesPerSecond: Infinity } }, 1)
    expect(UpdateStatus.parse(s).progress).toEqual({ percent: 100, transferred: 0, total: 0, bytesPerSecond: 0 })
  })

  it('channel: stable reads latest without prereleases; beta takes prereleases; switching re-checks', async () => {
    const { updater, controller } = setup('stable')
    expect([updater.channel, updater.allowPrerelease, updater.allowDowngrade]).toEqual(['latest', false, false])
    controller.setChannel('beta')
    await flush()
    expect([updater.channel, updater.allowPrerelease, updater.allowDowngrade]).toEqual(['beta', true, false])
    expect(updater.checks).toBe(1)
    expect(controller.current.channel).toBe('beta')
  })

  it('stop clears the schedule', () => {
    const { controller, cleared } = setup()
    controller.start()
    controller.stop()
    expect(cleared()).toBe(1)
  })
})
