import type { HeartbeatMsg } from '../../src/shared/worker-protocol'

/**
 * Beats from the worker's own event loop: a timer, so a blocked loop stops beating and the
 * supervisor notices. The lateness of each tick is the event-loop delay we report, which
 * costs nothing extra (no high-frequency sampling timer).
 */
export function startHeartbeat(intervalMs: number, send: (beat: HeartbeatMsg) => void, onTick?: () => void): { beatNow(): void; stop(): void } {
  let seq = 0
  let last = performance.now()
  const beat = (loopDelayMs: number): void => {
    const mem = process.memoryUsage()
    send({ t: 'hb', seq: seq++, loopDelayMs: round2(loopDelayMs), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed })
  }
  const timer = setInterval(() => {
    const now = performance.now()
    const loopDelayMs = Math.max(0, now - last - intervalMs)
    last = now
    beat(loopDelayMs)
    onTick?.()
  }, intervalMs)
  return {
    /** An immediate beat (at ready), so health has memory figures from the first moment. */
    beatNow: () => beat(0),
    stop: () => clearInterval(timer)
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
