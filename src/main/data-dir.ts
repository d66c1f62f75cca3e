import { mkdirSync } from 'node:fs'

/**
 * The data dir holds the account (trading.db), the API token and logs: private to the user.
 * The folder is created 0700, and the process umask becomes 077 so every file the host or a
 * worker creates later (databases, WAL, backups, logs) is 0600; workers inherit the umask.
 */
export function preparePrivateDataDir(dataDir: string): void {
  process.umask(0o077)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
}
