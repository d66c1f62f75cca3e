import { KeelError } from '../../shared/errors'

export type StorageFailureKind = 'corrupt' | 'unavailable'

const ENVIRONMENT = /^(SQLITE_FULL|SQLITE_READONLY|SQLITE_IOERR|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_BUSY|SQLITE_LOCKED|ENOSPC|EROFS|EACCES|EPERM|EDQUOT|EIO|EBUSY)/
const DAMAGE = /^(SQLITE_CORRUPT|SQLITE_NOTADB)/

/**
 * Whether an error is the storage's, not Keel's: the environment refusing (disk full,
 * read-only, no permission: fixable by the user, retried) or a damaged file.
 */
export function storageFailureKind(err: unknown): StorageFailureKind | undefined {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  if (DAMAGE.test(code)) return 'corrupt'
  if (ENVIRONMENT.test(code)) return 'unavailable'
  return undefined
}

export function describeStorageError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  const message = err instanceof Error ? err.message : String(err)
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}

const ADVICE: Record<StorageFailureKind, string> = {
  unavailable: 'free disk space or fix the permissions of the data directory; Keel carries on by itself once it can write again',
  corrupt: 'restore the newest backup (restoreBackup) or start a new account (startFreshAccount)'
}

/** A storage failure as the API error a caller can act on (503 with the cause); others unchanged. */
export function asStorageError(err: unknown, file: string): unknown {
  const kind = storageFailureKind(err)
  if (!kind) return err
  const code = kind === 'corrupt' ? 'storage_damaged' : 'storage_unavailable'
  return new KeelError(code, `${file}: ${describeStorageError(err)} — ${ADVICE[kind]}`)
}

export function storageAdvice(kind: StorageFailureKind): string {
  return ADVICE[kind]
}
