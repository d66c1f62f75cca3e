import { app, dialog, Notification, powerMonitor, shell, type BrowserWindow } from 'electron'
import log from 'electron-log/main'
import { join } from 'node:path'
import { z } from 'zod'
import { Disposables } from '../../core/util/disposables'
import { applyLogPolicy, logPolicyEnv } from '../../core/util/log-files'
import { isMethodName, type EventName } from '../../shared/api'
import { DiagnosticsResult } from '../../shared/settings'
import type { UpdateStatus } from '../../shared/update'
import { AppCore } from '../app-core'
import { preparePrivateDataDir } from '../data-dir'
import { distHostHandlers, logPolicyOf, runtimeVersions, secretsFromEnv } from '../dist-host'
import { SettingsStore } from '../settings-store'
import { setAppMenu } from './app-menu'
import { registerIpcBridge } from './ipc-bridge'
import { notificationFor, notificationKind } from './notifications'
import { SafeStorageSecrets } from './safe-storage-secrets'
import { KeelTray } from './tray'
import { KILL_SWITCH_CONFIRMATION, quitConfirmation, type TrayAction } from './tray-menu'
import { createDesktopUpdater } from './updater'
import { UtilitySpawner } from './utility-spawner'
import { createMainWindow, hardenSession, rendererUrl } from './window'

// The desktop host: the same AppCore as `keel serve`, with utilityProcess workers, the IPC
// bridge, a tray, an app menu and the updater. Closing the window keeps Keel running in the tray.

// KEEL_DATA_DIR moves everything Keel stores (tests, portable setups); before any getPath.
if (process.env.KEEL_DATA_DIR) app.setPath('userData', process.env.KEEL_DATA_DIR)
log.initialize()
log.transports.file.resolvePathFn = () => join(app.getPath('userData'), 'logs', 'main.log')

