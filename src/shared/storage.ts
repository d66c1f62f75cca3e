import { z } from 'zod'

/**
 * What the owners of Keel's databases report about them (health `storage`), and the storage
 * recovery methods. Damage refuses trading with the cause; it never starts a fresh account
 * silently.
 */

export const StorageProblemKind = z.enum([
  'missing', // the database file is gone although Keel had written to it
  'empty', // the file is 0 bytes although Keel had written to it
  'corrupt', // not an SQLite file, or quick_check finds damage
  'behind', // fewer journal entries than the high-water mark: a lost or damaged WAL, an old copy
  'unavailable' // the environment refuses: disk full, read-only, permission denied
])
export type StorageProblemKind = z.infer<typeof StorageProblemKind>

export const StorageProblem = z.object({
  kind: StorageProblemKind,
  /** The file at fault. */
  file: z.string(),
  /** SQLite's (or the OS's) own words, when it had any. */
  cause: z.string(),
  /** What the user can do about it. */
  advice: z.string(),
  /** Where copies of the damaged files were put before anything touched them. */
  preservedAt: z.string().optional(),
  at: z.number()
})
export type StorageProblem = z.infer<typeof StorageProblem>

export const BackupInfo = z.object({
  file: z.string(),
  takenAt: z.number(),
  bytes: z.number().int().nonnegative(),
  /** Highest journal and order sequence in the backup. */
  journalSeq: z.number().int().nonnegative(),
  orderSeq: z.number().int().nonnegative()
})
export type BackupInfo = z.infer<typeof BackupInfo>

export const StorageHealth = z.object({
  database: z.enum(['trading', 'market']),
  path: z.string(),
  /** ok; damaged/unavailable (trading refused, see problem); rebuilt (moved aside and started empty: re-downloadable data only). */
  state: z.enum(['ok', 'damaged', 'unavailable', 'rebuilt']),
  problem: StorageProblem.nullable(),
  backups: z.array(BackupInfo).default([]),
  /** The journal mark kept outside the database. */
  highWaterMark: z.object({ journalSeq: z.number().int().nonnegative(), orderSeq: z.number().int().nonnegative() }).nullable()
})
export type StorageHealth = z.infer<typeof StorageHealth>

export const StorageStatusParams = z.object({}).strict().default({})

export const FRESH_ACCOUNT_CONFIRMATION = 'start a new account'

export const RestoreBackupParams = z
  .object({
    /** A file name from health's backups; the newest good one when absent. */
    file: z.string().min(1).max(200).optional()
  })
  .strict()
  .default({})
export type RestoreBackupParams = z.infer<typeof RestoreBackupParams>

export const RestoreBackupResult = z.object({
  restoredFrom: BackupInfo,
  /** Orders and journal entries acknowledged after the backup: not recoverable from it. */
  lostOrders: z.number().int().nonnegative(),
  lostJournalEntries: z.number().int().nonnegative(),
  preservedAt: z.string().optional(),
  message: z.string()
})
export type RestoreBackupResult = z.infer<typeof RestoreBackupResult>

export const StartFreshAccountParams = z
  .object({
    /** Must be exactly "start a new account": a new account over a damaged one is never a default. */
    confirm: z.literal(FRESH_ACCOUNT_CONFIRMATION)
  })
  .strict()
export type StartFreshAccountParams = z.infer<typeof StartFreshAccountParams>

export const StartFreshAccountResult = z.object({ preservedAt: z.string().optional(), message: z.string() })
export type StartFreshAccountResult = z.infer<typeof StartFreshAccountResult>

export const BackupNowResult = BackupInfo
