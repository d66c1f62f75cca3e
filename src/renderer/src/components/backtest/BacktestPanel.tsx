import { useMemo, useState, type FormEvent, type JSX } from 'react'
import type { BacktestMetrics, BacktestReport } from '../../../../shared/backtest'
import { useClient } from '../../client-context'
import { useBacktestStore } from '../../stores/backtest'
import { BacktestPriceChart } from './BacktestPriceChart'
import { useSweepStore } from '../../stores/sweep'
import { BacktestViewSwitch, OptimizationView } from './BacktestViews'
import { FormError, useBaseRequestForm, type BaseRequestDefaults } from './BaseRequestFields'
import { CurveChart } from './CurveChart'
import { ReplaySection } from '../replay/ReplaySection'

/** The Backtest tab: run a strategy over history with progress, read its report, compare runs. */

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)} %`)
const num = (x: number | null) => (x === null ? '—' : x.toFixed(2))

const METRIC_ROWS: [string, (m: BacktestMetrics) => string][] = [
  ['Total return', (m) => pct(m.totalReturn)],
  ['CAGR', (m) => pct(m.cagr)],
  ['Max drawdown', (m) => pct(m.maxDrawdown)],
  ['Sharpe', (m) => num(m.sharpe)],
  ['Sortino', (m) => num(m.sortino)],
  ['Calmar', (m) => num(m.calmar)],
  ['Trades', (m) => String(m.trades)],
  ['Win rate', (m) => pct(m.winRate)],
  ['Profit factor', (m) => num(m.profitFactor)],
  ['Average trade', (m) => num(m.averageTrade)],
  ['Exposure', (m) => pct(m.exposure)],
  ['Fees paid', (m) => num(m.feesPaid)],
  ['End equity', (m) => num(m.endEquity)]
]

const RUN_DEFAULTS: BaseRequestDefaults = { paramsLabel: 'Params', params: 'fast=10, slow=30, amount=0.1', warmup: '' }

function RunForm(): JSX.Element {
  const client = useClient()
  const start = useBacktestStore((s) => s.start)
  const base = useBaseRequestForm(RUN_DEFAULTS)
  const [cash, setCash] = useState('10000')
  const [fee, setFee] = useState('0.001')
  const [formError, setFormError] = useState<string | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    try {
      const request = base.build()
      setFormError(null)
      void start(client, { ...request, config: { ...request.config, cash: Number(cash), fee: Number(fee) } })
    } catch (err) {
      setFormError(err instanceof Error ? err.message : String(err))
    }
  }
  return (
    <form className="backtest-form" onSubmit={submit} aria-label="New backtest">
      {base.fields}
      <label>
        Cash
        <input inputMode="decimal" value={cash} onChange={(e) => setCash(e.target.value)} />
      </label>
      <label>
        Fee
        <input inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />
      </label>
      <button type="submit">Run backtest</button>
      <FormError error={formError} />
    </form>
  )
}

function Progress(): JSX.Element | null {
  const client = useClient()
  const progress = useBacktestStore((s) => s.progress)
  const cancel = useBacktestStore((s) => s.cancel)
  const running = Object.values(progress).filter((p) => p.state === 'running')
  if (running.length === 0) return null
  return (
    <div className="backtest-progress">
      {running.map((p) => (
        <div key={p.runId}>
          <progress max={p.total || 1} value={p.done} aria-label="Backtest progress" />
          <span>{p.total ? `${p.done.toLocaleString()} / ${p.total.toLocaleString()} candles` : 'loading data…'}</span>
          <button type="button" className="link danger-text" onClick={() => void cancel(client, p.runId)}>
            Cancel
          </button>
        </div>
      ))}
    </div>
  )
}

function RunsTable(): JSX.Element {
  const client = useClient()
  const { runs, selected, compare, open, toggleCompare } = useBacktestStore()
  if (runs.length === 0) return <p className="muted">No backtests yet.</p>
  return (
    <table className="data-table" aria-label="Stored backtests">
      <thead>
        <tr>
          <th>Compare</th>
          <th>#</th>
          <th>Strategy</th>
          <th>Data</th>
          <th>Return</th>
          <th>Max DD</th>
          <th>Sharpe</th>
          <th>Trades</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} aria-selected={r.id === selected} onClick={() => void open(client, r.id)}>
            <td onClick={(e) => e.stopPropagation()}>
              <input type="checkbox" aria-label={`Compare run ${r.id}`} checked={compare.includes(r.id)} onChange={() => void toggleCompare(client, r.id)} />
            </td>
            <td>{r.id}</td>
            <td>
              {r.strategyName} {Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}
            </td>
            <td>{r.data}</td>
            <td>{pct(r.metrics.totalReturn)}</td>
            <td>{pct(r.metrics.maxDrawdown)}</td>
            <td>{num(r.metrics.sharpe)}</td>
            <td>{r.metrics.trades}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function MetricsTable({ reports }: { reports: [number, BacktestReport][] }): JSX.Element {
  return (
    <table className="data-table" aria-label={reports.length > 1 ? 'Compared metrics' : 'Metrics'}>
      <thead>
        <tr>
          <th>Metric</th>
          {reports.map(([id, r]) => (
            <th key={id}>
              #{id} {r.strategy.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {METRIC_ROWS.map(([label, cell]) => (
          <tr key={label}>
            <td>{label}</td>
            {reports.map(([id, r]) => (
              <td key={id}>{cell(r.metrics)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Report(): JSX.Element | null {
  const { reports, selected, compare } = useBacktestStore()
  const shown = useMemo(() => {
    const ids = compare.length > 0 ? compare : selected === null ? [] : [selected]
    return ids.filter((id) => reports[id]).map((id) => [id, reports[id]] as [number, BacktestReport])
  }, [reports, selected, compare])
  const equity = useMemo(() => shown.map(([id, r]) => ({ label: `#${id}`, time: r.curve.time, values: r.curve.equity })), [shown])
  const drawdown = useMemo(() => shown.map(([id, r]) => ({ label: `#${id}`, time: r.curve.time, values: r.curve.drawdown })), [shown])
  if (shown.length === 0) return null
  const [, first] = shown[0]
  return (
    <div className="backtest-report">
      <MetricsTable reports={shown} />
      {shown.length === 1 ? <BacktestPriceChart id={shown[0][0]} report={first} /> : null}
      <CurveChart curves={equity} label="Equity curve" />
      <CurveChart curves={drawdown} label="Drawdown curve" percent />
      {shown.length === 1 ? (
        <p className="muted">
          {first.trades.length} closed trades, {first.openTrades.length} open; {first.data.candles} candles, {first.data.gaps.length} gaps; fills {first.config.fill}
        </p>
      ) : null}
    </div>
  )
}

export function BacktestPanel(): JSX.Element {
  const error = useBacktestStore((s) => s.error)
  const view = useSweepStore((s) => s.view)
  if (view !== 'run') {
    return (
      <div className="backtest-panel">
        <BacktestViewSwitch />
        <OptimizationView />
      </div>
    )
  }
  return (
    <div className="backtest-panel">
      <BacktestViewSwitch />
      <RunForm />
      <Progress />
      <FormError error={error} />
      <div className="backtest-body">
        <RunsTable />
        <Report />
      </div>
      <ReplaySection />
    </div>
  )
}
