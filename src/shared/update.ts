import { z } from 'zod'

export const UpdateChannel = z.enum(['stable', 'beta'])
export type UpdateChannel = z.infer<typeof UpdateChannel>

export const UpdateState = z.enum(['disabled', 'idle', 'checking', 'not-available', 'available', 'downloading', 'ready', 'error'])
export type UpdateState = z.infer<typeof UpdateState>

export const DownloadProgress = z.object({
  percent: z.number().min(0).max(100),
  transferred: z.number().nonnegative(),
  total: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative()
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

/** The updater as the UI shows it (banner, tray, settings). */
export const UpdateStatus = z.object({
  state: UpdateState,
  /** The running app's version. */
  currentVersion: z.string(),
  channel: UpdateChannel,
  /** The version on offer (available, downloading, ready). */
  version: z.string().nullable(),
  progress: DownloadProgress.nullable(),
  /** The last error, shown to the user; kept while a downloaded update is still installable. */
  error: z.string().nullable(),
  /** Why updates are off (`disabled`): headless, or a development build. */
  reason: z.string().nullable(),
  lastCheckAt: z.number().nullable(),
  nextCheckAt: z.number().nullable()
})
export type UpdateStatus = z.infer<typeof UpdateStatus>
