/** The logging surface the app core needs; electron-log (main or node flavour) provides it. */
export interface Logger {
  error(...args: unknown[]): void
  warn(...args: unknown[]): void
  info(...args: unknown[]): void
  debug(...args: unknown[]): void
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} }
