import type { JSX } from 'react'
import { formatClock } from '../lib/format'
import { useConnectionStore } from '../stores/connection'

/** Says that what is on screen is the last thing the host sent, and since when. */
export function StaleBanner(): JSX.Element {
  const since = useConnectionStore((s) => s.downSince)
  const silent = useConnectionStore((s) => s.state === 'silent')
  return (
    <div className="stale-banner" role="alert" aria-label="Host disconnected">
      <strong>
        {silent ? 'Host not responding' : 'Host disconnected'}
        {since !== null ? ` since ${formatClock(since)}` : ''}.
      </strong> Prices, the book, the account and the health table below are the last
      values received and may be out of date. Trading is disabled until the host is back; {silent ? 'waiting for it…' : 'reconnecting…'}
    </div>
  )
}
