import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron'
import { join } from 'node:path'
import type { HealthReport } from '../../shared/health'
import { trayMenu, type TrayAction, type TrayModel } from './tray-menu'
import { trayIconFile, trayStatus, type TrayLevel } from './tray-status'

/** The tray icon: Keel keeps running here when the window is closed. */
export class KeelTray {
  private readonly tray: Tray
  private level: TrayLevel | undefined
  private model: TrayModel

  constructor(
    private readonly resourcesDir: string,
    initial: Omit<TrayModel, 'status'>,
    private readonly actions: Record<TrayAction, () => void>
  ) {
    this.model = { ...initial, status: { level: 'ok', text: 'Keel: starting' } }
    this.tray = new Tray(this.icon('ok'))
    this.tray.on('click', () => actions.toggleWindow())
    this.render()
  }

  update(report: HealthReport): void {
    const status = trayStatus(report)
    if (status.text === this.model.status.text && status.level === this.model.status.level) return
    this.set({ status })
  }

  /** Any other part of the menu (window shown, update state, open at login). */
  set(change: Partial<TrayModel>): void {
    this.model = { ...this.model, ...change }
    if (this.model.status.level !== this.level) {
      this.tray.setImage(this.icon(this.model.status.level))
      this.level = this.model.status.level
    }
    this.render()
  }

  destroy(): void {
    this.tray.destroy()
  }

  private icon(level: TrayLevel): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.resourcesDir, trayIconFile(process.platform, level)))
  }

  private render(): void {
    this.tray.setToolTip(this.model.status.text)
    const template = trayMenu(this.model).map((item): MenuItemConstructorOptions => {
      switch (item.kind) {
        case 'label':
          return { label: item.label, enabled: false }
        case 'separator':
          return { type: 'separator' }
        case 'checkbox':
          return { label: item.label, type: 'checkbox', checked: item.checked, click: () => this.actions[item.action]() }
        case 'action':
          return { label: item.label, enabled: item.enabled, click: () => this.actions[item.action]() }
      }
    })
    this.tray.setContextMenu(Menu.buildFromTemplate(template))
  }
}
