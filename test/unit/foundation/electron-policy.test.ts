import { describe, expect, it } from 'vitest'
import { isAllowedNavigation, isExternalLink, isPermissionAllowed, isTrustedSender } from '../../../src/main/electron/security-policy'
import { trayStatus } from '../../../src/main/electron/tray-status'
import { notificationFor } from '../../../src/main/electron/notifications'
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

describe('OS notifications', () => {
  const health = (states: Array<[string, WorkerHealth['state']]>) => ({
    workers: states.map(([name, state]) => ({ name, state, pid: 1, restarts: 0, uptimeMs: 0, lastHeartbeatAgeMs: 0, eventLoopDelayMs: 0, rssBytes: 0, lastCrash: null, retryAt: null })),
    host: { mode: 'electron' as const, pid: 1, version: '0', uptimeMs: 0, rssBytes: 0, cpuPercent: 0, eventLoopDelayMs: 0, dataDir: '/' },
    crashes: [],
    exchanges: []
  })

  it('announces fills, stale feeds and crashes, and a failure only once', () => {
    const seen = new Set<string>()
    const fill = { id: 'f1', orderId: 'o1', clientOrderId: 'c', account: 'default', symbol: 'BTC/USDT', side: 'buy' as const, price: 100, amount: 2, cost: 200, fee: 0.2, feeAsset: 'USDT', liquidity: 'taker' as const, timestamp: 1 }
    expect(notificationFor('fillCreated', { account: 'default', fill }, seen)?.body).toBe('Bought 2 at 100 (taker, fee 0.2 USDT)')
    expect(notificationFor('feedStatus', { exchange: 'demo', symbol: 'BTC/USDT', status: 'stale', reason: 'no update for 3.1 s', timestamp: 1 }, seen)?.title).toBe('Keel: BTC/USDT data is stale')
    expect(notificationFor('feedStatus', { exchange: 'demo', symbol: 'BTC/USDT', status: 'connected', timestamp: 1 }, seen)).toBeUndefined()
    expect(notificationFor('health', health([['ai', 'failed'], ['market', 'running']]), seen)?.body).toContain('ai restarted too often')
    expect(notificationFor('health', health([['ai', 'failed'], ['market', 'running']]), seen)).toBeUndefined()
    expect(notificationFor('health', health([['ai', 'running']]), seen)).toBeUndefined()
    expect(notificationFor('health', health([['ai', 'failed']]), seen)).toBeDefined()
    expect(notificationFor('ticker', { exchange: 'demo', symbol: 'BTC/USDT', timestamp: 1, last: 1 }, seen)).toBeUndefined()
  })
})
