import { closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { KeelError, describeZodError } from '../shared/errors'
import { DEFAULT_SETTINGS, Settings, mergeSettings, type SettingsPatch } from '../shared/settings'
import type { Logger } from './logger'

/**
 * `<data-dir>/settings.json`: read once at start (defaults under what the file has), changed
 * only through `update`, which validates the whole result and writes it atomically (temp file,
 * fsync, rename) with mode 0600. A damaged file is kept aside and defaults are used, with the
 * reason reported, rather than refusing to start or silently overwriting it.
 */
export class SettingsStore {
  readonly file: string
  private settings: Settings
  private readonly listeners = new Set<(next: Settings, before: Settings) => void>()
  readonly loadError: string | null

  constructor(
    dataDir: string,
    private readonly log: Logger
  ) {
    this.file = join(dataDir, 'settings.json')
    const { settings, error } = this.read()
    this.settings = settings
    this.loadError = error
  }

  get current(): Settings {
    return this.settings
  }

  onChange(listener: (next: Settings, before: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates current + patch as a whole; invalid → bad_request with every reason, nothing written. */
  update(patch: SettingsPatch): Settings {
    const parsed = Settings.safeParse(mergeSettings(this.settings, patch))
    if (!parsed.success) throw new KeelError('bad_request', `updateSettings: ${describeZodError(parsed.error)}`)
    const before = this.settings
    try {
      writeAtomic(this.file, `${JSON.stringify(parsed.data, null, 2)}\n`)
    } catch (err) {
      throw new KeelError('unavailable', `settings could not be saved to ${this.file}: ${err instanceof Error ? err.message : String(err)}`)
    }
    this.settings = parsed.data
    for (const listener of this.listeners) {
      try {
        listener(parsed.data, before)
      } catch (err) {
        this.log.warn('a settings listener failed', err)
      }
    }
    return parsed.data
  }

  private read(): { settings: Settings; error: string | null } {
    if (!existsSync(this.file)) return { settings: DEFAULT_SETTINGS, error: null }
    let reason: string
    try {
      const raw: unknown = JSON.parse(readFileSync(this.file, 'utf8'))
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object')
      const parsed = Settings.safeParse(mergeSettings(DEFAULT_SETTINGS, raw as Record<string, unknown>))
      if (parsed.success) return { settings: parsed.data, error: null }
      reason = describeZodError(parsed.error)
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err)
    }
    const kept = `${this.file}.bad-${Date.now()}`
    try {
      renameSync(this.file, kept)
    } catch (err) {
      this.log.warn(`could not move the unreadable ${this.file} aside`, err)
    }
    const error = `settings.json was unreadable (${reason}); using defaults, the file is kept as ${kept}`
    this.log.warn(error)
    return { settings: DEFAULT_SETTINGS, error }
  }
}

/** Write to a temp file beside the target, fsync it, then rename over: never a half file. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  const fd = openSync(temp, 'w', 0o600)
  try {
    fchmodSync(fd, 0o600) // a leftover temp file keeps its old mode otherwise
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temp, file)
}
