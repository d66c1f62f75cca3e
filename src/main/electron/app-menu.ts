import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { UpdateStatus } from '../../shared/update'
import { updateMenuItem } from './tray-menu'

export interface AppMenuActions {
  checkUpdates(): void
  installUpdate(): void
  openDataDir(): void
  exportDiagnostics(): void
}

/** The application menu: the standard roles plus updates, the data folder and diagnostics. */
export function setAppMenu(update: UpdateStatus, actions: AppMenuActions): void {
  const u = updateMenuItem(update)
  const updateItem: MenuItemConstructorOptions = { label: u.label, enabled: u.enabled, click: () => actions[u.action === 'installUpdate' ? 'installUpdate' : 'checkUpdates']() }
  const support: MenuItemConstructorOptions[] = [
    { label: 'Open Data Folder', click: () => actions.openDataDir() },
    { label: 'Export Diagnostics…', click: () => actions.exportDiagnostics() }
  ]
  const mac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const, submenu: [{ role: 'about' as const }, updateItem, { type: 'separator' as const }, { role: 'hide' as const }, { role: 'hideOthers' as const }, { type: 'separator' as const }, { role: 'quit' as const }] }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [...(mac ? [] : [updateItem, { type: 'separator' as const }]), ...support] }
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
