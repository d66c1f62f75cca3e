import { create } from 'zustand'
import type { KeelClient } from '../../../shared/api'
import type { DiagnosticsResult, SettingsPatch, SettingsView } from '../../../shared/settings'
import type { UpdateStatus } from '../../../shared/update'
import { messageOf } from '../lib/errors'

/** Updater state, settings and the settings dialog (the dist area's UI). */
interface DistState {
  update: UpdateStatus | null
  updateError: string | null
  settings: SettingsView | null
  /** Why the last save was refused (the server's reasons), shown in the dialog. */
  saveError: string | null
  saving: boolean
  diagnostics: DiagnosticsResult | null
  settingsOpen: boolean
  openSettings(open: boolean): void
  checkForUpdates(client: KeelClient): Promise<void>
  installUpdate(client: KeelClient): Promise<void>
  save(client: KeelClient, patch: SettingsPatch): Promise<boolean>
  exportDiagnostics(client: KeelClient): Promise<void>
  openDataDir(client: KeelClient): Promise<void>
}

export const useDistStore = create<DistState>((set) => ({
  update: null,
  updateError: null,
  settings: null,
  saveError: null,
  saving: false,
  diagnostics: null,
  settingsOpen: false,
  openSettings: (open) => set({ settingsOpen: open, saveError: null, diagnostics: null }),
  checkForUpdates: async (client) => {
    try {
      set({ update: await client.call('checkForUpdates', {}), updateError: null })
    } catch (err) {
      set({ updateError: messageOf(err) })
    }
  },
  installUpdate: async (client) => {
    try {
      await client.call('installUpdate', {})
    } catch (err) {
      set({ updateError: messageOf(err) })
    }
  },
  save: async (client, patch) => {
    set({ saving: true, saveError: null })
    try {
      set({ settings: await client.call('updateSettings', patch) })
      return true
    } catch (err) {
      set({ saveError: messageOf(err) })
      return false
    } finally {
      set({ saving: false })
    }
  },
  exportDiagnostics: async (client) => {
    try {
      set({ diagnostics: await client.call('exportDiagnostics', {}), saveError: null })
    } catch (err) {
      set({ saveError: messageOf(err) })
    }
  },
  openDataDir: async (client) => {
    try {
      await client.call('openDataDir', {})
    } catch (err) {
      set({ saveError: messageOf(err) })
    }
  }
}))

export function bindDist(client: KeelClient): () => void {
  client.call('updateStatus', {}).then(
    (update) => useDistStore.setState({ update }),
    (err: unknown) => useDistStore.setState({ updateError: messageOf(err) })
  )
  client.call('getSettings', {}).then(
    (settings) => useDistStore.setState({ settings }),
    (err: unknown) => useDistStore.setState({ saveError: messageOf(err) })
  )
  const offs = [client.on('updateStatus', (update) => useDistStore.setState({ update })), client.on('settingsChanged', (settings) => useDistStore.setState({ settings }))]
  return () => offs.forEach((off) => off())
}
