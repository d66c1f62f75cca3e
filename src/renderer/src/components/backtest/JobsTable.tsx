import type { JSX, ReactNode } from 'react'
import type { KeelClient } from '../../../../shared/api'
import type { JobState } from '../../../../shared/optimization'
import { useClient } from '../../client-context'

/**
 * The table of sweeps or walk-forwards: one row per job, opened by a click, with Cancel while it
 * is queued or running and Resume once cancelled or failed (the buttons do not open the row).
 */

export interface JobRow {
  id: number
  /** The state shown: the latest progress event's, else the listed one. */
  state: JobState
  /** The cells after the id, in the order of the columns. */
  cells: ReactNode[]
}

export interface JobsTableProps {
  label: string
  /** Column heads after "#"; the last, unnamed column holds the buttons. */
  columns: string[]
  rows: JobRow[]
  empty: string
  selected: number | undefined
  /** The store's actions on one job of this kind. */
  actions: Record<'open' | 'cancel' | 'resume', (client: KeelClient, id: number) => Promise<void>>
}

export function JobsTable({ label, columns, rows, empty, selected, actions }: JobsTableProps): JSX.Element {
  const client = useClient()
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <table className="data-table" aria-label={label}>
      <thead>
        <tr>
          {['#', ...columns].map((c) => (
            <th key={c}>{c}</th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} aria-selected={selected === row.id} onClick={() => void actions.open(client, row.id)}>
            <td>{row.id}</td>
            {row.cells.map((cell, k) => (
              <td key={k}>{cell}</td>
            ))}
            <td onClick={(e) => e.stopPropagation()}>
              <JobAction state={row.state} onCancel={() => void actions.cancel(client, row.id)} onResume={() => void actions.resume(client, row.id)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function JobAction({ state, onCancel, onResume }: { state: JobState; onCancel(): void; onResume(): void }): JSX.Element | null {
  if (state === 'running' || state === 'queued') {
    return (
      <button type="button" className="link danger-text" onClick={onCancel}>
        Cancel
      </button>
    )
  }
  if (state === 'cancelled' || state === 'failed') {
    return (
      <button type="button" className="link" onClick={onResume} title="Run the points not finished yet; finished ones are kept">
        Resume
      </button>
    )
  }
  return null
}

/** A job's state; a failed one says why on hover and to screen readers. */
export function JobStateText({ state, error }: { state: JobState; error: string | null | undefined }): JSX.Element {
  return state === 'failed' && error ? (
    <span className="danger-text" title={error} aria-label={`failed: ${error}`}>
      failed
    </span>
  ) : (
    <>{state}</>
  )
}
