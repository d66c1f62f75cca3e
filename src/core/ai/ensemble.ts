import type { IndicatorValues } from './indicators'

export const RULES = ['rsi', 'macd', 'bollinger', 'emaTrend', 'volume'] as const
export type RuleName = (typeof RULES)[number]

export interface RuleVote {
  rule: RuleName
  /** +1 long, -1 short, 0 no opinion (or not enough data yet). */
  vote: -1 | 0 | 1
  /** The indicator value the vote came from, for display; null before warm-up. */
  value: number | null
}

export interface EnsembleSignal {
  votes: RuleVote[]
  /** Mean of the votes of the rules that have data, in [-1, 1]; 0 when none has. */
  score: number
}

const sign = (x: number): -1 | 0 | 1 => (x > 0 ? 1 : x < 0 ? -1 : 0)

/**
 * The classic rules, each one vote: RSI mean reversion (below 30 long, above 70 short), MACD
 * histogram sign, Bollinger band touch (mean reversion), EMA 12/26 trend, and a volume spike
 * (z > 2) confirming the candle's direction.
 */
export function ruleVotes(v: IndicatorValues): RuleVote[] {
  const votes: RuleVote[] = []
  votes.push({ rule: 'rsi', value: v.rsi, vote: v.rsi === null ? 0 : v.rsi < 30 ? 1 : v.rsi > 70 ? -1 : 0 })
  votes.push({ rule: 'macd', value: v.macdHistogram, vote: v.macdHistogram === null ? 0 : sign(v.macdHistogram) })
  const b = v.bollinger
  const width = b ? b.upper - b.lower : 0
  const position = b && width > 0 ? (v.close - b.middle) / (width / 2) : null
  votes.push({ rule: 'bollinger', value: position, vote: position === null ? 0 : position <= -1 ? 1 : position >= 1 ? -1 : 0 })
  const trend = v.emaFast !== null && v.emaSlow !== null ? v.emaFast / v.emaSlow - 1 : null
  votes.push({ rule: 'emaTrend', value: trend, vote: trend === null ? 0 : sign(trend) })
  votes.push({ rule: 'volume', value: v.volumeZ, vote: v.volumeZ !== null && v.volumeZ > 2 ? v.candleDirection : 0 })
  return votes
}

/** Rules still warming up (value null) do not dilute the score of those that have data. */
export function ensembleSignal(v: IndicatorValues): EnsembleSignal {
  const votes = ruleVotes(v)
  const ready = votes.filter((r) => r.value !== null)
  const score = ready.length ? ready.reduce((s, r) => s + r.vote, 0) / ready.length : 0
  return { votes, score }
}
