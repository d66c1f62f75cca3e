import type { HealthReport } from '../../shared/health'

export type TrayLevel = 'ok' | 'degraded' | 'failed'

/** One line for the tray tooltip and menu: the worst worker state wins. */
export function trayStatus(report: Pick<HealthReport, 'workers'>): { level: TrayLevel; text: string } {
  const failed = report.workers.filter((w) => w.state === 'failed').map((w) => w.name)
  if (failed.length) return { level: 'failed', text: `Keel: ${failed.join(', ')} failed` }
  const notRunning = report.workers.filter((w) => w.state !== 'running').map((w) => `${w.name} ${w.state}`)
  if (notRunning.length) return { level: 'degraded', text: `Keel: ${notRunning.join(', ')}` }
  return { level: 'ok', text: `Keel: all ${report.workers.length} workers running` }
}
