import { zipSync, strToU8 } from 'fflate'
import { chmodSync, closeSync, mkdirSync, openSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HealthReport } from '../shared/health'
import type { DiagnosticsResult, Settings } from '../shared/settings'

/**
 * "Export diagnostics": one zip a user can attach to a bug report: every process's logs
 * (current and rotated), crash records, health, versions and settings. Everything passes
 * through `redact` first, so the API token, exchange keys and LLM keys never leave the machine.
 */
export interface DiagnosticsInput {
  dataDir: string
  health: HealthReport
  versions: Record<string, string>
  settings: Settings
  /** Values known to be secret (the API token, keys from the environment): removed wherever they appear. */
  secrets: string[]
  now?: Date
}

/** The newest this many bytes of each log: enough for a report, bounded for a huge log. */
const MAX_LOG_BYTES = 4 << 20
const REDACTED = '[redacted]'

const PATTERNS: RegExp[] = [
  /(token=)[^&\s"'<>]+/gi,
  /(bearer\s+)[\w.~+/=-]+/gi,
  /("?(?:api[_-]?key|apikey|secret|password|passphrase|token|authorization|privatekey)"?\s*[:=]\s*"?)[^"\s,}&]+/gi,
  /()\bsk-[\w-]{16,}/g
]

export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join(REDACTED)
  for (const pattern of PATTERNS) out = out.replace(pattern, (_m, prefix: string) => `${prefix}${REDACTED}`)
  return out
}

function tail(file: string, maxBytes: number): string {
  const size = statSync(file).size
  const start = Math.max(0, size - maxBytes)
  const buf = Buffer.alloc(size - start)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buf, 0, buf.length, start)
  } finally {
    closeSync(fd)
  }
  return (start > 0 ? `[… ${start} earlier bytes left out]\n` : '') + buf.toString('utf8')
}

function logFiles(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'logs'), { withFileTypes: true })
      .filter((e) => e.isFile() && /\.log(\.\d+)?$|\.old\.log$/.test(e.name))
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}

export function buildDiagnostics(input: DiagnosticsInput): { zip: Uint8Array; files: string[] } {
  const clean = (text: string): Uint8Array => strToU8(redact(text, input.secrets))
  const json = (value: unknown): Uint8Array => clean(`${JSON.stringify(value, null, 2)}\n`)
  const entries: Record<string, Uint8Array> = {
    'versions.json': json({ ...input.versions, exportedAt: (input.now ?? new Date()).toISOString() }),
    'health.json': json(input.health),
    'crashes.json': json(input.health.crashes),
    'settings.json': json(input.settings)
  }
  for (const name of logFiles(input.dataDir)) {
    try {
      entries[`logs/${name}`] = clean(tail(join(input.dataDir, 'logs', name), MAX_LOG_BYTES))
    } catch (err) {
      entries[`logs/${name}.unreadable.txt`] = clean(err instanceof Error ? err.message : String(err))
    }
  }
  return { zip: zipSync(entries, { level: 6 }), files: Object.keys(entries) }
}

/** Writes the zip to <dataDir>/diagnostics/keel-diagnostics-<time>.zip (0600: it holds logs). */
export function exportDiagnostics(input: DiagnosticsInput): DiagnosticsResult {
  const { zip, files } = buildDiagnostics(input)
  const dir = join(input.dataDir, 'diagnostics')
  mkdirSync(dir, { recursive: true })
  const stamp = (input.now ?? new Date()).toISOString().replace(/[:.]/g, '-')
  const path = join(dir, `keel-diagnostics-${stamp}.zip`)
  writeFileSync(path, zip, { mode: 0o600 })
  chmodSync(path, 0o600)
  return { path, bytes: zip.length, files }
}