/** Bots the strategy worker runs, if it offers `listBots`; 0 otherwise (nothing to lose by quitting). */
const BotList = z.array(z.object({ state: z.string() }))
/** The strategy area's `killSwitchChanged` event, read by name (it may not exist in this build). */
const KillSwitchChanged = z.object({ engaged: z.boolean() })

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | undefined
  let tray: KeelTray | undefined
  let quitting = false
  // Every app-level listener and handle is registered here and undone on quit (DESIGN: one
  // disposal convention); window listeners go with their window.
  const lifetime = new Disposables()
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(__dirname, '../../resources')
  const dataDir = app.getPath('userData')
  const settings = new SettingsStore(dataDir, log)
  const policy = logPolicyOf(settings.current)
  applyLogPolicy(log.transports.file, policy, 'main')
  Object.assign(process.env, logPolicyEnv(policy))

  preparePrivateDataDir(dataDir)
  const publishUpdate = (status: UpdateStatus): void => {
    core.bus.publish('updateStatus', status)
    tray?.set({ update: status })
    refreshMenu()
  }
  const updater = createDesktopUpdater(settings.current.updates.channel, publishUpdate)

  const core: AppCore = new AppCore({
    mode: 'electron',
    version: app.getVersion(),
    dataDir,
    workerDir: __dirname,
    spawner: new UtilitySpawner(),
    log,
    hostHandlers: (c) =>
      distHostHandlers({
        dataDir,
        settings,
        updates: updater,
        bus: c.bus,
        health: () => c.health(),
        versions: runtimeVersions(app.getVersion(), 'electron'),
        secrets: () => secretsFromEnv(process.env),
        openFolder: async (path) => {
          const error = await shell.openPath(path)
          if (error) throw new Error(error)
        }
      }),
    secrets: new SafeStorageSecrets(app.getPath('userData')),
    settings
  })
  lifetime.add(core.faults.catchUncaught())

  /** The kill switch of the strategy area (halt bots, cancel their open orders), once its API exists. */
  const hasKillSwitch = isMethodName('killSwitch')
  let killSwitchEngaged = false
  const setKillSwitch = (engaged: boolean): void => {
    killSwitchEngaged = engaged
    tray?.set({ killSwitchEngaged: engaged })
  }
  const runningBots = async (): Promise<number> => {
    if (!isMethodName('listBots')) return 0
    try {
      const parsed = BotList.safeParse(await core.router.call('listBots', {}))
      if (!parsed.success) return 0
      return parsed.data.filter((b) => b.state === 'running').length
    } catch {
      return 0
    }
  }

  const show = (): void => {
    if (!window || window.isDestroyed()) window = openWindow()
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }

  const openWindow = (): BrowserWindow => {
    const win = createMainWindow(resourcesDir)
    win.on('close', (event) => {
      if (quitting) return
      event.preventDefault()
      win.hide()
    })
    win.on('show', () => tray?.set({ windowVisible: true }))
    win.on('hide', () => tray?.set({ windowVisible: false }))
    return win
  }

  const ask = async (prompt: { message: string; detail: string; buttons: [string, string] }): Promise<boolean> => {
    const options = { type: 'warning' as const, message: prompt.message, detail: prompt.detail, buttons: prompt.buttons, defaultId: 1, cancelId: 1 }
    const { response } = window && !window.isDestroyed() && window.isVisible() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options)
    return response === 0
  }

  const reportError = (what: string, err: unknown): void => {
    log.warn(what, err)
    dialog.showErrorBox(`Keel: ${what}`, err instanceof Error ? err.message : String(err))
  }

  const actions: Record<TrayAction, () => void> = {
    toggleWindow: () => (window && !window.isDestroyed() && window.isVisible() ? window.hide() : show()),
    killSwitch: () =>
      void (async () => {
        if (!hasKillSwitch) return
        // Engaging asks first; releasing is the user's explicit choice from the menu.
        if (!killSwitchEngaged && !(await ask(KILL_SWITCH_CONFIRMATION))) return
        const result = KillSwitchChanged.parse(await core.router.call('killSwitch', { engaged: !killSwitchEngaged }))
        setKillSwitch(result.engaged)
      })().catch((err: unknown) => reportError('the kill switch failed', err)),
    checkUpdates: () => void updater.check(),
    installUpdate: () => void updater.install(),
    toggleOpenAtLogin: () => {
      try {
        settings.update({ openAtLogin: !settings.current.openAtLogin })
      } catch (err) {
        reportError('the setting could not be saved', err)
      }
    },
    quit: () => app.quit()
  }

  const refreshMenu = (): void => {
    if (!app.isReady()) return
    setAppMenu(updater.status(), {
      checkUpdates: actions.checkUpdates,
      installUpdate: actions.installUpdate,
      openDataDir: () => void shell.openPath(dataDir),
      exportDiagnostics: () =>
        void core.router
          .call('exportDiagnostics', {})
          .then((result) => shell.showItemInFolder(DiagnosticsResult.parse(result).path))
          .catch((err: unknown) => reportError('diagnostics could not be exported', err))
    })
  }

  const applyLoginItem = (openAtLogin: boolean): void => {
    // Opened at login, Keel starts in the tray (see `startHidden`).
    if (process.platform === 'linux') return // no login items API on Linux; docs/user-guide covers autostart
    app.setLoginItemSettings({ openAtLogin, args: ['--hidden'] })
  }
  lifetime.add(
    settings.onChange((next, before) => {
      if (next.updates.channel !== before.updates.channel) updater.setChannel(next.updates.channel)
      if (next.openAtLogin !== before.openAtLogin) applyLoginItem(next.openAtLogin)
      tray?.set({ openAtLogin: next.openAtLogin })
    })
  )

  lifetime.listen(app, 'second-instance', show)
  lifetime.listen(app, 'activate', show)
  // The tray keeps Keel alive: closing the last window is not quitting.
  lifetime.listen(app, 'window-all-closed', () => {})
  const beforeQuit = (event: Electron.Event): void => {
    if (quitting) return
    event.preventDefault()
    void (async () => {
      const prompt = quitConfirmation(await runningBots())
      if (prompt && !(await ask(prompt))) return
      quitting = true
      updater.stop()
      await core.stop().catch((err: unknown) => log.warn('stopping workers failed', err))
      tray?.destroy()
      lifetime.dispose()
      // A real quit (not app.exit), so electron-updater installs a downloaded update on the way out.
      app.quit()
    })()
  }
  app.on('before-quit', beforeQuit)
  lifetime.add(() => app.removeListener('before-quit', beforeQuit))

  void app.whenReady().then(async () => {
    // A suspended laptop is a paused host: its sleep must not count as worker silence.
    lifetime.listen(powerMonitor, 'suspend', () => core.supervisor.hostSuspending())
    lifetime.listen(powerMonitor, 'resume', () => core.supervisor.hostResumed())
    hardenSession()
    lifetime.add(registerIpcBridge(core.router, core.bus, () => window, rendererUrl))
    const startHidden = process.argv.includes('--hidden') || app.getLoginItemSettings().wasOpenedAtLogin
    tray = new KeelTray(resourcesDir, { windowVisible: !startHidden, update: updater.status(), openAtLogin: settings.current.openAtLogin, killSwitchAvailable: hasKillSwitch, killSwitchEngaged }, actions)
    refreshMenu()
    applyLoginItem(settings.current.openAtLogin)
    const failedWorkers = new Set<string>()
    let lastUpdateState: string | undefined
    const unsubscribe = core.bus.subscribe((event: EventName, payload) => {
      if (event === 'health') tray?.update(core.health())
      if ((event as string) === 'killSwitchChanged') {
        const change = KillSwitchChanged.safeParse(payload)
        if (change.success) setKillSwitch(change.data.engaged)
      }
      if (event === 'updateStatus') {
        const state = (payload as UpdateStatus).state
        if (state === lastUpdateState) return
        lastUpdateState = state
      }
      const kind = notificationKind(event)
      const note = notificationFor(event, payload, failedWorkers)
      if (note && kind && settings.current.notifications[kind] && Notification.isSupported()) new Notification(note).show()
    })
    lifetime.add(unsubscribe)
    window = openWindow()
    if (startHidden) window.once('ready-to-show', () => window?.hide())
    updater.start()
    await core.start()
  })
}
