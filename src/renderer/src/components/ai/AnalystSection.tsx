import { useMemo, useState, type JSX } from 'react'
import type { AiTask } from '../../../../shared/ai'
import { useClient } from '../../client-context'
import { selectTasks, useAiStore } from '../../stores/ai'
import { formatUsd } from './quality'

function SettingsForm(): JSX.Element {
  const client = useClient()
  const settings = useAiStore((s) => s.settings)
  const save = useAiStore((s) => s.saveSettings)
  const [key, setKey] = useState('')
  if (!settings) return <p className="ai-dim">Loading settings…</p>
  const numberField = (name: 'inputPricePerMTok' | 'outputPricePerMTok' | 'dailyBudgetUsd' | 'monthlyBudgetUsd' | 'scheduleMinutes', label: string) => (
    <label>
      {label}
      <input type="number" min={0} step="any" defaultValue={settings[name]} onBlur={(e) => void save(client, { [name]: Number(e.target.value) })} />
    </label>
  )
  return (
    // Keyed on the values: a change made elsewhere (the Settings panel) refills the uncontrolled fields.
    <form key={JSON.stringify(settings)} className="ai-form" aria-label="LLM settings" onSubmit={(e) => e.preventDefault()}>
      <label>
        <input type="checkbox" checked={settings.enabled} onChange={(e) => void save(client, { enabled: e.target.checked })} /> LLM analyst on
      </label>
      <label>
        Endpoint
        <input defaultValue={settings.baseUrl} onBlur={(e) => void save(client, { baseUrl: e.target.value })} />
      </label>
      <label>
        Model
        <input defaultValue={settings.model} onBlur={(e) => void save(client, { model: e.target.value })} />
      </label>
      {numberField('inputPricePerMTok', '$/M input')}
      {numberField('outputPricePerMTok', '$/M output')}
      {numberField('dailyBudgetUsd', 'Daily $')}
      {numberField('monthlyBudgetUsd', 'Monthly $')}
      {numberField('scheduleMinutes', 'Analyze watched symbols every … min (0 = off)')}
      <label>
        API key {settings.hasKey ? <span className="badge ok">set ({settings.keySource})</span> : <span className="badge warn">none</span>}
        <input type="password" autoComplete="off" placeholder={settings.hasKey ? 'replace key' : 'paste key'} value={key} onChange={(e) => setKey(e.target.value)} />
      </label>
      <button
        type="button"
        disabled={!key}
        onClick={() => {
          void save(client, { apiKey: key })
          setKey('')
        }}
      >
        Store key
      </button>
    </form>
  )
}

function Budget(): JSX.Element {
  const budget = useAiStore((s) => s.budget)
  if (!budget) return <></>
  return (
    <p className="ai-budget" aria-label="LLM budget">
      Today {formatUsd(budget.spentTodayUsd)} of {formatUsd(budget.dailyLimitUsd)} <progress max={budget.dailyLimitUsd || 1} value={budget.spentTodayUsd} /> · Month {formatUsd(budget.spentMonthUsd)} of {formatUsd(budget.monthlyLimitUsd)}{' '}
      <progress max={budget.monthlyLimitUsd || 1} value={budget.spentMonthUsd} /> · {budget.callsToday} calls today
    </p>
  )
}

function TaskRow({ task }: { task: AiTask }): JSX.Element {
  const client = useClient()
  const retry = useAiStore((s) => s.retry)
  const discard = useAiStore((s) => s.discard)
  return (
    <tr aria-label={`${task.symbol} analysis ${task.state}`}>
      <td>
        {task.symbol} {task.timeframe}
      </td>
      <td>{task.priority}</td>
      <td>
        <span className={`badge ${task.state === 'done' ? 'ok' : task.state === 'dead' || task.state === 'refused' ? 'warn' : ''}`}>{task.state === 'dead' ? 'dead letter' : task.state}</span>
        {task.cached ? <span className="ai-dim"> cached</span> : null}
      </td>
      <td>{task.attempts}</td>
      <td>{formatUsd(task.costUsd)}</td>
      <td className="ai-answer">
        {task.answer ? (
          <span title={`${task.answer.rationale}\nRisks: ${task.answer.risks.join('; ')}`}>
            <b>{task.answer.stance}</b> ({Math.round(task.answer.confidence * 100)}%) {task.answer.rationale}
          </span>
        ) : (
          <span className="ai-dim">{task.error ?? ''}</span>
        )}
      </td>
      <td>
        {task.state === 'dead' || task.state === 'refused' ? (
          <button type="button" className="link" onClick={() => void retry(client, task.id)}>
            Retry
          </button>
        ) : null}
        {task.state === 'dead' || task.state === 'pending' || task.state === 'refused' ? (
          <button type="button" className="link danger-text" onClick={() => void discard(client, task.id)}>
            Discard
          </button>
        ) : null}
      </td>
    </tr>
  )
}

/** The LLM analyst: settings (the key is write-only), the budget used, and the queue with its dead letters. */
export function AnalystSection(): JSX.Element {
  const client = useClient()
  const tasks = useAiStore((s) => s.tasks)
  const signals = useAiStore((s) => s.signals)
  const analyze = useAiStore((s) => s.analyze)
  const symbols = useMemo(() => [...new Set(Object.values(signals).map((s) => s.symbol))].sort(), [signals])
  const [symbol, setSymbol] = useState('BTC/USDT')
  const list = useMemo(() => selectTasks(tasks).slice(0, 50), [tasks])
  const counts = useMemo(() => list.reduce<Record<string, number>>((c, t) => ({ ...c, [t.state]: (c[t.state] ?? 0) + 1 }), {}), [list])
  return (
    <div className="ai-section">
      <SettingsForm />
      <Budget />
      <form
        className="ai-form"
        aria-label="Ask the analyst"
        onSubmit={(e) => {
          e.preventDefault()
          void analyze(client, { symbol, timeframe: '1h' })
        }}
      >
        <select value={symbol} onChange={(e) => setSymbol(e.target.value)} aria-label="Symbol to analyze">
          {(symbols.length ? symbols : [symbol]).map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="submit">Analyze (advisory)</button>
        <span className="ai-dim">
          pending {counts.pending ?? 0} · running {counts.running ?? 0} · done {counts.done ?? 0} · dead letters {counts.dead ?? 0}
        </span>
      </form>
      <table className="ai-table" aria-label="AI task queue">
        <thead>
          <tr>
            <th>Market</th>
            <th>Priority</th>
            <th>State</th>
            <th>Attempts</th>
            <th>Cost</th>
            <th>Answer</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <TaskRow key={t.id} task={t} />
          ))}
        </tbody>
      </table>
    </div>
  )
}
