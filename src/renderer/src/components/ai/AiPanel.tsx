import { useEffect, useState, type JSX } from 'react'
import { useClient } from '../../client-context'
import { bindAi, useAiStore } from '../../stores/ai'
import { AnalystSection } from './AnalystSection'
import { SignalsTable } from './SignalsTable'
import { TrainingSection } from './TrainingSection'
import './ai.css'

type View = 'signals' | 'training' | 'analyst'
const VIEWS: { id: View; label: string }[] = [
  { id: 'signals', label: 'Signals' },
  { id: 'training', label: 'Models & training' },
  { id: 'analyst', label: 'LLM analyst' }
]

/** The AI tab: signals with their measured quality, training, and the advisory LLM analyst. It binds its store while shown. */
export function AiPanel(): JSX.Element {
  const client = useClient()
  const error = useAiStore((s) => s.error)
  const setError = useAiStore((s) => s.setError)
  const [view, setView] = useState<View>('signals')
  useEffect(() => bindAi(client), [client])
  return (
    <div className="ai-panel">
      <div className="ai-views" role="group" aria-label="AI views">
        {VIEWS.map((v) => (
          <button key={v.id} type="button" aria-pressed={view === v.id} onClick={() => setView(v.id)}>
            {v.label}
          </button>
        ))}
        <span className="ai-dim">Advisory only: nothing here places orders.</span>
      </div>
      {error ? (
        <p role="alert" className="ai-error">
          {error}{' '}
          <button type="button" className="link" onClick={() => setError(null)}>
            dismiss
          </button>
        </p>
      ) : null}
      {view === 'signals' ? <SignalsTable /> : view === 'training' ? <TrainingSection /> : <AnalystSection />}
    </div>
  )
}
