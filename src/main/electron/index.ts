import { app, Notification, type BrowserWindow } from 'electron'
import log from 'electron-log/main'
import { join } from 'node:path'
import { AppCore } from '../app-core'
import { registerIpcBridge } from './ipc-bridge'
import { SafeStorageSecrets } from './safe-storage-secrets'
import { notificationFor } from './notifications'
import { KeelTray } from './tray'
import { startAutoUpdates } from './updater'
import { UtilitySpawner } from './utility-spawner'
import { createMainWindow, hardenSession, rendererUrl } from './window'

// The desktop host: the same AppCore as `keel serve`, with utilityProcess workers, the IPC
// bridge, a tray and the updater. Closing the window keeps Keel running in the tray.

log.initialize()
log.transports.file.resolvePathFn = () => join(app.getPath('userData'), 'logs', 'main.log')

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | undefined
  let tray: KeelTray | undefined
  let quitting = false
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(__dirname, '../../resources')

  const core = new AppCore({
    mode: 'electron',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    workerDir: __dirname,
    spawner: new UtilitySpawner(),
    log,
    secrets: new SafeStorageSecrets(app.getPath('userData'))
  })

  const show = (): void => {
    if (!window || window.isDestroyed()) window = openWindow()
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  const openWindow = (): BrowserWindow => {
    const win = createMainWindow()
    win.on('close', (event) => {
      if (quitting) return
      event.preventDefault()
      win.hide()
    })
    return win
  }

  app.on('second-instance', show)
  app.on('activate', show)
  // The tray keeps Keel alive: closing the last window is not quitting.
  app.on('window-all-closed', () => {})
  app.on('before-quit', (event) => {
    if (quitting) return
    quitting = true
    event.preventDefault()
    void core.stop().finally(() => {
      tray?.destroy()
      app.exit(0)
    })
  })

  void app.whenReady().then(async () => {
    hardenSession()
    registerIpcBridge(core.router, core.bus, () => window, rendererUrl)
    tray = new KeelTray(resourcesDir, { show, quit: () => app.quit() })
    const failedWorkers = new Set<string>()
    core.bus.subscribe((event, payload) => {
      if (event === 'health') tray?.update(core.health())
      const note = notificationFor(event, payload, failedWorkers)
      if (note && Notification.isSupported()) new Notification(note).show()
    })
    window = openWindow()
    startAutoUpdates()
    await core.start()
  })
}
