import { BrowserWindow, session, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY } from '../web-policy'
import { isAllowedNavigation, isExternalLink, isPermissionAllowed } from './security-policy'
import { windowIconFile } from './tray-status'

/** The renderer's URL: electron-vite's dev server in `npm run dev`, the built file otherwise. */
export function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(__dirname, '../renderer/index.html')).toString()
}

/** Session-wide hardening: the CSP header and a deny-by-default permission handler. */
export function hardenSession(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)))
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission))
}

export function createMainWindow(resourcesDir: string): BrowserWindow {
  const iconFile = windowIconFile(process.platform)
  const win = new BrowserWindow({
    ...(iconFile && { icon: join(resourcesDir, iconFile) }),
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Keel',
    backgroundColor: '#0f1419',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // Middle-click could otherwise open links in a new window, around setWindowOpenHandler.
      disableBlinkFeatures: 'Auxclick'
    }
  })
  const appUrl = rendererUrl()
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appUrl)) event.preventDefault()
  })
  // New windows are never opened; https links (docs, exchange sites) go to the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(appUrl)
  return win
}
