import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { BackupInfo } from '../../../shared/storage'
import { journalMarks } from './integrity'

/** trading-<takenAt>-j<journalSeq>-o<orderSeq>.db: what a restore needs to know is in the name. */
const NAME = /^trading-(\d+)-j(\d+)-o(\d+)\.db$/

export interface BackupSource {
  backup(destination: string): Promise<void>
}

/**
 * Automatic online backups of trading.db in <data>/backups/, newest K kept. Each is made with
 * SQLite's backup API from the live connection (commits continue meanwhile), then checked
 * (quick_check) before it counts: a backup that can't be restored is worse than none.
 */
export class Backups {
  private readonly taking = new Set<string>()

  constructor(
    readonly dir: string,
    private readonly keep = 5
  ) {}

  /** Newest first. */
  list(): BackupInfo[] {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return []
    }
    const out: BackupInfo[] = []
    for (const file of names) {
      const m = NAME.exec(file)
      if (!m) continue
      const bytes = sizeOf(join(this.dir, file))
      if (bytes === undefined) continue // removed while we looked
      out.push({ file, takenAt: Number(m[1]), journalSeq: Number(m[2]), orderSeq: Number(m[3]), bytes })
    }
    return out.sort((a, b) => b.takenAt - a.takenAt || b.journalSeq - a.journalSeq)
  }

  async take(source: BackupSource, now: number): Promise<BackupInfo> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    const name = `.taking-${now}.db`
    const tmp = join(this.dir, name)
    this.taking.add(name)
    try {
      await source.backup(tmp)
      const marks = verify(tmp)
      const file = `trading-${now}-j${marks.journalSeq}-o${marks.orderSeq}.db`
      chmodSync(tmp, 0o600) // an account's whole history: private to the user, like trading.db
      renameSync(tmp, join(this.dir, file))
      this.prune()
      return { file, takenAt: now, bytes: statSync(join(this.dir, file)).size, ...marks }
    } finally {
      this.taking.delete(name)
      rmSync(tmp, { force: true })
    }
  }

  /** The newest backup that passes quick_check (or the named one), with its path. */
  newestGood(name?: string): { info: BackupInfo; path: string } | undefined {
    for (const info of this.list()) {
      if (name !== undefined && info.file !== name) continue
      const path = join(this.dir, info.file)
      try {
        verify(path)
        return { info, path }
      } catch {
        continue // a damaged backup is skipped; the next older one may be good
      }
    }
    return undefined
  }

  private prune(): void {
    for (const old of this.list().slice(this.keep)) rmSync(join(this.dir, old.file), { force: true })
    // A backup cut short by a kill leaves its temporary file behind.
    for (const file of readdirSync(this.dir)) if (file.startsWith('.taking-') && !this.taking.has(file)) rmSync(join(this.dir, file), { force: true })
  }
}

/** quick_check, then the journal's extent; throws when the copy is not sound. */
function verify(path: string): { journalSeq: number; orderSeq: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const check = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).join('; ')
    if (check !== 'ok') throw new Error(`backup ${path} fails quick_check: ${check}`)
    return journalMarks(db)
  } finally {
    db.close()
  }
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size
  } catch {
    return undefined
  }
}
