import { useEffect, type JSX } from 'react'
import type { UpdateStatus } from '../../../../shared/update'
import { useClient } from '../../client-context'
import { bindDist, useDistStore } from '../../stores/dist'
import { SettingsDialog } from '../settings/SettingsPanel'

/** What the strip says about the updater; undefined when there is nothing to tell. */
export function updateMessage(u: UpdateStatus): { tone: 'info' | 'ok' | 'bad'; text: string } | undefined {
  switch (u.state) {
    case 'available':
      return { tone: 'info', text: `Keel ${u.version} is available; downloading…` }
    case 'downloading': {
      const p = u.progress
      const mb = (n: number): string => (n / 1_048_576).toFixed(1)
      return { tone: 'info', text: `Downloading Keel ${u.version ?? ''}: ${Math.floor(p?.percent ?? 0)}%${p && p.total ? ` (${mb(p.transferred)} of ${mb(p.total)} MB)` : ''}` }
    }
    case 'ready':
      return { tone: 'ok', text: `Keel ${u.version} is ready.` }
    case 'error':
      return { tone: 'bad', text: `Update check failed: ${u.error ?? 'unknown error'}` }
    default:
      return undefined
  }
}

/**
 * A slim strip under the header: the running version, the updater's state (available →
 * downloading with progress → ready with "Restart to update"; errors), and the Settings button.
 */
export function UpdateBanner(): JSX.Element {
  const client = useClient()
  useEffect(() => bindDist(client), [client])
  const { update, updateError, checkForUpdates, installUpdate, openSettings } = useDistStore()
  const message = update ? updateMessage(update) : undefined
  const percent = update?.state === 'downloading' ? (update.progress?.percent ?? 0) : null
  return (
    <div className="dist-strip" role="status" aria-label="Keel version and updates">
      <span className="dist-version">Keel {update?.currentVersion ?? ''}</span>
      {message && <span className={`dist-update ${message.tone}`}>{message.text}</span>}
      {percent !== null && <progress className="dist-progress" max={100} value={percent} aria-label="Update download" />}
      {update?.state === 'ready' && (
        <button type="button" onClick={() => void installUpdate(client)}>
          Restart to update
        </button>
      )}
      {updateError && <span className="dist-update bad">{updateError}</span>}
      <span className="dist-spacer" />
      {update && update.state !== 'disabled' && update.state !== 'ready' && (
        <button type="button" disabled={update.state === 'checking' || update.state === 'downloading'} onClick={() => void checkForUpdates(client)}>
          {update.state === 'checking' ? 'Checking…' : 'Check for updates'}
        </button>
      )}
      <button type="button" onClick={() => openSettings(true)}>
        Settings
      </button>
      <SettingsDialog />
    </div>
  )
}
