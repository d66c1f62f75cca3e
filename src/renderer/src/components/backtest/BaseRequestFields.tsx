import { useState, type JSX } from 'react'
import type { BacktestRequestInput, Objective } from '../../../../shared/backtest'
import { parseParamText } from './params-text'

/** The fields every sweep and walk-forward starts from: strategy, fixed params, data, range, fills, warm-up. */

const BUILTINS = ['sma-cross', 'rsi-reversion', 'bollinger-breakout', 'dca']

export interface BaseRequestForm {
  fields: JSX.Element
  /** The request the fields describe; throws with a readable reason for a bad field. */
  build(): BacktestRequestInput
}

export function useBaseRequestForm(): BaseRequestForm {
  const [strategy, setStrategy] = useState('sma-cross')
  const [params, setParams] = useState('amount=0.01')
  const [data, setData] = useState('demo:BTC/USDT:1h')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [fill, setFill] = useState<'book' | 'next-open'>('book')
  const [warmup, setWarmup] = useState('30')
  const build = (): BacktestRequestInput => ({
    strategy,
    data,
    params: parseParamText(params),
    ...(from ? { from: Date.parse(from) } : {}),
    ...(to ? { to: Date.parse(to) } : {}),
    config: { fill, ...(warmup ? { warmup: Number(warmup) } : {}) }
  })
  const fields = (
    <>
      <label>
        Strategy
        <input list="sweep-builtins" value={strategy} onChange={(e) => setStrategy(e.target.value)} />
        <datalist id="sweep-builtins">
          {BUILTINS.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
      </label>
      <label>
        Fixed params
        <input value={params} onChange={(e) => setParams(e.target.value)} placeholder="amount=0.01" />
      </label>
      <label>
        Data
        <input value={data} onChange={(e) => setData(e.target.value)} placeholder="demo:BTC/USDT:1h or a CSV path" />
      </label>
      <label>
        From
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        To
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <label>
        Fills
        <select value={fill} onChange={(e) => setFill(e.target.value as 'book' | 'next-open')}>
          <option value="book">walk the book</option>
          <option value="next-open">next open</option>
        </select>
      </label>
      <label>
        Warm-up
        <input inputMode="numeric" value={warmup} onChange={(e) => setWarmup(e.target.value)} placeholder="strategy's" />
      </label>
    </>
  )
  return { fields, build }
}

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'totalReturn', 'cagr', 'profitFactor', 'winRate', 'maxDrawdown'] as const

/** How an objective's ranking value reads (returns and rates as percentages). */
export function formatObjective(objective: string, value: number | null): string {
  if (value === null) return '—'
  return ['totalReturn', 'cagr', 'winRate', 'maxDrawdown'].includes(objective) ? `${(value * 100).toFixed(2)} %` : value.toFixed(3)
}

/** A jobs table's head: the given columns and an empty one for the Cancel button. */
export function JobsHead({ columns }: { columns: string[] }): JSX.Element {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c}>{c}</th>
        ))}
        <th />
      </tr>
    </thead>
  )
}

/** The last cell of a job's row: Cancel while it is queued or running (the click does not open the row). */
export function CancelCell({ state, onCancel }: { state: string; onCancel(): void }): JSX.Element {
  return (
    <td onClick={(e) => e.stopPropagation()}>
      {state === 'running' || state === 'queued' ? (
        <button type="button" className="link danger-text" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </td>
  )
}

export function ObjectiveSelect({ value, onChange }: { value: Objective; onChange(objective: Objective): void }): JSX.Element {
  return (
    <label>
      Objective
      <select value={value} onChange={(e) => onChange(e.target.value as Objective)}>
        {OBJECTIVES.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  )
}

export function FormError({ error }: { error: string | null }): JSX.Element | null {
  return error ? (
    <p role="alert" className="danger-text">
      {error}
    </p>
  ) : null
}
