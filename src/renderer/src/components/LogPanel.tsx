import type { JSX } from 'react'
import { formatClock } from '../lib/format'
import { useAlertsStore } from '../stores/alerts'
import { Panel } from './layout/Panel'

/** Recent events, newest first: fills, rejections, crashes, feed status. */
export function LogPanel(): JSX.Element {
  const log = useAlertsStore((s) => s.log)
  const clear = useAlertsStore((s) => s.clearLog)
  return (
    <Panel
      title="Log"
      className="log-panel"
      actions={
        <button type="button" aria-label="Clear log" onClick={clear} disabled={log.length === 0}>
          Clear
        </button>
      }
    >
      <ol role="log" aria-label="Event log" className="log">
        {log.length === 0 ? <li className="dim">Nothing yet.</li> : null}
        {log.map((entry) => (
          <li key={entry.id} className={`log-${entry.level}${entry.restored ? ' log-restored' : ''}`} title={entry.restored ? 'restored from the host after a reload' : undefined}>
            <time className="num dim">{formatClock(entry.at)}</time>
            <span className={`tag tag-${entry.source}`}>{entry.source}</span>
            <span className="log-text">{entry.text}</span>
          </li>
        ))}
      </ol>
    </Panel>
  )
}
