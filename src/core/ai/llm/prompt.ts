import type { AiSignal } from '../../../shared/ai'
import type { Candle } from '../../../shared/market-data'

export interface MarketContext {
  exchange: string
  symbol: string
  timeframe: string
  candles: readonly Candle[]
  signal: AiSignal | null
  question?: string
}

export interface CandleSummary {
  candles: number
  from: number
  to: number
  lastClose: number
  changePercent: number
  high: number
  low: number
  /** Standard deviation of candle-to-candle log returns, in percent. */
  volatilityPercent: number
  recentCloses: number[]
}

export function summarizeCandles(candles: readonly Candle[]): CandleSummary | null {
  if (candles.length < 2) return null
  const closes = candles.map((c) => c[4])
  const returns = closes.slice(1).map((c, i) => Math.log(c / closes[i]!))
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / returns.length)
  return {
    candles: candles.length,
    from: candles[0]![0],
    to: candles.at(-1)![0],
    lastClose: closes.at(-1)!,
    changePercent: round((closes.at(-1)! / closes[0]! - 1) * 100),
    high: Math.max(...candles.map((c) => c[2])),
    low: Math.min(...candles.map((c) => c[3])),
    volatilityPercent: round(sd * 100),
    recentCloses: closes.slice(-12)
  }
}

const SYSTEM = [
  'You are a cautious market analyst for a paper-trading workstation. Your read is advisory: you cannot place orders.',
  'Answer with one JSON object and nothing else: {"stance": "bullish" | "bearish" | "neutral", "confidence": number 0..1, "rationale": string, "risks": string[]}.',
  'Say "neutral" with low confidence when the data does not support a view; the signals below come with their measured out-of-sample quality — an indicator marked "no edge" is no evidence.'
].join('\n')

/** The prompt is built from data only (no free text but the user's question), and kept for audit. */
export function buildAnalysisPrompt(context: MarketContext): { system: string; user: string; input: unknown } {
  const input = {
    market: { exchange: context.exchange, symbol: context.symbol, timeframe: context.timeframe },
    candles: summarizeCandles(context.candles),
    signal: context.signal && {
      score: context.signal.score,
      votes: context.signal.votes,
      ensemble: context.signal.ensembleQuality && describeQuality(context.signal.ensembleQuality),
      model: context.signal.model && { algorithm: context.signal.model.algorithm, probUp: round(context.signal.model.probUp), ...describeQuality(context.signal.model.quality) }
    }
  }
  const question = context.question?.trim() || `What is your read of ${context.symbol} on the ${context.timeframe} timeframe?`
  return { system: SYSTEM, user: `${question}\n\nMarket context (JSON):\n${JSON.stringify(input)}`, input }
}

function describeQuality(q: { hitRate: number; baseline: number; pValue: number; edge: boolean; n: number }) {
  return { outOfSampleHitRate: round(q.hitRate), baseline: round(q.baseline), pValue: round(q.pValue), samples: q.n, edge: q.edge ? 'yes' : 'no edge' }
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000
