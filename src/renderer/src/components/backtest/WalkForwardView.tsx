import { useEffect, useState, type FormEvent, type JSX } from 'react'
import type { Objective } from '../../../../shared/backtest'
import { parseAxesText } from '../../../../shared/optimization'
import { useClient } from '../../client-context'
import { bindSweeps, useSweepStore } from '../../stores/sweep'
import { formatObjective, FormError, ObjectiveSelect, useBaseRequestForm } from './BaseRequestFields'
import { JobsTable, JobStateText, type JobRow } from './JobsTable'

/** The Backtest panel's Walk-forward view: optimise in sample, test out of sample, window by window. */

const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ')

function WalkForwardForm(): JSX.Element {
  const client = useClient()
  const start = useSweepStore((s) => s.startWalkForward)
  const base = useBaseRequestForm()
  const [axes, setAxes] = useState('fast=5..15:5 slow=30,40')
  const [objective, setObjective] = useState<Objective>('sharpe')
  const [scheme, setScheme] = useState<'rolling' | 'anchored'>('rolling')
  const [inSample, setInSample] = useState('400')
  const [outOfSample, setOutOfSample] = useState('150')
  const [ratio, setRatio] = useState('0.5')
  const [formError, setFormError] = useState<string | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    try {
      const spec = {
        sweep: { base: base.build(), axes: parseAxesText(axes), objective },
        scheme,
        inSample: Number(inSample),
        outOfSample: Number(outOfSample),
        overfitRatio: Number(ratio)
      }
      setFormError(null)
      void start(client, spec)
    } catch (err) {
      setFormError(err instanceof Error ? err.message : String(err))
    }
  }
  return (
    <form className="backtest-form" onSubmit={submit} aria-label="New walk-forward">
      {base.fields}
      <label>
        Vary
        <input value={axes} onChange={(e) => setAxes(e.target.value)} style={{ minWidth: 200 }} />
      </label>
      <ObjectiveSelect value={objective} onChange={setObjective} />
      <label>
        Windows
        <select value={scheme} onChange={(e) => setScheme(e.target.value as 'rolling' | 'anchored')}>
          <option value="rolling">rolling</option>
          <option value="anchored">anchored</option>
        </select>
      </label>
      <label>
        In-sample candles
        <input inputMode="numeric" value={inSample} onChange={(e) => setInSample(e.target.value)} />
      </label>
      <label>
        Out-of-sample candles
        <input inputMode="numeric" value={outOfSample} onChange={(e) => setOutOfSample(e.target.value)} />
      </label>
      <label>
        Overfit below
        <input inputMode="decimal" value={ratio} onChange={(e) => setRatio(e.target.value)} title="OOS objective below this share of IS flags the window" />
      </label>
      <button type="submit">Run walk-forward</button>
      <FormError error={formError} />
    </form>
  )
}

function WalkForwardList(): JSX.Element {
  const { walkForwards, walkForward, walkForwardProgress, openWalkForward, cancelWalkForward, resumeWalkForward } = useSweepStore()
  const rows = walkForwards.map((w): JobRow => {
    const live = walkForwardProgress[w.id]
    const state = live?.state ?? w.state
    return {
      id: w.id,
      state,
      cells: [
        w.strategy.replace(/^builtin:/, ''),
        w.scheme,
        <JobStateText key="state" state={state} error={live?.error ?? w.error} />,
        <>
          {state === 'running' && live ? <progress max={live.total} value={live.done} aria-label={`Walk-forward ${w.id} progress`} /> : null} {w.windowsDone}/{w.windows}
        </>,
        w.overfitWindows
      ]
    }
  })
  return (
    <JobsTable
      label="Walk-forwards"
      columns={['Strategy', 'Scheme', 'State', 'Windows', 'Overfit']}
      rows={rows}
      empty="No walk-forwards yet."
      selected={walkForward?.walkForward.id}
      actions={{ open: openWalkForward, cancel: cancelWalkForward, resume: resumeWalkForward }}
    />
  )
}

function WindowsTable(): JSX.Element | null {
  const walkForward = useSweepStore((s) => s.walkForward)
  if (!walkForward) return null
  const { spec, windows, totalTrials, efficiency } = walkForward
  const objective = spec.sweep.objective
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
      <p className="muted">
        Walk-forward #{walkForward.walkForward.id} ({spec.scheme}, IS {spec.inSample} / OOS {spec.outOfSample} candles): {windows.length} of {walkForward.walkForward.windows} windows,{' '}
        {totalTrials} trials, {walkForward.walkForward.overfitWindows} flagged overfit; OOS/IS efficiency {efficiency === null ? '—' : efficiency.toFixed(2)}.
      </p>
      <table className="data-table" aria-label="Walk-forward windows">
        <thead>
          <tr>
            <th>Window</th>
            <th>In sample</th>
            <th>Out of sample</th>
            <th>Trials</th>
            <th>Chosen params</th>
            <th>IS {objective}</th>
            <th>OOS {objective}</th>
            <th>IS return</th>
            <th>OOS return</th>
            <th>Overfit</th>
          </tr>
        </thead>
        <tbody>
          {windows.map((w) => (
            <tr key={w.index}>
              <td>{w.index + 1}</td>
              <td>
                {day(w.inSample.from)} → {day(w.inSample.to)}
              </td>
              <td>
                {day(w.outOfSample.from)} → {day(w.outOfSample.to)}
              </td>
              <td>{w.trials}</td>
              <td>{w.bestParams ? Object.keys(spec.sweep.axes).map((k) => `${k}=${String(w.bestParams?.[k])}`).join(' ') : '—'}</td>
              <td>{formatObjective(objective, w.isObjective)}</td>
              <td>{formatObjective(objective, w.oosObjective)}</td>
              <td>{formatObjective('totalReturn', w.isMetrics?.totalReturn ?? null)}</td>
              <td>{formatObjective('totalReturn', w.oosMetrics?.totalReturn ?? null)}</td>
              <td className={w.overfit ? 'danger-text' : undefined}>{w.overfit ? 'overfit' : 'ok'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function WalkForwardView(): JSX.Element {
  const client = useClient()
  useEffect(() => bindSweeps(client), [client])
  return (
    <div className="walk-forward-view" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <WalkForwardForm />
      <WalkForwardList />
      <WindowsTable />
    </div>
  )
}

export function OptimizationError(): JSX.Element | null {
  const error = useSweepStore((s) => s.error)
  return <FormError error={error} />
}
