import { useEffect, useMemo, useState, type FormEvent, type JSX } from 'react'
import type { Objective, SweepPointResult } from '../../../../shared/backtest'
import { objectiveValue, parseAxesText, type GetSweepResult } from '../../../../shared/optimization'
import { useClient } from '../../client-context'
import { bindSweeps, useSweepStore } from '../../stores/sweep'
import { formatObjective, FormError, ObjectiveSelect, useBaseRequestForm } from './BaseRequestFields'
import { JobsTable, JobStateText, type JobRow } from './JobsTable'
import { SweepHeatmap } from './SweepHeatmap'

/** The Backtest panel's Sweep view: vary params over a grid or at random, watch it run, read the results. */

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(2)} %`)

function SweepForm(): JSX.Element {
  const client = useClient()
  const start = useSweepStore((s) => s.startSweep)
  const base = useBaseRequestForm()
  const [axes, setAxes] = useState('fast=5..20:5 slow=30,40,50')
  const [mode, setMode] = useState<'grid' | 'random'>('grid')
  const [samples, setSamples] = useState('50')
  const [objective, setObjective] = useState<Objective>('sharpe')
  const [formError, setFormError] = useState<string | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    try {
      const spec = { base: base.build(), axes: parseAxesText(axes), mode, objective, ...(mode === 'random' ? { samples: Number(samples) } : {}) }
      setFormError(null)
      void start(client, spec)
    } catch (err) {
      setFormError(err instanceof Error ? err.message : String(err))
    }
  }
  return (
    <form className="backtest-form" onSubmit={submit} aria-label="New sweep">
      {base.fields}
      <label>
        Vary
        <input value={axes} onChange={(e) => setAxes(e.target.value)} placeholder="fast=5..20:5 slow=30,40" style={{ minWidth: 220 }} />
      </label>
      <label>
        Search
        <select value={mode} onChange={(e) => setMode(e.target.value as 'grid' | 'random')}>
          <option value="grid">grid</option>
          <option value="random">random</option>
        </select>
      </label>
      {mode === 'random' ? (
        <label>
          Samples
          <input inputMode="numeric" value={samples} onChange={(e) => setSamples(e.target.value)} />
        </label>
      ) : null}
      <ObjectiveSelect value={objective} onChange={setObjective} />
      <button type="submit">Run sweep</button>
      <FormError error={formError} />
    </form>
  )
}

function SweepList(): JSX.Element {
  const { sweeps, sweep, sweepProgress, openSweep, cancelSweep, resumeSweep } = useSweepStore()
  const rows = sweeps.map((s): JobRow => {
    const live = sweepProgress[s.id]
    const state = live?.state ?? s.state
    const done = (live?.done ?? s.done) + (live?.failed ?? s.failed)
    const best = live?.best ?? s.best
    return {
      id: s.id,
      state,
      cells: [
        s.strategy.replace(/^builtin:/, ''),
        s.axes.join(', '),
        <JobStateText key="state" state={state} error={live?.error ?? s.error} />,
        <>
          {state === 'running' ? <progress max={s.total} value={done} aria-label={`Sweep ${s.id} progress`} /> : null} {done}/{s.total}
        </>,
        best ? `${formatObjective(s.objective, best.value)} ${Object.entries(best.params).filter(([k]) => s.axes.includes(k)).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : '—'
      ]
    }
  })
  return (
    <JobsTable
      label="Sweeps"
      columns={['Strategy', 'Varied', 'State', 'Points', 'Best']}
      rows={rows}
      empty="No sweeps yet."
      selected={sweep?.sweep.id}
      actions={{ open: openSweep, cancel: cancelSweep, resume: resumeSweep }}
    />
  )
}

type SortKey = 'objective' | 'index'

function SweepResults({ result, onOpen }: { result: GetSweepResult; onOpen(point: SweepPointResult): void }): JSX.Element {
  const { spec, points, sweep } = result
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'objective', descending: true })
  const rows = useMemo(() => {
    const score = (p: SweepPointResult) => objectiveValue(p.metrics, spec.objective) ?? Number.NEGATIVE_INFINITY
    const sorted = [...points].sort((a, b) => (sort.key === 'index' ? a.index - b.index : score(a) - score(b)))
    return sort.descending ? sorted.reverse() : sorted
  }, [points, sort, spec.objective])
  const toggle = (key: SortKey) => setSort((s) => ({ key, descending: s.key === key ? !s.descending : true }))
  const arrow = (key: SortKey) => (sort.key === key ? (sort.descending ? ' ▼' : ' ▲') : '')
  return (
    <table className="data-table" aria-label="Sweep results">
      <thead>
        <tr>
          <th aria-sort={sort.key === 'index' ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
            <button type="button" className="link" onClick={() => toggle('index')}>
              #{arrow('index')}
            </button>
          </th>
          {sweep.axes.map((a) => (
            <th key={a}>{a}</th>
          ))}
          <th aria-sort={sort.key === 'objective' ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
            <button type="button" className="link" onClick={() => toggle('objective')}>
              {spec.objective}
              {arrow('objective')}
            </button>
          </th>
          <th>Return</th>
          <th>Max DD</th>
          <th>Trades</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, 500).map((p) => (
          <tr key={p.index} onClick={() => onOpen(p)} title="Open this point's backtest">
            <td>{p.index}</td>
            {sweep.axes.map((a) => (
              <td key={a}>{String(p.params[a])}</td>
            ))}
            <td>{p.error ? <span className="danger-text">{p.error}</span> : formatObjective(spec.objective, objectiveValue(p.metrics, spec.objective))}</td>
            <td>{pct(p.metrics?.totalReturn)}</td>
            <td>{pct(p.metrics?.maxDrawdown)}</td>
            <td>{p.metrics?.trades ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function SweepView(): JSX.Element {
  const client = useClient()
  const { sweep, openPoint } = useSweepStore()
  useEffect(() => bindSweeps(client), [client])
  const onOpen = (point: SweepPointResult) => void openPoint(client, point)
  return (
    <div className="sweep-view" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <SweepForm />
      <SweepList />
      {sweep ? (
        <div className="sweep-detail" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          <p className="muted">
            Sweep #{sweep.sweep.id}: {sweep.sweep.mode} over {sweep.sweep.axes.join(', ')}, {sweep.sweep.done} of {sweep.sweep.total} points done
            {sweep.sweep.failed ? `, ${sweep.sweep.failed} failed` : ''} — objective {sweep.spec.objective}. Click a cell or row to open that point&apos;s backtest.
          </p>
          <SweepHeatmap axes={sweep.sweep.axes} points={sweep.points} objective={sweep.spec.objective} onOpen={onOpen} />
          <SweepResults result={sweep} onOpen={onOpen} />
        </div>
      ) : null}
    </div>
  )
}
