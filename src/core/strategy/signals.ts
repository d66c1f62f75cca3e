import type { AiSignal } from '../../shared/ai'
import type { StrategySignals } from './contract'

/** An AI signal as ctx.signals shows it: the ensemble, and each model's call with its "no edge" flag. */
export function strategySignalsOf(signal: Pick<AiSignal, 'time' | 'close' | 'votes' | 'score' | 'ensembleQuality' | 'model'>): StrategySignals {
  const { time, close, votes, score, ensembleQuality, model } = signal
  return {
    time,
    close,
    votes: votes.map((v) => ({ ...v })),
    score,
    ensembleQuality,
    models: model ? [{ ...model, noEdge: !model.quality.edge }] : []
  }
}
