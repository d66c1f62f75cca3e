import { useMemo, type JSX } from 'react'
import type { AiSignal } from '../../../../shared/ai'
import { useAiStore } from '../../stores/ai'
import { LiveCell, QualityCell } from './quality'

const TF_ORDER = ['1m', '5m', '15m', '1h', '4h', '1d']

function Votes({ signal }: { signal: AiSignal }): JSX.Element {
  return (
    <span className="ai-votes">
      {signal.votes.map((v) => (
        <span key={v.rule} className={`ai-vote ai-vote-${v.vote}`} title={`${v.rule}: ${v.value === null ? 'warming up' : v.value.toFixed(4)}`}>
          {v.rule} {v.vote > 0 ? '▲' : v.vote < 0 ? '▼' : '·'}
        </span>
      ))}
    </span>
  )
}

/** One row per series: the rules' votes and score, the ensemble's own record, and the newest model's call with its record. */
export function SignalsTable(): JSX.Element {
  const signals = useAiStore((s) => s.signals)
  const rows = useMemo(() => Object.values(signals).sort((a, b) => a.symbol.localeCompare(b.symbol) || TF_ORDER.indexOf(a.timeframe) - TF_ORDER.indexOf(b.timeframe)), [signals])
  if (!rows.length) return <p className="ai-dim ai-pad">No signals yet: they appear once each series' history has loaded.</p>
  return (
    <table className="ai-table" aria-label="AI signals">
      <thead>
        <tr>
          <th>Symbol</th>
          <th>TF</th>
          <th>Score</th>
          <th>Votes</th>
          <th>Ensemble OOS hit rate</th>
          <th>Model</th>
          <th>P(up)</th>
          <th>Model OOS hit rate</th>
          <th>Live</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={`${s.exchange}|${s.symbol}|${s.timeframe}`} aria-label={`${s.symbol} ${s.timeframe} signal`}>
            <td>{s.symbol}</td>
            <td>{s.timeframe}</td>
            <td className={s.score > 0 ? 'ai-up' : s.score < 0 ? 'ai-down' : ''}>{s.score.toFixed(2)}</td>
            <td>
              <Votes signal={s} />
            </td>
            <td>
              <QualityCell quality={s.ensembleQuality} />
            </td>
            {s.model ? (
              <>
                <td>
                  {s.model.algorithm} <span className="ai-dim">h={s.model.horizon}</span>
                </td>
                <td className={s.model.direction === 'up' ? 'ai-up' : 'ai-down'}>{(s.model.probUp * 100).toFixed(1)}%</td>
                <td>
                  <QualityCell quality={s.model.quality} />
                </td>
                <td>
                  <LiveCell live={s.model.live} />
                </td>
              </>
            ) : (
              <td colSpan={4} className="ai-dim">
                no model
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
