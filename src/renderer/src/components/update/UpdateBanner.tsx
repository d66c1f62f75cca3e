import { useEffect, type JSX } from 'react'
import type { UpdateStatus } from '../../../../shared/update'
import { useClient } from '../../client-context'
import { bindDist, useDistStore } from '../../stores/dist'

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

/** What the updater is doing, in one line for the Settings dialog. */
export function updateSummary(u: UpdateStatus): string {
  if (u.state === 'disabled') return `Updates are off${u.reason ? `: ${u.reason}` : ''}.`
  if (u.state === 'not-available') return 'Keel is up to date.'
  if (u.state === 'idle' || u.state === 'checking') return u.state === 'checking' ? 'Checking for updates…' : 'Updates are checked automatically.'
  return updateMessage(u)?.text ?? ''
}

/**
 * A slim strip under the header, only while the updater has news: an update available →
 * downloading with progress → ready with "Restart to update", or an error. The version and
 * the manual check live in the header and the Settings dialog, so the strip costs no height
 * the rest of the time.
 */
export function UpdateBanner(): JSX.Element | null {
  const client = useClient()
  useEffect(() => bindDist(client), [client])
  const { update, updateError, installUpdate } = useDistStore()
  const message = update ? updateMessage(update) : undefined
  const percent = update?.state === 'downloading' ? (update.progress?.percent ?? 0) : null
  if (!message && !updateError) return null
  return (
    <div className="dist-strip" role="status" aria-label="Keel updates">
      {message && <span className={`dist-update ${message.tone}`}>{message.text}</span>}
      {percent !== null && <progress className="dist-progress" max={100} value={percent} aria-label="Update download" />}
      {update?.state === 'ready' && (
        <button type="button" onClick={() => void installUpdate(client)}>
          Restart to update
        </button>
      )}
      {updateError && <span className="dist-update bad">{updateError}</span>}
    </div>
  )
}
