import { useMemo, useState, type JSX } from 'react'
import type { ModelKind } from '../../../../shared/ai'
import type { Timeframe } from '../../../../shared/market-data'
import { useClient } from '../../client-context'
import { selectRuns, useAiStore } from '../../stores/ai'
import { QualityCell } from './quality'

const TIMEFRAMES: Timeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d']

/** Train a model (form), the runs with their progress, and the models with their out-of-sample record. */
export function TrainingSection(): JSX.Element {
  const client = useClient()
  const signals = useAiStore((s) => s.signals)
  const runs = useAiStore((s) => s.runs)
  const models = useAiStore((s) => s.models)
  const train = useAiStore((s) => s.train)
  const symbols = useMemo(() => [...new Set(Object.values(signals).map((s) => s.symbol))].sort(), [signals])
  const [symbol, setSymbol] = useState('BTC/USDT')
  const [timeframe, setTimeframe] = useState<Timeframe>('1h')
  const [algorithm, setAlgorithm] = useState<ModelKind>('gbt')
  const [candles, setCandles] = useState(5000)
  const [horizon, setHorizon] = useState(1)
  const list = useMemo(() => selectRuns(runs).slice(0, 10), [runs])
  return (
    <div className="ai-section">
      <form
        className="ai-form"
        aria-label="Train a model"
        onSubmit={(e) => {
          e.preventDefault()
          void train(client, { symbol, timeframe, algorithm, candles, horizon })
        }}
      >
        <label>
          Symbol
          <select value={symbol} onChange={(e) => setSymbol(e.target.value)}>
            {(symbols.length ? symbols : [symbol]).map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Timeframe
          <select value={timeframe} onChange={(e) => setTimeframe(e.target.value as Timeframe)}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Model
          <select value={algorithm} onChange={(e) => setAlgorithm(e.target.value as ModelKind)}>
            <option value="gbt">gradient-boosted trees</option>
            <option value="logistic">logistic regression</option>
          </select>
        </label>
        <label>
          Candles
          <input type="number" min={500} max={200000} step={500} value={candles} onChange={(e) => setCandles(Number(e.target.value))} />
        </label>
        <label>
          Horizon
          <input type="number" min={1} max={500} value={horizon} onChange={(e) => setHorizon(Number(e.target.value))} />
        </label>
        <button type="submit">Train</button>
      </form>
      <table className="ai-table" aria-label="Training runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>State</th>
            <th>Progress</th>
            <th>Attempts</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {list.map((r) => (
            <tr key={r.id}>
              <td>
                {r.request.algorithm} {r.request.symbol} {r.request.timeframe} <span className="ai-dim">{r.request.candles} candles</span>
              </td>
              <td>{r.state}</td>
              <td>
                <progress max={1} value={r.progress} aria-label={`progress of ${r.request.symbol} ${r.request.algorithm}`} /> {Math.round(r.progress * 100)}% <span className="ai-dim">{r.phase}</span>
              </td>
              <td>{r.attempts}</td>
              <td className="ai-dim">{r.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="ai-table" aria-label="Models">
        <thead>
          <tr>
            <th>Model</th>
            <th>Samples</th>
            <th>Walk-forward</th>
            <th>OOS hit rate</th>
          </tr>
        </thead>
        <tbody>
          {models.slice(0, 10).map((m) => (
            <tr key={m.id}>
              <td>
                {m.algorithm} {m.symbol} {m.timeframe} <span className="ai-dim">h={m.horizon} band={m.band}</span>
              </td>
              <td>{m.samples}</td>
              <td className="ai-dim">
                {m.folds.length} folds, embargo {m.embargo}
              </td>
              <td>
                <QualityCell quality={m.quality} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
