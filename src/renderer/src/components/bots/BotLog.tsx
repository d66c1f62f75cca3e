import { useEffect, type JSX } from 'react'
import { useClient } from '../../client-context'
import { formatClock } from '../../lib/format'
import { useBotsStore } from '../../stores/bots'

/** One bot's decision log, newest first: orders, refusals with their reasons, errors, reloads. */
export function BotLog({ id }: { id: string }): JSX.Element {
  const client = useClient()
  const entries = useBotsStore((s) => s.logs[id])
  const load = useBotsStore((s) => s.loadLog)
  useEffect(() => void load(client, id), [client, id, load])
  if (!entries) return <p className="dim">Loading the log…</p>
  if (entries.length === 0) return <p className="dim">Nothing logged yet.</p>
  return (
    <ol className="bot-log" aria-label="Bot log">
      {entries.map((e) => (
        <li key={e.seq} className={`bot-log-${e.level}`}>
          <time>{formatClock(e.at)}</time> <span className="bot-log-message">{e.message}</span>
        </li>
      ))}
    </ol>
  )
}
