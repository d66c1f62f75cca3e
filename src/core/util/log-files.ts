import { renameSync, rmSync } from 'node:fs'
import { parse, join } from 'node:path'
import { z } from 'zod'

/**
 * Log file policy shared by every Keel process (host and workers, which all log with
 * electron-log): rotate past a size, keep a number of archives (`main.1.log` newest …
 * `main.N.log` oldest), plain text or one JSON object per line. The host passes the policy to
 * workers through the environment (`logPolicyEnv`), so every process follows the same setting.
 */
export const LogPolicy = z.object({
  format: z.enum(['text', 'json']),
  maxSizeBytes: z.number().int().min(64 * 1024),
  maxFiles: z.number().int().min(1).max(100)
})
export type LogPolicy = z.infer<typeof LogPolicy>

export const DEFAULT_LOG_POLICY: LogPolicy = { format: 'text', maxSizeBytes: 10 << 20, maxFiles: 5 }

/** The part of electron-log's file transport this configures. */
export interface FileTransportLike {
  maxSize: number
  archiveLogFn(oldLogFile: { path: string }): void
  /** A template string or a function of electron-log's FormatParams. */
  format: unknown
}

export function logPolicyEnv(policy: LogPolicy): Record<string, string> {
  return { KEEL_LOG_FORMAT: policy.format, KEEL_LOG_MAX_BYTES: String(policy.maxSizeBytes), KEEL_LOG_MAX_FILES: String(policy.maxFiles) }
}

/** The policy from the environment; anything missing or malformed falls back to the default. */
export function logPolicyFromEnv(env: NodeJS.ProcessEnv): LogPolicy {
  const parsed = LogPolicy.safeParse({
    format: env.KEEL_LOG_FORMAT ?? DEFAULT_LOG_POLICY.format,
    maxSizeBytes: Number(env.KEEL_LOG_MAX_BYTES ?? DEFAULT_LOG_POLICY.maxSizeBytes),
    maxFiles: Number(env.KEEL_LOG_MAX_FILES ?? DEFAULT_LOG_POLICY.maxFiles)
  })
  return parsed.success ? parsed.data : DEFAULT_LOG_POLICY
}

/** Shifts `x.log` → `x.1.log` → … → `x.<maxFiles>.log`, dropping the oldest. */
export function rotateLogFile(path: string, maxFiles: number): void {
  const { dir, name, ext } = parse(path)
  const archive = (n: number): string => join(dir, `${name}.${n}${ext}`)
  rmSync(archive(maxFiles), { force: true })
  for (let n = maxFiles - 1; n >= 1; n--) {
    try {
      renameSync(archive(n), archive(n + 1))
    } catch {
      // a gap in the sequence (first rotations) is fine
    }
  }
  renameSync(path, archive(1))
}

function text(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

export function applyLogPolicy(transport: FileTransportLike, policy: LogPolicy, source: string): void {
  transport.maxSize = policy.maxSizeBytes
  transport.archiveLogFn = (file) => {
    try {
      rotateLogFile(file.path, policy.maxFiles)
    } catch (err) {
      process.stderr.write(`[${source}] log rotation failed: ${text(err)}\n`)
    }
  }
  if (policy.format === 'json') {
    transport.format = ({ message }: { message: { date: Date; level: string; data: unknown[]; scope?: string } }): string[] => [
      JSON.stringify({ time: message.date.toISOString(), level: message.level, source, ...(message.scope && { scope: message.scope }), msg: message.data.map(text).join(' ') })
    ]
  }
}
