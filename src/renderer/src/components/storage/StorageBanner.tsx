import { useState, type JSX } from 'react'
import type { StorageHealth } from '../../../../shared/storage'
import { useClient } from '../../client-context'
import { useHealthStore } from '../../stores/health'
import { useStorageStore } from '../../stores/storage'

/**
 * Says when trading.db can't be traded on, and offers the way out. Damage blocks the window
 * (trading is refused anyway, and a silent fresh account is what this exists to prevent): a
 * restore of the newest sound backup, or, after an explicit confirmation, a new account. A
 * disk that refuses writes (full, read-only) is a banner: Keel carries on once it is fixed.
 */
export function StorageBanner(): JSX.Element | null {
  const trading = useHealthStore((s) => s.report?.storage?.find((x) => x.database === 'trading'))
  const { outcome, dismiss } = useStorageStore()
  if (trading?.state === 'damaged' && trading.problem) return <DamagedDialog storage={trading} />
  if (trading?.state === 'unavailable' && trading.problem) {
    return (
      <div className="storage-banner storage-banner-warn" role="alert" data-testid="storage-banner">
        <strong>Orders can't be saved: </strong>
        {trading.problem.file}: {trading.problem.cause}. {trading.problem.advice}.
      </div>
    )
  }
  if (outcome) {
    return (
      <div className="storage-banner" role="status" data-testid="storage-outcome">
        {outcome}
        <button onClick={dismiss} aria-label="Dismiss">
          ×
        </button>
      </div>
    )
  }
  return null
}

function DamagedDialog({ storage }: { storage: StorageHealth }): JSX.Element {
  const client = useClient()
  const { busy, error, restore, startFresh } = useStorageStore()
  const [confirming, setConfirming] = useState(false)
  const problem = storage.problem!
  const newest = storage.backups[0]
  return (
    <div className="storage-overlay" data-testid="storage-banner">
      <div className="storage-dialog" role="alertdialog" aria-labelledby="storage-title">
        <h2 id="storage-title">Trading is stopped: the order journal is damaged</h2>
        <p>
          <code>{problem.file}</code> ({problem.kind}): {problem.cause}
        </p>
        {problem.preservedAt && (
          <p className="dim">
            The damaged files are kept in <code>{problem.preservedAt}</code>.
          </p>
        )}
        {newest ? (
          <p>
            Newest backup: {new Date(newest.takenAt).toLocaleString()} with {newest.orderSeq} orders
            {storage.highWaterMark ? ` (the journal had ${storage.highWaterMark.orderSeq})` : ''}.
          </p>
        ) : (
          <p>There is no backup to restore.</p>
        )}
        {error && <p className="storage-error">{error}</p>}
        <div className="storage-actions">
          <button className="primary" disabled={busy || !newest} onClick={() => void restore(client)}>
            Restore newest backup
          </button>
          {confirming ? (
            <>
              <span>The current account is given up (its files stay in damaged/).</span>
              <button className="danger" disabled={busy} onClick={() => void startFresh(client)}>
                Start a new account
              </button>
              <button onClick={() => setConfirming(false)}>Cancel</button>
            </>
          ) : (
            <button disabled={busy} onClick={() => setConfirming(true)}>
              Start a new account…
            </button>
          )}
        </div>
      </div>
    </div>
  )
}
