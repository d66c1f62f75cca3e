import { Menu, Tray, nativeImage } from 'electron'
import { join } from 'node:path'
import type { HealthReport } from '../../shared/health'
import { trayIconFile, trayStatus, type TrayLevel } from './tray-status'

/** The tray icon: Keel keeps running here when the window is closed. */
export class KeelTray {
  private readonly tray: Tray
  private level: TrayLevel | undefined
  private text = 'Keel: starting'

  constructor(
    private readonly resourcesDir: string,
    private readonly actions: { show(): void; quit(): void }
  ) {
    this.tray = new Tray(this.icon('ok'))
    this.tray.on('click', () => actions.show())
    this.render()
  }

  update(report: HealthReport): void {
    const status = trayStatus(report)
    if (status.text === this.text && status.level === this.level) return
    this.text = status.text
    if (status.level !== this.level) this.tray.setImage(this.icon(status.level))
    this.level = status.level
    this.render()
  }

  destroy(): void {
    this.tray.destroy()
  }

  private icon(level: TrayLevel): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.resourcesDir, trayIconFile(process.platform, level)))
  }

  private render(): void {
    this.tray.setToolTip(this.text)
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: this.text, enabled: false },
        { type: 'separator' },
        { label: 'Show Keel', click: () => this.actions.show() },
        { label: 'Quit Keel', click: () => this.actions.quit() }
      ])
    )
  }
}
