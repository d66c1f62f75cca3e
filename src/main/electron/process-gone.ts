import { constants } from 'node:os'

/** The part of Electron's `child-process-gone` details a crash record needs (no Electron import: unit-tested under Node). */
export interface ProcessGoneDetails {
  type: string
  reason: string
  exitCode: number
  serviceName?: string
}

export interface WorkerExit {
  code: number | null
  signal: string | null
  /** Chromium's word for how it ended: clean-exit, abnormal-exit, killed, crashed, oom, launch-failed, … */
  reason: string | null
}

/** Reasons for which Chromium's exitCode is the terminating signal's number (POSIX: WTERMSIG). */
const SIGNALLED = new Set(['killed', 'crashed', 'oom'])

/** Signal number → name; the first name wins for aliases (SIGABRT before SIGIOT). */
const SIGNAL_NAMES = new Map<number, string>()
for (const [name, n] of Object.entries(constants.signals)) if (!SIGNAL_NAMES.has(n)) SIGNAL_NAMES.set(n, name)

/**
 * The exit of a utility process in the terms headless uses (exit code or signal), from the
 * `exit` event's code and the matching `child-process-gone` details when they arrived. On
 * POSIX a process ended by a signal reports the signal's number as its code; on Windows there
 * are no signals and the code is the process's exit code.
 */
export function workerExitFrom(exitCode: number | null, details: ProcessGoneDetails | undefined, platform: NodeJS.Platform): WorkerExit {
  if (!details) return { code: exitCode, signal: null, reason: null }
  if (platform !== 'win32' && SIGNALLED.has(details.reason)) {
    const signal = SIGNAL_NAMES.get(details.exitCode) ?? null
    if (signal) return { code: null, signal, reason: details.reason }
  }
  return { code: details.exitCode, signal: null, reason: details.reason }
}
