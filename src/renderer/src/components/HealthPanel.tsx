import type { JSX } from 'react'
import { ExchangeHealthTable } from './ExchangeHealthTable'
import type { CrashRecord, WorkerHealth } from '../../../shared/health'
import { useClient } from '../client-context'
import { formatBytes, formatClock, formatDuration } from '../lib/format'
import { useConnectionStore } from '../stores/connection'
import { useHealthStore } from '../stores/health'
import { Panel } from './layout/Panel'

const dash = '—'

function crashSummary(crash: CrashRecord): string {
  const how = crash.signal ? `signal ${crash.signal}` : `exit code ${crash.exitCode ?? dash}`
  return `${crash.kind} at ${formatClock(crash.at)} (${how}, after ${formatDuration(crash.uptimeMs)})`
}

/** The table cell's short form; the full summary is its tooltip and in the crash list. */
function shortCrash(crash: CrashRecord): string {
  return `${crash.kind} ${formatClock(crash.at)} · ${crash.signal ?? `exit ${crash.exitCode ?? dash}`}`
}

/** While the host is gone nothing here is current: no state, no uptime we could vouch for. */
function WorkerRow({ worker, stale }: { worker: WorkerHealth; stale: boolean }): JSX.Element {
  const client = useClient()
  const restart = useHealthStore((s) => s.restart)
  const busy = useHealthStore((s) => s.restarting[worker.name] ?? false)
  return (
    <tr aria-label={`${worker.name} worker`} data-worker={worker.name} data-state={stale ? 'unknown' : worker.state}>
      <th scope="row">{worker.name}</th>
      <td>
        {stale ? (
          <span className="state state-unknown" title={`last reported ${worker.state}`}>
            unknown
          </span>
        ) : (
          <span className={`state state-${worker.state}`}>{worker.state}</span>
        )}
        {!stale && worker.state === 'failed' && worker.retryAt ? <small> retry at {formatClock(worker.retryAt)}</small> : null}
      </td>
      <td className="num">{worker.pid ?? dash}</td>
      <td className="num" data-col="uptime">{stale ? dash : formatDuration(worker.uptimeMs)}</td>
      <td className="num" data-col="restarts">{worker.restarts}</td>
      <td className="num">{stale || worker.lastHeartbeatAgeMs === null ? dash : `${worker.lastHeartbeatAgeMs} ms`}</td>
      <td className="num">{stale || worker.eventLoopDelayMs === null ? dash : `${worker.eventLoopDelayMs.toFixed(1)} ms`}</td>
      <td className="num">{stale || worker.rssBytes === null ? dash : formatBytes(worker.rssBytes)}</td>
      <td className="dim crash-cell" title={worker.lastCrash ? crashSummary(worker.lastCrash) : undefined}>
        {worker.lastCrash ? shortCrash(worker.lastCrash) : dash}
      </td>
      <td>
        <button type="button" aria-label={`Restart ${worker.name} worker`} disabled={busy || stale} onClick={() => void restart(client, worker.name)}>
          {busy ? 'Restarting…' : worker.state === 'failed' ? 'Retry' : 'Restart'}
        </button>
      </td>
    </tr>
  )
}

export function HealthPanel(): JSX.Element {
  const report = useHealthStore((s) => s.report)
  const error = useHealthStore((s) => s.error)
  const stale = useConnectionStore((s) => s.stale)
  const since = useConnectionStore((s) => s.downSince)
  const host = report?.host
  return (
    <Panel
      title="System health"
      className="health"
      actions={
        stale ? (
          <p className="host danger-text" role="group" aria-label="Host">
            Host unreachable{since !== null ? ` since ${formatClock(since)}` : ''}: states unknown
          </p>
        ) : host ? (
          <p className="host" role="group" aria-label="Host">
            Host ({host.mode}) pid {host.pid}, up {formatDuration(host.uptimeMs)}, CPU {host.cpuPercent.toFixed(1)} %, memory {formatBytes(host.rssBytes)}, loop delay{' '}
            {host.eventLoopDelayMs.toFixed(1)} ms
          </p>
        ) : null
      }
    >
      {error ? <p role="alert" className="error">{error}</p> : null}
      {!report ? (
        <p className="dim pad">Connecting…</p>
      ) : (
        <div className="health-body">
          <div className="workers">
          <table className="grid compact">
            <caption className="sr-only">Workers</caption>
            <thead>
              <tr>
                <th scope="col">Worker</th>
                <th scope="col">State</th>
                <th scope="col" className="num">PID</th>
                <th scope="col" className="num">Uptime</th>
                <th scope="col" className="num">Restarts</th>
                <th scope="col" className="num">Heartbeat</th>
                <th scope="col" className="num">Loop delay</th>
                <th scope="col" className="num">Memory</th>
                <th scope="col">Last crash</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {report.workers.map((w) => (
                <WorkerRow key={w.name} worker={w} stale={stale} />
              ))}
            </tbody>
          </table>
          {report.exchanges.length ? <ExchangeHealthTable exchanges={report.exchanges} /> : null}
          </div>
          <div className="crash-list">
            <h3>Recent crashes</h3>
            {report.crashes.length === 0 ? (
              <p className="dim">No crashes.</p>
            ) : (
              <ul aria-label="Recent crashes" className="crashes">
                {report.crashes.slice(0, 20).map((c) => (
                  <li key={`${c.worker}-${c.at}`}>
                    <strong>{c.worker}</strong> {crashSummary(c)}
                    {c.stderrTail.length ? <pre>{c.stderrTail.slice(-5).join('\n')}</pre> : null}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </Panel>
  )
}
