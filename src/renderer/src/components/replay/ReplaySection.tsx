import { useEffect, useState, type FormEvent, type JSX } from 'react'
import type { FillSummary, ReplayReport } from '../../../../shared/replay'
import { useClient } from '../../client-context'
import { useReplayStore } from '../../stores/replay'

/** Paper vs backtest: a recorded paper session replayed (same fills as the journal?) and its
 * orders over candles, each difference with its reasons (docs/backtesting.md). */

const fmt = (s: FillSummary | null) => (s ? `${s.amount} @ ${s.price}` : '—')

function Faithful({ report }: { report: ReplayReport }): JSX.Element {
  const f = report.faithful
  const same = f.differences.length + f.onlyLive.length + f.onlyReplay.length === 0
  return (
    <p className={same ? '' : 'danger-text'} aria-label="Faithful replay">
      {report.recording.inputs} inputs replayed: {f.fills.length} fills;{' '}
      {f.live.checked ? `journal ${f.live.fills}, identical ${f.live.matched}, ${f.differences.length} differences` : 'no journal to compare with'}
    </p>
  )
}

function Orders({ report }: { report: ReplayReport }): JSX.Element {
  return (
    <>
      {report.candles.map((c) => (
        <table key={`${c.account}|${c.symbol}`} className="data-table" aria-label={`Tick vs candle fills ${c.account} ${c.symbol}`}>
          <caption className="muted">
            {c.account} {c.symbol}: {c.source}, fill {c.fill}
          </caption>
          <thead>
            <tr>
              <th>Order</th>
              <th>Side</th>
              <th>Type</th>
              <th>Ticks</th>
              <th>Candles</th>
              <th>Δ price</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {c.orders.map((o) => (
              <tr key={o.orderId}>
                <td>{o.clientOrderId}</td>
                <td>{o.side}</td>
                <td>{o.type}</td>
                <td>{fmt(o.tick)}</td>
                <td>{fmt(o.candle)}</td>
                <td>{o.diff ? o.diff.price : ''}</td>
                <td title={o.reasons.map((r) => r.message).join('\n')}>{o.reasons.map((r) => r.code).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  )
}

export function ReplaySection(): JSX.Element {
  const client = useClient()
  const { recordings, report, running, error, refresh, compare } = useReplayStore()
  const [id, setId] = useState('')
  const [account, setAccount] = useState('')
  const [fill, setFill] = useState<'book' | 'next-open'>('book')
  useEffect(() => void refresh(client), [client, refresh])
  const chosen = id || recordings[0]?.id || ''
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (chosen) void compare(client, { id: chosen, fill, ...(account.trim() && { account: account.trim() }) })
  }
  return (
    <section className="replay-section" aria-label="Paper vs backtest">
      <h3>Paper vs backtest</h3>
      <form className="backtest-form" onSubmit={submit} aria-label="Compare a recorded session">
        <label>
          Session
          <select value={chosen} onChange={(e) => setId(e.target.value)} onFocus={() => void refresh(client)}>
            {recordings.map((r) => (
              <option key={r.id} value={r.id}>
                {new Date(r.startedAt).toLocaleString()} · {(r.bytes / 1024).toFixed(0)} KiB · {r.start}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account
          <input value={account} onChange={(e) => setAccount(e.target.value)} placeholder="all" />
        </label>
        <label>
          Fill
          <select value={fill} onChange={(e) => setFill(e.target.value as 'book' | 'next-open')}>
            <option value="book">book</option>
            <option value="next-open">next-open</option>
          </select>
        </label>
        <button type="submit" disabled={!chosen || running}>
          {running ? 'Replaying…' : 'Replay and compare'}
        </button>
      </form>
      {recordings.length === 0 ? <p className="muted">No recorded sessions yet.</p> : null}
      {error ? (
        <p role="alert" className="danger-text">
          {error}
        </p>
      ) : null}
      {report ? (
        <>
          <Faithful report={report} />
          <Orders report={report} />
        </>
      ) : null}
    </section>
  )
}
