import type { JSX } from 'react'
import type { ExchangeHealth } from '../../../shared/market'

const dash = '—'

/** The market worker's watchdogs, per exchange: can this feed's data be trusted right now? */
export function ExchangeHealthTable({ exchanges }: { exchanges: ExchangeHealth[] }): JSX.Element {
  return (
    <table className="grid compact" aria-label="Exchange feeds">
      <thead>
        <tr>
          <th scope="col">Exchange</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">Latency</th>
          <th scope="col" className="num">Errors</th>
          <th scope="col" className="num">Last msg</th>
          <th scope="col" className="num">Rate limits</th>
          <th scope="col" className="num">Reconnects</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {exchanges.map((e) => (
          <tr key={e.exchange} aria-label={`${e.exchange} feed`} data-status={e.status}>
            <th scope="row">{e.exchange}</th>
            <td>
              <span className={`state state-${e.status === 'ok' ? 'running' : e.status === 'degraded' ? 'restarting' : 'failed'}`}>{e.status}</span>
            </td>
            <td className="num">{e.latencyMs === null ? dash : `${Math.round(e.latencyMs)} ms`}</td>
            <td className="num">{(e.errorRate * 100).toFixed(0)} %</td>
            <td className="num">{e.lastMessageAgeMs === null ? dash : `${(e.lastMessageAgeMs / 1000).toFixed(1)} s`}</td>
            <td className="num">{e.rateLimitHits}</td>
            <td className="num">{e.reconnects}</td>
            <td className="dim">{e.lastError ?? dash}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
