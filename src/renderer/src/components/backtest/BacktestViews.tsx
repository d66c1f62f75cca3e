import type { JSX } from 'react'
import { useSweepStore, type BacktestView } from '../../stores/sweep'
import { SweepView } from './SweepView'
import { OptimizationError, WalkForwardView } from './WalkForwardView'

/** The Backtest panel's view switch (one run, a sweep, a walk-forward) and the optimisation views. */

const VIEWS: [BacktestView, string][] = [
  ['run', 'Run'],
  ['sweep', 'Sweep'],
  ['walkForward', 'Walk-forward']
]

export function BacktestViewSwitch(): JSX.Element {
  const { view, setView } = useSweepStore()
  return (
    <div role="group" aria-label="Backtest view" className="segmented">
      {VIEWS.map(([id, label]) => (
        <button key={id} type="button" aria-pressed={view === id} onClick={() => setView(id)}>
          {label}
        </button>
      ))}
    </div>
  )
}

/** The sweep or walk-forward view, or null in the run view (the panel shows its own content). */
export function OptimizationView(): JSX.Element | null {
  const view = useSweepStore((s) => s.view)
  if (view === 'run') return null
  return (
    <>
      <OptimizationError />
      {view === 'sweep' ? <SweepView /> : <WalkForwardView />}
    </>
  )
}
