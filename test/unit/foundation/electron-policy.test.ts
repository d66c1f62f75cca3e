import { describe, expect, it } from 'vitest'
import { isAllowedNavigation, isExternalLink, isPermissionAllowed, isTrustedSender } from '../../../src/main/electron/security-policy'
import { trayStatus } from '../../../src/main/electron/tray-status'
import type { WorkerHealth } from '../../../src/shared/health'

const APP = 'file:///opt/Keel/resources/app.asar/out/renderer/index.html'

describe('Electron security policy', () => {
  it('allows navigation only to the app page itself', () => {
    expect(isAllowedNavigation(`${APP}#orders`, APP)).toBe(true)
    expect(isAllowedNavigation('file:///etc/passwd', APP)).toBe(false)
    expect(isAllowedNavigation('https://evil.example/', APP)).toBe(false)
    expect(isAllowedNavigation('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true)
    expect(isAllowedNavigation('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
    expect(isAllowedNavigation('not a url', APP)).toBe(false)
  })

  it('trusts IPC only from the main frame of the app page', () => {
    expect(isTrustedSender(APP, true, APP)).toBe(true)
    expect(isTrustedSender(APP, false, APP)).toBe(false)
    expect(isTrustedSender('https://evil.example/', true, APP)).toBe(false)
    expect(isTrustedSender(undefined, true, APP)).toBe(false)
  })

  it('hands only https links to the OS browser', () => {
    expect(isExternalLink('https://docs.ccxt.com/')).toBe(true)
    for (const url of ['http://x.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'nonsense']) expect(isExternalLink(url)).toBe(false)
  })

  it('grants notifications and nothing else', () => {
    expect(isPermissionAllowed('notifications')).toBe(true)
    for (const p of ['media', 'geolocation', 'openExternal', 'clipboard-read']) expect(isPermissionAllowed(p)).toBe(false)
  })
})

describe('tray status', () => {
  const worker = (name: string, state: WorkerHealth['state']): WorkerHealth => ({
    name, state, pid: 1, restarts: 0, uptimeMs: 0, lastHeartbeatAgeMs: 0, eventLoopDelayMs: 0, rssBytes: 0, lastCrash: null, retryAt: null
  })
  it('says all is well, degraded, or which worker failed', () => {
    expect(trayStatus({ workers: [worker('a', 'running'), worker('b', 'running')] })).toEqual({ level: 'ok', text: 'Keel: all 2 workers running' })
    expect(trayStatus({ workers: [worker('a', 'restarting'), worker('b', 'running')] })).toEqual({ level: 'degraded', text: 'Keel: a restarting' })
    expect(trayStatus({ workers: [worker('a', 'restarting'), worker('b', 'failed')] })).toEqual({ level: 'failed', text: 'Keel: b failed' })
  })
})
