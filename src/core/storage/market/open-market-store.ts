import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { StorageHealth } from '../../../shared/storage'
import { describeStorageError, storageFailureKind } from '../sqlite-errors'
import { hasDatabaseHeader } from '../sqlite-files'
import { MarketStore } from './market-store'

/**
 * Opens market.db; a damaged one (not an SQLite file, or SQLite calls it corrupt on open) is
 * moved aside to damaged/ and rebuilt empty: candles are re-downloadable, so the market worker
 * carries on, and health and the log say so. No quick_check here: market.db can hold millions
 * of candles, and nothing in it is irreplaceable. Environment failures (disk full, read-only)
 * are thrown as they are: the supervisor retries, and the cause is in the crash record.
 */
export function openMarketStore(path: string, now = Date.now()): { store: MarketStore; health: StorageHealth } {
  const ok = (): StorageHealth => ({ database: 'market', path, state: 'ok', problem: null, backups: [], highWaterMark: null })
  let cause: string | undefined
  if (existsSync(path) && statSync(path).size > 0 && !hasDatabaseHeader(path)) cause = 'not an SQLite database (the file header is wrong)'
  if (!cause) {
    try {
      return { store: new MarketStore(path), health: ok() }
    } catch (err) {
      if (storageFailureKind(err) !== 'corrupt') throw err
      cause = describeStorageError(err)
    }
  }
  const aside = join(dirname(path), 'damaged', `${new Date(now).toISOString().replace(/[:.]/g, '-')}-market`)
  mkdirSync(aside, { recursive: true, mode: 0o700 })
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) renameSync(file, join(aside, basename(file)))
  const store = new MarketStore(path)
  return {
    store,
    health: {
      ...ok(),
      state: 'rebuilt',
      problem: {
        kind: 'corrupt',
        file: path,
        cause,
        advice: 'market.db was moved aside and started empty; download history again where you need it',
        preservedAt: aside,
        at: now
      }
    }
  }
}
