import { zip, strToU8, type AsyncZippable } from 'fflate'
import { readdirSync } from 'node:fs'
import { chmod, mkdir, open, writeFile } from 'node:fs/promises'
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
  /** Bytes of log per file and in all (defaults: 4 MB and 24 MB). */
  logLimits?: { perFile: number; total: number }
}

/** The newest this many bytes of each log: enough for a report, bounded for a huge log. */
const MAX_LOG_BYTES = 4 << 20
/** All logs together: current logs first, then archives, newest first, until this is used up. */
const MAX_TOTAL_LOG_BYTES = 24 << 20
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

async function tail(file: string, maxBytes: number): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const start = Math.max(0, size - maxBytes)
    const buf = Buffer.alloc(size - start)
    await handle.read(buf, 0, buf.length, start)
    return (start > 0 ? `[… ${start} earlier bytes left out]\n` : '') + buf.toString('utf8')
  } finally {
    await handle.close()
  }
}

/** `main.log` before `main.1.log` before `main.2.log`: what happened last matters most. */
function archiveIndex(name: string): number {
  return Number(/\.(\d+)\.log$/.exec(name)?.[1] ?? (name.includes('.old.') ? 1 : 0))
}

const CHUNK_CHARS = 128 * 1024

/**
 * `redact` over a large text in line-aligned chunks, yielding to the event loop between them,
 * so exporting megabytes of logs never stalls the host (tokens and keys never span lines).
 */
export async function redactLarge(text: string, secrets: readonly string[]): Promise<string> {
  const parts: string[] = []
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + CHUNK_CHARS)
    const newline = end < text.length ? text.indexOf('\n', end) : -1
    end = newline === -1 ? (end < text.length ? text.length : end) : newline + 1
    parts.push(redact(text.slice(start, end), secrets))
    start = end
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return parts.join('')
}

function logFiles(dataDir: string): string[] {
  try {
    return readdirSync(join(dataDir, 'logs'), { withFileTypes: true })
      .filter((e) => e.isFile() && /\.log(\.\d+)?$|\.old\.log$/.test(e.name))
      .map((e) => e.name)
      .sort((a, b) => archiveIndex(a) - archiveIndex(b) || a.localeCompare(b))
  } catch {
    return []
  }
}

export async function buildDiagnostics(input: DiagnosticsInput): Promise<{ zip: Uint8Array; files: string[] }> {
  const clean = (text: string): Uint8Array => strToU8(redact(text, input.secrets))
  const json = (value: unknown): Uint8Array => clean(`${JSON.stringify(value, null, 2)}\n`)
  const entries: Record<string, Uint8Array> = {
    'versions.json': json({ ...input.versions, exportedAt: (input.now ?? new Date()).toISOString() }),
    'health.json': json(input.health),
    'crashes.json': json(input.health.crashes),
    'settings.json': json(input.settings)
  }
  const perFile = input.logLimits?.perFile ?? MAX_LOG_BYTES
  let budget = input.logLimits?.total ?? MAX_TOTAL_LOG_BYTES
  const skipped: string[] = []
  for (const name of logFiles(input.dataDir)) {
    if (budget <= 0) {
      skipped.push(name)
      continue
    }
    try {
      const text = await tail(join(input.dataDir, 'logs', name), Math.min(perFile, budget))
      budget -= Buffer.byteLength(text)
      entries[`logs/${name}`] = strToU8(await redactLarge(text, input.secrets))
    } catch (err) {
      entries[`logs/${name}.unreadable.txt`] = clean(err instanceof Error ? err.message : String(err))
    }
  }
  if (skipped.length) entries['logs/SKIPPED.txt'] = clean(`Left out to keep the zip small (older archives): ${skipped.join(', ')}\n`)
  // fflate's async zip compresses off the main thread: the host stays responsive meanwhile.
  const zipped = await new Promise<Uint8Array>((resolve, reject) => zip(entries as AsyncZippable, { level: 6 }, (err, data) => (err ? reject(err) : resolve(data))))
  return { zip: zipped, files: Object.keys(entries) }
}

/** Writes the zip to <dataDir>/diagnostics/keel-diagnostics-<time>.zip (0600: it holds logs). */
export async function exportDiagnostics(input: DiagnosticsInput): Promise<DiagnosticsResult> {
  const { zip: data, files } = await buildDiagnostics(input)
  const dir = join(input.dataDir, 'diagnostics')
  await mkdir(dir, { recursive: true })
  const stamp = (input.now ?? new Date()).toISOString().replace(/[:.]/g, '-')
  const path = join(dir, `keel-diagnostics-${stamp}.zip`)
  await writeFile(path, data, { mode: 0o600 })
  await chmod(path, 0o600)
  return { path, bytes: data.length, files }
}
