import log from 'electron-log/renderer'

/**
 * The renderer's logger: electron-log, which in the desktop app forwards to main's log file
 * (main calls log.initialize(), which injects its bridge). In a browser against `keel serve`
 * there is no bridge, so it logs to the console only.
 */
if (!(window as { __electronLog?: unknown }).__electronLog) log.transports.ipc.level = false

/** Uncaught errors and rejections reach the log file rather than vanishing in devtools. */
export function logUncaughtErrors(): void {
  window.addEventListener('error', (e) => log.error('uncaught', e.message, e.filename, e.lineno))
  window.addEventListener('unhandledrejection', (e) => log.error('unhandled rejection', String(e.reason)))
}

export { log }
