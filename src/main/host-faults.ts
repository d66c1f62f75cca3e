import type { Logger } from './logger'

/**
 * The host must not exit because one timer, callback or socket threw: every such failure is
 * logged and counted here (health shows the count and the last one), and the host carries on.
 */
export class HostFaults {
  count = 0
  last: { at: number; where: string; message: string } | null = null

  constructor(private readonly log: Logger) {}

  record(where: string, err: unknown): void {
    this.count += 1
    const message = err instanceof Error ? err.message : String(err)
    this.last = { at: Date.now(), where, message }
    try {
      this.log.error(`host fault in ${where}: ${message}`, err instanceof Error ? err.stack : '')
    } catch {
      // the log itself failed (e.g. EMFILE): the count above still records it
    }
  }

  /** `fn` wrapped so that a throw is recorded instead of propagating into the event loop. */
  guard<A extends unknown[]>(where: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args) => {
      try {
        fn(...args)
      } catch (err) {
        this.record(where, err)
      }
    }
  }

  /**
   * Last line of defence: an exception nobody caught, or a rejection nobody handled, is
   * recorded rather than ending the process (Node's default for both).
   */
  catchUncaught(proc: NodeJS.Process = process): () => void {
    const onException = (err: unknown): void => this.record('uncaught exception', err)
    const onRejection = (reason: unknown): void => this.record('unhandled rejection', reason)
    proc.on('uncaughtException', onException)
    proc.on('unhandledRejection', onRejection)
    return () => {
      proc.off('uncaughtException', onException)
      proc.off('unhandledRejection', onRejection)
    }
  }
}

/** Resident memory, or the last known figure when it can't be read (no file descriptor left). */
export function residentBytes(fallback: number): number {
  try {
    return process.memoryUsage.rss()
  } catch {
    return fallback
  }
}
