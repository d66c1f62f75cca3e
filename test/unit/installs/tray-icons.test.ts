import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { trayIconFile, windowIconFile } from '../../../src/main/electron/tray-status'

const RES = resolve(__dirname, '../../../resources')

describe('tray and window icon per platform', () => {
  it('macOS gets template images, Windows .ico, Linux PNG, and every file exists', () => {
    expect(trayIconFile('darwin', 'failed')).toBe('tray-failedTemplate.png')
    expect(trayIconFile('win32', 'ok')).toBe('tray-ok.ico')
    expect(trayIconFile('linux', 'degraded')).toBe('tray-degraded.png')
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const level of ['ok', 'degraded', 'failed'] as const) expect(existsSync(join(RES, trayIconFile(platform, level)))).toBe(true)
    }
    // Electron finds the Retina variant by name beside the template.
    expect(existsSync(join(RES, 'tray-okTemplate@2x.png'))).toBe(true)
  })

  it('the window icon is the bundle icon on macOS, .ico on Windows, PNG on Linux', () => {
    expect(windowIconFile('darwin')).toBeUndefined()
    expect(windowIconFile('win32')).toBe('icon.ico')
    expect(windowIconFile('linux')).toBe('icon.png')
    expect(existsSync(join(RES, 'icon.ico'))).toBe(true)
  })
})
