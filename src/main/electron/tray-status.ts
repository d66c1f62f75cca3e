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

/**
 * The tray image for a platform: macOS takes a template image (black + alpha; the menu bar
 * tints it, and `@2x` beside it is picked up for Retina), Windows a multi-size .ico, Linux a PNG.
 */
export function trayIconFile(platform: NodeJS.Platform, level: TrayLevel): string {
  if (platform === 'darwin') return `tray-${level}Template.png`
  if (platform === 'win32') return `tray-${level}.ico`
  return `tray-${level}.png`
}

/** The window icon (taskbar, alt-tab); macOS takes the app bundle's icon instead. */
export function windowIconFile(platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin') return undefined
  return platform === 'win32' ? 'icon.ico' : 'icon.png'
}
