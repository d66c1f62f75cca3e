/**
 * The host's own vital signs, sampled by one slow timer: CPU share since the last sample and
 * how late the timer fired (the host event loop's delay). Main must stay thin; this proves it.
 */
export class HostMonitor {
  private lastCpu = process.cpuUsage()
  private lastAt = performance.now()
  private timer: NodeJS.Timeout | undefined
  cpuPercent = 0
  eventLoopDelayMs = 0

  constructor(private readonly intervalMs = 1_000) {}

  start(onSample?: () => void): void {
    this.timer = setInterval(() => {
      // The sample uses no file descriptor (getrusage, clocks), so it cannot fail under EMFILE.
      this.sample()
      onSample?.()
    }, this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private sample(): void {
    const now = performance.now()
    const elapsedMs = now - this.lastAt
    const cpu = process.cpuUsage(this.lastCpu)
    this.cpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 10_000) / 100
    this.eventLoopDelayMs = Math.max(0, Math.round((elapsedMs - this.intervalMs) * 100) / 100)
    this.lastCpu = process.cpuUsage()
    this.lastAt = now
  }
}
