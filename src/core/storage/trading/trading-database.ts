import { copyFileSync, renameSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { KeelError } from '../../../shared/errors'
import type {
  BackupInfo,
  RestoreBackupParams,
  RestoreBackupResult,
  StartFreshAccountResult,
  StorageHealth,
  StorageProblem
} from '../../../shared/storage'
import { describeStorageError, storageAdvice, storageFailureKind } from '../sqlite-errors'
import { Backups } from './backup'
import { HighWaterMark, type JournalMarks } from './high-water-mark'
import { inspectTradingDb, preserveDamaged, tradingFiles, type TradingFiles } from './integrity'
import { TradingStore, type TradingStoreOptions } from './trading-store'

export interface StorageLog {
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
}

export interface TradingDatabaseOptions {
  dataDir: string
  log: StorageLog
  now?: () => number
  store?: Omit<TradingStoreOptions, 'onCommit'>
  /** Backups kept in <data>/backups (default 5). */
  keepBackups?: number
  /** How often an unavailable database (disk full, read-only) is tried again (default 5 s). */
  retryMs?: number
  /** Every change of the storage state (for health and the UI). */
  onStatus?: (health: StorageHealth) => void
  /** The database is open and sound: start trading on it. */
  onOpen?: (store: TradingStore) => void
}

/**
 * trading.db's lifecycle around the store: checked before it is opened (integrity, journal
 * mark), refused with the cause when damaged (never replaced silently by a fresh one), retried
 * by itself when the environment refused it, backed up online, restored or started over only
 * on an explicit call. The execution worker trades on `store` while it is defined.
 */
export class TradingDatabase {
  readonly files: TradingFiles
  readonly backups: Backups
  private readonly mark: HighWaterMark
  private readonly now: () => number
  private current: TradingStore | undefined
  private problem: StorageProblem | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private backupTimer: NodeJS.Timeout | undefined
  private backingUp: Promise<BackupInfo> | undefined
  private markFailed = false

  constructor(private readonly options: TradingDatabaseOptions) {
    this.files = tradingFiles(options.dataDir)
    this.backups = new Backups(this.files.backups, options.keepBackups ?? 5)
    this.mark = new HighWaterMark(this.files.mark)
    this.now = options.now ?? Date.now
  }

  get store(): TradingStore | undefined {
    return this.current
  }

  /** Opens trading.db if it is sound; otherwise records why and refuses. True when open. */
  open(): boolean {
    clearTimeout(this.retryTimer)
    const expected = this.mark.read()
    const inspection = inspectTradingDb(this.files, expected, this.backups.list().length > 0, this.now())
    if (!inspection.ok) return this.refuse(inspection.problem)
    if (inspection.walDamaged) {
      const copy = preserveDamaged(this.files, this.now())
      this.options.log.warn(`${basename(this.files.wal)} had a damaged header but the journal matches its mark: nothing is lost; a copy is kept in ${copy}`)
    }
    let store: TradingStore
    try {
      store = TradingStore.open(this.files.db, { ...this.options.store, onCommit: (err) => this.committed(err) })
    } catch (err) {
      const kind = storageFailureKind(err) ?? 'corrupt'
      return this.refuse({ kind, file: this.files.db, cause: describeStorageError(err), advice: storageAdvice(kind), at: this.now() })
    }
    this.current = store
    if (expected) this.mark.advance(store.marks())
    else this.mark.reset(store.marks())
    this.problem = undefined
    this.emitStatus()
    this.options.onOpen?.(store)
    return true
  }

  /** The error every trading method answers while the database is refused. */
  refusal(): KeelError {
    const p = this.problem
    if (!p) return new KeelError('storage_unavailable', `${this.files.db} is not open yet`)
    const what = p.kind === 'unavailable' ? 'cannot be used' : `is damaged (${p.kind})`
    const copy = p.preservedAt ? ` Copies of the damaged files are in ${p.preservedAt}.` : ''
    const code = p.kind === 'unavailable' ? 'storage_unavailable' : 'storage_damaged'
    return new KeelError(code, `${p.file} ${what}: ${p.cause}. Trading is refused: ${p.advice}.${copy}`)
  }

  status(): StorageHealth {
    const state = this.problem ? (this.problem.kind === 'unavailable' ? 'unavailable' : 'damaged') : 'ok'
    const marks = this.mark.read()
    return { database: 'trading', path: this.files.db, state, problem: this.problem ?? null, backups: this.backups.list(), highWaterMark: marks ?? null }
  }

  /** Backups every `intervalMs` while open (the first after `firstMs`). */
  scheduleBackups(intervalMs: number, firstMs = Math.min(intervalMs, 30_000)): void {
    clearTimeout(this.backupTimer)
    const run = (delay: number) => {
      this.backupTimer = setTimeout(() => {
        if (this.current) this.backupNow().catch((err: unknown) => this.options.log.warn('automatic backup failed:', describeStorageError(err)))
        run(intervalMs)
      }, delay)
      this.backupTimer.unref?.()
    }
    run(firstMs)
  }

  async backupNow(): Promise<BackupInfo> {
    const store = this.current
    if (!store) throw this.refusal()
    if (this.backingUp) return this.backingUp
    this.backingUp = this.backups.take(store, this.now())
    try {
      const info = await this.backingUp
      this.options.log.info(`backup ${info.file} taken (${info.journalSeq} journal entries, ${info.orderSeq} orders)`)
      this.emitStatus()
      return info
    } finally {
      this.backingUp = undefined
    }
  }

  /** Puts the newest sound backup (or the named one) in place of a damaged database and opens it. */
  restore(params: RestoreBackupParams): RestoreBackupResult {
    this.refuseUnlessDamaged('restore a backup')
    const chosen = this.backups.newestGood(params.file)
    if (!chosen) {
      const which = params.file ? `backup ${params.file} is missing or fails quick_check` : `no sound backup in ${this.files.backups}`
      throw new KeelError('not_found', `${which}; startFreshAccount is the remaining choice`)
    }
    const expected = this.mark.read() ?? { journalSeq: 0, orderSeq: 0 }
    const preservedAt = this.preserve()
    const tmp = `${this.files.db}.restoring`
    copyFileSync(chosen.path, tmp)
    this.removeDatabaseFiles()
    renameSync(tmp, this.files.db)
    const { journalSeq, orderSeq } = chosen.info
    this.mark.reset({ journalSeq, orderSeq })
    if (!this.open()) throw this.refusal()
    const lostOrders = Math.max(0, expected.orderSeq - orderSeq)
    const lostJournalEntries = Math.max(0, expected.journalSeq - journalSeq)
    const message =
      `restored ${chosen.info.file} (taken ${new Date(chosen.info.takenAt).toISOString()}): ` +
      (lostOrders + lostJournalEntries === 0
        ? 'nothing acknowledged was lost'
        : `${lostOrders} orders and ${lostJournalEntries} journal entries acknowledged after it could not be recovered`)
    this.options.log.warn(message)
    return { restoredFrom: chosen.info, lostOrders, lostJournalEntries, message, ...(preservedAt ? { preservedAt } : {}) }
  }

  /** A new, empty account in place of a damaged database: only ever on this explicit call. */
  startFresh(): StartFreshAccountResult {
    this.refuseUnlessDamaged('start a new account')
    const preservedAt = this.preserve()
    this.removeDatabaseFiles()
    this.mark.reset({ journalSeq: 0, orderSeq: 0 })
    if (!this.open()) throw this.refusal()
    const message = `started a new account; the damaged database ${preservedAt ? `is kept in ${preservedAt}` : 'was not kept'}`
    this.options.log.warn(message)
    return { message, ...(preservedAt ? { preservedAt } : {}) }
  }

  /** Stops timers; with `backup`, takes a last backup first (clean shutdown). */
  async close(backup = false): Promise<void> {
    clearTimeout(this.retryTimer)
    clearTimeout(this.backupTimer)
    if (backup && this.current) {
      try {
        await this.backupNow()
      } catch (err) {
        this.options.log.warn('backup at shutdown failed:', describeStorageError(err))
      }
    }
    this.current?.close()
    this.current = undefined
    this.mark.close()
  }

  private refuse(problem: StorageProblem): false {
    if (problem.kind !== 'unavailable' && !problem.preservedAt) {
      try {
        problem = { ...problem, preservedAt: preserveDamaged(this.files, this.now()) }
      } catch (err) {
        this.options.log.warn('could not copy the damaged files aside:', describeStorageError(err))
      }
    }
    this.problem = problem
    this.options.log.error(this.refusal().message)
    this.emitStatus()
    if (problem.kind === 'unavailable') {
      this.retryTimer = setTimeout(() => this.open(), this.options.retryMs ?? 5_000)
      this.retryTimer.unref?.()
    }
    return false
  }

  /** After every commit: the mark follows the journal; a disk that refused and recovers shows in health. */
  private committed(err?: unknown): void {
    if (err !== undefined) {
      const kind = storageFailureKind(err)
      if (kind && this.problem?.cause !== describeStorageError(err)) {
        this.problem = { kind: kind === 'corrupt' ? 'corrupt' : 'unavailable', file: this.files.db, cause: describeStorageError(err), advice: storageAdvice(kind), at: this.now() }
        this.options.log.error(`${this.files.db}: a commit failed: ${this.problem.cause}`)
        this.emitStatus()
      }
      return
    }
    if (this.problem) {
      this.options.log.info(`${this.files.db} accepts writes again`)
      this.problem = undefined
      this.emitStatus()
    }
    try {
      this.mark.advance((this.current as TradingStore).marks())
      this.markFailed = false
    } catch (e) {
      if (!this.markFailed) this.options.log.warn(`could not update ${this.files.mark}:`, describeStorageError(e))
      this.markFailed = true
    }
  }

  private refuseUnlessDamaged(action: string): void {
    if (!this.problem || this.problem.kind === 'unavailable' || this.current) {
      const why = this.problem?.kind === 'unavailable' ? `it is unavailable (${this.problem.cause}): fix the disk, Keel carries on by itself` : 'it is sound (resetAccount starts an account over)'
      throw new KeelError('rejected', `will not ${action} over ${this.files.db}: ${why}`)
    }
  }

  private preserve(): string | undefined {
    return this.problem?.preservedAt ?? preserveDamaged(this.files, this.now())
  }

  private removeDatabaseFiles(): void {
    for (const file of [this.files.db, this.files.wal, this.files.shm]) rmSync(file, { force: true })
  }

  private emitStatus(): void {
    this.options.onStatus?.(this.status())
  }
}

export type { JournalMarks }
