import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { ProtectionsState } from '../../shared/bots'

/**
 * Execution's protections settings (kill switch, per-account limits) in their own small file
 * beside trading.db: written whole to a temporary file, fsynced, then renamed, so a crash
 * leaves the old or the new settings, never half of either. A damaged file fails closed: the
 * kill switch reads as engaged until the settings are written again.
 */
export class ProtectionsFile {
  constructor(private readonly path: string) {}

  read(onDamaged: (why: string) => void): ProtectionsState {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { killSwitch: false, accounts: {} }
      onDamaged(`cannot read ${this.path}: ${(err as Error).message}`)
      return { killSwitch: true, accounts: {} }
    }
    try {
      return ProtectionsState.parse(JSON.parse(text))
    } catch (err) {
      onDamaged(`${this.path} is damaged (${(err as Error).message}): bot orders stay halted until protections are set again`)
      return { killSwitch: true, accounts: {} }
    }
  }

  write(state: ProtectionsState): void {
    const tmp = `${this.path}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, JSON.stringify(state))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.path)
  }
}
