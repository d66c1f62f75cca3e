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

/**
 * electron-updater's autoUpdater seen through the controller's narrow interface. Its typed
 * `on` takes one listener type per event name; the controller validates every payload itself.
 */
function electronUpdater(): AutoUpdaterLike {
  return autoUpdater as AutoUpdaterLike
}
