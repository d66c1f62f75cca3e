import { app } from 'electron'
import log from 'electron-log/main'
import { autoUpdater } from 'electron-updater'
import type { UpdateService } from '../dist-host'
import type { UpdateChannel, UpdateStatus } from '../../shared/update'
import { UpdateController, disabledUpdateStatus, type AutoUpdaterLike } from '../updater-state'

export interface DesktopUpdater extends UpdateService {
  start(): void
  stop(): void
  setChannel(channel: UpdateChannel): void
}

/**
 * electron-updater behind the pure UpdateController: packaged builds check at start and every
 * 4 hours; a development build checks only with KEEL_DEV_UPDATES=1 (dev-app-update.yml, e.g.
 * the loopback feed of scripts/update-feed.ts).
 */
export function createDesktopUpdater(channel: UpdateChannel, onChange: (status: UpdateStatus) => void): DesktopUpdater {
  const version = app.getVersion()
  const dev = !app.isPackaged
  if (dev && process.env.KEEL_DEV_UPDATES !== '1') {
    let status = disabledUpdateStatus(version, channel, 'development build (KEEL_DEV_UPDATES=1 tries dev-app-update.yml)')
    return {
      status: () => status,
      check: async () => status,
      install: () => false,
      start() {},
      stop() {},
      setChannel(next) {
        status = { ...status, channel: next }
        onChange(status)
      }
    }
  }
  autoUpdater.logger = log
  if (dev) autoUpdater.forceDevUpdateConfig = true
  const controller = new UpdateController(electronUpdater(), { currentVersion: version, channel, onChange })
  return {
    status: () => controller.current,
    check: () => controller.check(),
    install: () => controller.install(),
    start: () => controller.start(),
    stop: () => controller.stop(),
    setChannel: (next) => controller.setChannel(next)
  }
}

/** electron-updater's autoUpdater seen through the controller's narrow interface. */
function electronUpdater(): AutoUpdaterLike {
  return {
    get channel() {
      return autoUpdater.channel
    },
    set channel(value) {
      autoUpdater.channel = value
    },
    get allowPrerelease() {
      return autoUpdater.allowPrerelease
    },
    set allowPrerelease(value) {
      autoUpdater.allowPrerelease = value
    },
    get allowDowngrade() {
      return autoUpdater.allowDowngrade
    },
    set allowDowngrade(value) {
      autoUpdater.allowDowngrade = value
    },
    get autoDownload() {
      return autoUpdater.autoDownload
    },
    set autoDownload(value) {
      autoUpdater.autoDownload = value
    },
    get autoInstallOnAppQuit() {
      return autoUpdater.autoInstallOnAppQuit
    },
    set autoInstallOnAppQuit(value) {
      autoUpdater.autoInstallOnAppQuit = value
    },
    on: (event, listener) => autoUpdater.on(event as 'error', listener as (err: Error) => void),
    checkForUpdates: () => autoUpdater.checkForUpdates(),
    quitAndInstall: (isSilent, isForceRunAfter) => autoUpdater.quitAndInstall(isSilent, isForceRunAfter)
  }
}
