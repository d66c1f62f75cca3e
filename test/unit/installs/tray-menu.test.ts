import { describe, expect, it } from 'vitest'
import { notificationFor, notificationKind } from '../../../src/main/electron/notifications'
import { quitConfirmation, trayMenu, updateMenuItem, type TrayModel } from '../../../src/main/electron/tray-menu'
import { initialUpdateStatus } from '../../../src/main/updater-state'
import type { UpdateStatus } from '../../../src/shared/update'

const idle = initialUpdateStatus('1.0.0', 'stable')
const model = (over: Partial<TrayModel> = {}): TrayModel => ({
  status: { level: 'ok', text: 'Keel: all 4 workers running' },
  windowVisible: true,
  update: idle,
  openAtLogin: false,
  killSwitchAvailable: true,
  killSwitchEngaged: false,
  ...over
})
const labels = (m: TrayModel): string[] => trayMenu(m).map((i) => ('label' in i ? i.label : '—'))

describe('tray menu', () => {
  it('health line first, then open/hide, kill switch, updates, open at login, quit', () => {
    expect(labels(model())).toEqual([
      'Keel: all 4 workers running',
      '—',
      'Hide Keel',
      'Kill Switch: Halt Bots and Cancel Orders',
      '—',
      'Check for Updates',
      'Open at Login',
      '—',
      'Quit Keel'
    ])
    expect(labels(model({ windowVisible: false }))[2]).toBe('Open Keel')
  })

  it('the kill switch is greyed out until the strategy worker offers it', () => {
    const item = trayMenu(model({ killSwitchAvailable: false })).find((i) => i.kind === 'action' && i.action === 'killSwitch')
    expect(item).toMatchObject({ enabled: false })
  })

  it('an engaged kill switch offers its release instead', () => {
    expect(labels(model({ killSwitchEngaged: true }))[3]).toBe('Release Kill Switch (bots may trade again)')
  })

  it('open at login is a checkbox showing the setting', () => {
    expect(trayMenu(model({ openAtLogin: true })).find((i) => i.kind === 'checkbox')).toMatchObject({ action: 'toggleOpenAtLogin', checked: true })
  })

  it('update line: check → checking (disabled) → downloading n% → Restart to Update; errors are shown', () => {
    const at = (over: Partial<UpdateStatus>): ReturnType<typeof updateMenuItem> => updateMenuItem({ ...idle, ...over })
    expect(at({})).toEqual({ label: 'Check for Updates', action: 'checkUpdates', enabled: true })
    expect(at({ state: 'checking' }).enabled).toBe(false)
    expect(at({ state: 'downloading', version: '1.1.0', progress: { percent: 42.7, transferred: 1, total: 2, bytesPerSecond: 1 } }).label).toBe('Downloading Update… 42%')
    expect(at({ state: 'ready', version: '1.1.0' })).toEqual({ label: 'Restart to Update (1.1.0)', action: 'installUpdate', enabled: true })
    expect(at({ state: 'disabled' }).enabled).toBe(false)
    expect(labels(model({ update: { ...idle, state: 'error', error: 'net::ERR_NAME_NOT_RESOLVED' } }))).toContain('Update failed: net::ERR_NAME_NOT_RESOLVED')
    expect(at({ state: 'error', error: 'x' })).toMatchObject({ action: 'checkUpdates', enabled: true })
  })

  it('quit asks only while bots run, and says how many', () => {
    expect(quitConfirmation(0)).toBeUndefined()
    expect(quitConfirmation(1)?.message).toBe('1 bot is running. Quit Keel anyway?')
    expect(quitConfirmation(3)).toMatchObject({ message: '3 bots are running. Quit Keel anyway?', buttons: ['Quit', 'Cancel'] })
  })
})

describe('notifications per kind', () => {
  it('every notifying event maps to the setting that turns it off', () => {
    expect(notificationKind('fillCreated')).toBe('fills')
    expect(notificationKind('feedStatus')).toBe('staleFeed')
    expect(notificationKind('workerCrashed')).toBe('workerCrash')
    expect(notificationKind('health')).toBe('workerFailed')
    expect(notificationKind('updateStatus')).toBe('updates')
    expect(notificationKind('ticker')).toBeUndefined()
  })

  it('a ready update is announced; other update states are not', () => {
    expect(notificationFor('updateStatus', { ...idle, state: 'ready', version: '1.1.0' }, new Set())?.title).toBe('Keel 1.1.0 is ready')
    expect(notificationFor('updateStatus', { ...idle, state: 'downloading' }, new Set())).toBeUndefined()
  })
})
