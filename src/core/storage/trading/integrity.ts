import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { StorageProblem } from '../../../shared/storage'
import { describeStorageError, storageAdvice, storageFailureKind } from '../sqlite-errors'
import { hasDatabaseHeader, hasValidWalHeader } from '../sqlite-files'
import type { JournalMarks } from './high-water-mark'

/** The files of trading.db and what lives beside it. */
export interface TradingFiles {
  db: string
  wal: string
  shm: string
  mark: string
  backups: string
  damaged: string
}

export function tradingFiles(dataDir: string): TradingFiles {
  const db = join(dataDir, 'trading.db')
  return { db, wal: `${db}-wal`, shm: `${db}-shm`, mark: join(dataDir, 'trading.hwm'), backups: join(dataDir, 'backups'), damaged: join(dataDir, 'damaged') }
}

export type Inspection = { ok: true; marks: JournalMarks; walDamaged: boolean } | { ok: false; problem: StorageProblem }

const RESTORE = 'restore the newest backup (restoreBackup, or the banner\'s Restore button) or, to give up the account, start a new one (startFreshAccount)'

/**
 * Looks at trading.db before it is opened for writing: missing or empty although Keel wrote to
 * it, not an SQLite file, damaged (quick_check), or holding fewer journal entries than the
 * high-water mark says were committed (a lost or damaged WAL, an old copy put back). Opens the
 * database read-only, so nothing is checkpointed or deleted while it looks.
 */
export function inspectTradingDb(files: TradingFiles, expected: JournalMarks | undefined, hadBackups: boolean, now: number): Inspection {
  const problem = (kind: StorageProblem['kind'], file: string, cause: string, advice = RESTORE): Inspection => ({ ok: false, problem: { kind, file, cause, advice, at: now } })
  const everWritten = (expected !== undefined && (expected.journalSeq > 0 || expected.orderSeq > 0)) || hadBackups
  const evidence = expected ? `the journal mark (${basename(files.mark)}) records ${expected.journalSeq} journal entries and ${expected.orderSeq} orders` : 'backups of it exist'

  let size: number
  try {
    size = statSync(files.db).size
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return problem('unavailable', files.db, describeStorageError(err), storageAdvice('unavailable'))
    if (everWritten) return problem('missing', files.db, `the file does not exist, but ${evidence}`)
    return { ok: true, marks: { journalSeq: 0, orderSeq: 0 }, walDamaged: false }
  }
  // SQLite would open an unwritable file read-only without a word and fail every commit later.
  const unwritable = firstUnwritable([files.db, dirname(files.db), ...(existsSync(files.wal) ? [files.wal] : [])])
  if (unwritable) return problem('unavailable', unwritable.path, describeStorageError(unwritable.error), storageAdvice('unavailable'))
  const walSize = fileSize(files.wal)
  const walDamaged = walSize > 0 && !hasValidWalHeader(files.wal)
  if (size === 0 && walSize === 0) {
    if (everWritten) return problem('empty', files.db, `the file is 0 bytes, but ${evidence}`)
    return { ok: true, marks: { journalSeq: 0, orderSeq: 0 }, walDamaged: false }
  }
  if (size > 0 && !hasDatabaseHeader(files.db)) return problem('corrupt', files.db, 'not an SQLite database (the file header is wrong)')

  let marks: JournalMarks
  try {
    marks = readOnlyCheck(files.db)
  } catch (err) {
    const kind = storageFailureKind(err)
    if (kind === 'unavailable') return problem('unavailable', files.db, describeStorageError(err), storageAdvice('unavailable'))
    return problem('corrupt', files.db, describeStorageError(err))
  }
  if (expected && (marks.journalSeq < expected.journalSeq || marks.orderSeq < expected.orderSeq)) {
    const lostOrders = Math.max(0, expected.orderSeq - marks.orderSeq)
    const lostEntries = Math.max(0, expected.journalSeq - marks.journalSeq)
    const wal = walDamaged ? `; ${basename(files.wal)} is damaged (its header is invalid)` : ''
    return problem(
      'behind',
      walDamaged ? files.wal : files.db,
      `the database holds ${marks.journalSeq} journal entries and ${marks.orderSeq} orders, but ${evidence}: ${lostOrders} acknowledged orders and ${lostEntries} journal entries are missing${wal}`
    )
  }
  return { ok: true, marks, walDamaged }
}

/** quick_check and the journal's extent, through a read-only connection. */
function readOnlyCheck(path: string): JournalMarks {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const result = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check)
    if (result.join() !== 'ok') throw Object.assign(new Error(`quick_check: ${result.slice(0, 5).join('; ')}`), { code: 'SQLITE_CORRUPT' })
    return journalMarks(db)
  } finally {
    db.close()
  }
}

/** The highest journal and order sequence in a database (0 for a database without the schema yet). */
export function journalMarks(db: Database.Database): JournalMarks {
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[])
  const max = (table: string): number => (tables.has(table) ? (db.prepare(`SELECT COALESCE(MAX(seq), 0) FROM ${table}`).pluck().get() as number) : 0)
  return { journalSeq: max('journal'), orderSeq: max('orders') }
}

/** Copies the database files as they are into damaged/<time>/, before anything repairs or replaces them. */
export function preserveDamaged(files: TradingFiles, now: number): string {
  const dir = join(files.damaged, new Date(now).toISOString().replace(/[:.]/g, '-'))
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (const file of [files.db, files.wal, files.shm]) {
    if (!existsSync(file)) continue
    copyFileSync(file, join(dir, basename(file)))
    chmodSync(join(dir, basename(file)), 0o600)
  }
  return dir
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

function firstUnwritable(paths: string[]): { path: string; error: unknown } | undefined {
  for (const path of paths) {
    try {
      accessSync(path, constants.W_OK)
    } catch (error) {
      return { path, error }
    }
  }
  return undefined
}
