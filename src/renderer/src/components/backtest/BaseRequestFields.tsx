import { useId, useState, type JSX } from 'react'
import type { BacktestRequestInput, Objective } from '../../../../shared/backtest'
import { parseParamText } from './params-text'

/** The fields every backtest, sweep and walk-forward starts from: strategy, params, data, range, fills, warm-up. */

const BUILTINS = ['sma-cross', 'rsi-reversion', 'bollinger-breakout', 'dca']

export interface BaseRequestForm {
  fields: JSX.Element
  /** The request the fields describe; throws with a readable reason for a bad field. */
  build(): BacktestRequestInput
}

/** What differs between the forms: a single run sets every param, a sweep only those it does not vary. */
export interface BaseRequestDefaults {
  paramsLabel: string
  params: string
  warmup: string
}

const SWEEP_DEFAULTS: BaseRequestDefaults = { paramsLabel: 'Fixed params', params: 'amount=0.01', warmup: '30' }

export function useBaseRequestForm(defaults: BaseRequestDefaults = SWEEP_DEFAULTS): BaseRequestForm {
  const builtins = useId()
  const [strategy, setStrategy] = useState('sma-cross')
  const [params, setParams] = useState(defaults.params)
  const [data, setData] = useState('demo:BTC/USDT:1h')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [fill, setFill] = useState<'book' | 'next-open'>('book')
  const [warmup, setWarmup] = useState(defaults.warmup)
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
        <input list={builtins} value={strategy} onChange={(e) => setStrategy(e.target.value)} />
        <datalist id={builtins}>
          {BUILTINS.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
      </label>
      <label>
        {defaults.paramsLabel}
        <input value={params} onChange={(e) => setParams(e.target.value)} placeholder="fast=10, amount=0.01" />
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
