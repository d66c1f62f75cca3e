/**
 * Security decisions for the Electron shell, kept free of Electron imports so they are unit
 * tested under plain Node. The shell (window.ts, ipc-bridge.ts) applies them.
 */

/** The renderer may only ever show our own page; every navigation elsewhere is refused. */
export function isAllowedNavigation(targetUrl: string, appUrl: string): boolean {
  try {
    const target = new URL(targetUrl)
    const app = new URL(appUrl)
    if (target.protocol !== app.protocol) return false
    if (target.protocol === 'file:') return target.pathname === app.pathname
    return target.origin === app.origin
  } catch {
    return false
  }
}

/** IPC is answered only for our own top-level page, never for a frame or a foreign page. */
export function isTrustedSender(senderUrl: string | undefined, isMainFrame: boolean, appUrl: string): boolean {
  return isMainFrame && senderUrl !== undefined && isAllowedNavigation(senderUrl, appUrl)
}

/** Permissions the renderer may have: notifications (alerts) and nothing else. */
const ALLOWED_PERMISSIONS = new Set(['notifications'])
export function isPermissionAllowed(permission: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission)
}

/** Links we hand to the OS browser: https only, never file:, javascript: or custom schemes. */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}
