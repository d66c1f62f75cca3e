import { app } from 'electron'
import log from 'electron-log/main'
import { autoUpdater } from 'electron-updater'

/** Checks for updates in packaged builds; downloads in the background, installs on quit. */
export function startAutoUpdates(): void {
  if (!app.isPackaged) return
  autoUpdater.logger = log
  autoUpdater.autoInstallOnAppQuit = true
  autoUpdater.checkForUpdatesAndNotify().catch((err: unknown) => log.warn('update check failed', err))
}
