import type { UpdateStatus } from '../../shared/update'
import type { TrayLevel } from './tray-status'

/**
 * What the tray menu shows, decided without Electron (unit-tested): tray.ts turns the items
 * into a native menu and binds the ids to actions.
 */
export type TrayAction = 'toggleWindow' | 'killSwitch' | 'checkUpdates' | 'installUpdate' | 'toggleOpenAtLogin' | 'quit'

export type TrayItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean }
  | { kind: 'checkbox'; action: TrayAction; label: string; checked: boolean }

export interface TrayModel {
  status: { level: TrayLevel; text: string }
  windowVisible: boolean
  update: UpdateStatus
  openAtLogin: boolean
  /** False until a kill switch exists (the `killSwitch` method of the strategy area). */
  killSwitchAvailable: boolean
  /** Engaged: bots are halted and bot orders refused until the user releases it. */
  killSwitchEngaged: boolean
}

/** The update line of the tray and app menu: what it says and what clicking does. */
export function updateMenuItem(update: UpdateStatus): { label: string; action: 'checkUpdates' | 'installUpdate'; enabled: boolean } {
  switch (update.state) {
    case 'ready':
      return { label: `Restart to Update (${update.version})`, action: 'installUpdate', enabled: true }
    case 'downloading':
      return { label: `Downloading Update… ${Math.floor(update.progress?.percent ?? 0)}%`, action: 'checkUpdates', enabled: false }
    case 'checking':
      return { label: 'Checking for Updates…', action: 'checkUpdates', enabled: false }
    case 'available':
      return { label: `Update ${update.version} Found…`, action: 'checkUpdates', enabled: false }
    case 'disabled':
      return { label: 'Check for Updates', action: 'checkUpdates', enabled: false }
    default:
      return { label: 'Check for Updates', action: 'checkUpdates', enabled: true }
  }
}

export function trayMenu(m: TrayModel): TrayItem[] {
  const update = updateMenuItem(m.update)
  const items: TrayItem[] = [{ kind: 'label', label: m.status.text }]
  if (m.update.state === 'error' && m.update.error) items.push({ kind: 'label', label: `Update failed: ${m.update.error.slice(0, 80)}` })
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'toggleWindow', label: m.windowVisible ? 'Hide Keel' : 'Open Keel', enabled: true },
    m.killSwitchEngaged
      ? { kind: 'action', action: 'killSwitch', label: 'Release Kill Switch (bots may trade again)', enabled: m.killSwitchAvailable }
      : { kind: 'action', action: 'killSwitch', label: 'Kill Switch: Halt Bots and Cancel Orders', enabled: m.killSwitchAvailable },
    { kind: 'separator' },
    { kind: 'action', action: update.action, label: update.label, enabled: update.enabled },
    { kind: 'checkbox', action: 'toggleOpenAtLogin', label: 'Open at Login', checked: m.openAtLogin },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Keel', enabled: true }
  )
  return items
}

/** Quitting stops every bot: with bots running, the user is asked first. */
export function quitConfirmation(runningBots: number): { message: string; detail: string; buttons: [string, string] } | undefined {
  if (runningBots <= 0) return undefined
  const bots = runningBots === 1 ? '1 bot is' : `${runningBots} bots are`
  return {
    message: `${bots} running. Quit Keel anyway?`,
    detail: 'Quitting stops every bot; open orders stay on the paper exchange and resume when Keel starts again.',
    buttons: ['Quit', 'Cancel']
  }
}

/** The kill switch also asks first: it halts every bot and cancels every open order. */
export const KILL_SWITCH_CONFIRMATION = {
  message: 'Halt all bots and cancel all open orders?',
  detail: 'Every bot stops and every open order is cancelled now. Positions stay as they are.',
  buttons: ['Halt and Cancel', 'Keep Running'] as [string, string]
}
