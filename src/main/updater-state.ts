import { z } from 'zod'
import type { DownloadProgress, UpdateChannel, UpdateStatus } from '../shared/update'

/**
 * The updater as a state machine, free of Electron: electron-updater's autoUpdater (or a fake
 * in tests) is driven through `AutoUpdaterLike`, its events are folded into an `UpdateStatus`
 * by `reduceUpdate`, and `UpdateController` adds the schedule (at start, then every few hours).
 */

/** What electron-updater emits, as this module reads it. */
export type UpdaterEvent =
  | { type: 'checking-for-update' }
  | { type: 'update-available'; version: string }
  | { type: 'update-not-available' }
  | { type: 'download-progress'; progress: DownloadProgress }
  | { type: 'update-downloaded'; version: string }
  | { type: 'error'; message: string }

export function initialUpdateStatus(currentVersion: string, channel: UpdateChannel): UpdateStatus {
  return { state: 'idle', currentVersion, channel, version: null, progress: null, error: null, reason: null, lastCheckAt: null, nextCheckAt: null }
}

/** One event → the next status. A downloaded update stays ready whatever later checks say. */
export function reduceUpdate(status: UpdateStatus, event: UpdaterEvent, now: number): UpdateStatus {
  if (status.state === 'disabled') return status
  const ready = status.state === 'ready'
  switch (event.type) {
    case 'checking-for-update':
      if (ready || status.state === 'downloading') return status
      return { ...status, state: 'checking', error: null, lastCheckAt: now }
    case 'update-available':
      if (ready && status.version === event.version) return status
      return { ...status, state: 'available', version: event.version, progress: null, error: null }
    case 'update-not-available':
      if (ready) return status
      return { ...status, state: 'not-available', version: null, progress: null, error: null }
    case 'download-progress':
      if (ready) return status
      return { ...status, state: 'downloading', progress: clampProgress(event.progress) }
    case 'update-downloaded':
      return { ...status, state: 'ready', version: event.version, progress: null, error: null }
    case 'error':
      return ready ? { ...status, error: event.message } : { ...status, state: 'error', progress: null, error: event.message }
  }
}

function clampProgress(p: DownloadProgress): DownloadProgress {
  const finite = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0)
  return { percent: Math.min(100, finite(p.percent)), transferred: finite(p.transferred), total: finite(p.total), bytesPerSecond: finite(p.bytesPerSecond) }
}

/** The part of electron-updater's AppUpdater this controller uses. */
export interface AutoUpdaterLike {
  channel: string | null
  allowPrerelease: boolean
  allowDowngrade: boolean
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  on(event: string, listener: (arg: unknown) => void): unknown
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

export interface UpdateControllerOptions {
  currentVersion: string
  channel: UpdateChannel
  /** Time between background checks; Keel can live in the tray for days. */
  intervalMs?: number
  onChange(status: UpdateStatus): void
  now?: () => number
  setInterval?: (fn: () => void, ms: number) => { unref?(): void }
  clearInterval?: (handle: unknown) => void
}

export const DEFAULT_CHECK_INTERVAL_MS = 4 * 60 * 60_000

export class UpdateController {
  private status: UpdateStatus
  private timer: unknown
  private readonly intervalMs: number
  private readonly now: () => number

  constructor(
    private readonly updater: AutoUpdaterLike,
    private readonly options: UpdateControllerOptions
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS
    this.now = options.now ?? Date.now
    this.status = initialUpdateStatus(options.currentVersion, options.channel)
    updater.autoDownload = true
    updater.autoInstallOnAppQuit = true
    this.applyChannel(options.channel)
    const on = (event: string, map: (arg: unknown) => UpdaterEvent): void => {
      updater.on(event, (arg) => this.apply(map(arg)))
    }
    on('checking-for-update', () => ({ type: 'checking-for-update' }))
    on('update-available', (info) => ({ type: 'update-available', version: versionOf(info) }))
    on('update-not-available', () => ({ type: 'update-not-available' }))
    on('download-progress', (p) => ({ type: 'download-progress', progress: progressOf(p) }))
    on('update-downloaded', (info) => ({ type: 'update-downloaded', version: versionOf(info) }))
    on('error', (err) => ({ type: 'error', message: errorText(err) }))
  }

  get current(): UpdateStatus {
    return this.status
  }

  /** Checks now, then every `intervalMs`. */
  start(): void {
    this.stop()
    const every = this.options.setInterval ?? ((fn, ms) => setInterval(fn, ms))
    const handle = every(() => void this.check(), this.intervalMs)
    handle.unref?.()
    this.timer = handle
    void this.check()
  }

  stop(): void {
    if (this.timer !== undefined) (this.options.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout)))(this.timer)
    this.timer = undefined
  }

  /** A check (also the tray's and menu's "Check for updates"); no-op while one is under way. */
  async check(): Promise<UpdateStatus> {
    if (this.status.state === 'checking' || this.status.state === 'downloading' || this.status.state === 'ready') return this.status
    this.setStatus({ ...this.status, nextCheckAt: this.timer === undefined ? null : this.now() + this.intervalMs })
    try {
      await this.updater.checkForUpdates()
    } catch (err) {
      // electron-updater usually emits 'error' too; folding the same message twice is harmless.
      this.apply({ type: 'error', message: errorText(err) })
    }
    return this.status
  }

  /** "Restart to update": only once an update is downloaded. */
  install(): boolean {
    if (this.status.state !== 'ready') return false
    this.updater.quitAndInstall(false, true)
    return true
  }

  /** Switching channel re-checks at once; beta also takes prereleases. */
  setChannel(channel: UpdateChannel): void {
    if (channel === this.status.channel) return
    this.applyChannel(channel)
    const keepReady = this.status.state === 'ready'
    this.setStatus(keepReady ? { ...this.status, channel } : { ...initialUpdateStatus(this.status.currentVersion, channel), lastCheckAt: this.status.lastCheckAt })
    void this.check()
  }

  private applyChannel(channel: UpdateChannel): void {
    this.updater.channel = channel === 'beta' ? 'beta' : 'latest'
    this.updater.allowPrerelease = channel === 'beta'
    this.updater.allowDowngrade = false
  }

  private apply(event: UpdaterEvent): void {
    this.setStatus(reduceUpdate(this.status, event, this.now()))
  }

  private setStatus(next: UpdateStatus): void {
    if (next === this.status) return
    this.status = next
    this.options.onChange(next)
  }
}

/** The disabled status for hosts that do not update themselves (headless, dev builds). */
export function disabledUpdateStatus(currentVersion: string, channel: UpdateChannel, reason: string): UpdateStatus {
  return { ...initialUpdateStatus(currentVersion, channel), state: 'disabled', reason }
}

/** electron-updater's UpdateInfo and ProgressInfo, read defensively (they come from a feed). */
const UpdateInfo = z.object({ version: z.string().min(1).max(100) })
const ProgressInfo = z.object({ percent: z.number(), transferred: z.number(), total: z.number(), bytesPerSecond: z.number() }).partial()

function versionOf(info: unknown): string {
  const parsed = UpdateInfo.safeParse(info)
  return parsed.success ? parsed.data.version : 'unknown'
}

function progressOf(p: unknown): DownloadProgress {
  const parsed = ProgressInfo.safeParse(p)
  const v = parsed.success ? parsed.data : {}
  return { percent: v.percent ?? 0, transferred: v.transferred ?? 0, total: v.total ?? 0, bytesPerSecond: v.bytesPerSecond ?? 0 }
}

function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  // electron-updater's messages can carry a whole HTTP response; the first line says what failed.
  return message.split('\n')[0]!.slice(0, 300)
}
