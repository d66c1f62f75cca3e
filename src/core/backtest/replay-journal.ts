import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Fill } from '../../shared/trading'
import type { LiveFills } from './replay-service'

/**
 * The journal's fills read straight from <data-dir>/trading.db, read-only, for `keel replay`
 * run beside (or without) a running app: SQLite's WAL lets a reader look while the execution
 * worker writes. Each row is parsed with the Fill schema: the file is data from disk.
 * undefined when there is no journal to compare with.
 */
export function journalFills(dataDir: string): { liveFills: LiveFills; close(): void } | undefined {
  const path = join(dataDir, 'trading.db')
  if (!existsSync(path)) return undefined
  const db = new Database(path, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  const rows = db.prepare('SELECT data FROM fills WHERE account = ? AND seq >= ? ORDER BY seq').pluck()
  return {
    liveFills: async (account, fromSeq) => (rows.all(account, fromSeq) as string[]).map((data) => Fill.parse(JSON.parse(data))),
    close: () => db.close()
  }
}
