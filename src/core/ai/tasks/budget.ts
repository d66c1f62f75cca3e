import type { LlmSettings } from '../../../shared/ai'

type Prices = Pick<LlmSettings, 'inputPricePerMTok' | 'outputPricePerMTok'>

export function costUsd(usage: { promptTokens: number; completionTokens: number }, prices: Prices): number {
  return (usage.promptTokens * prices.inputPricePerMTok + usage.completionTokens * prices.outputPricePerMTok) / 1_000_000
}

/** Worst case of one call: the prompt at 3 characters a token (more tokens than most text has) and every allowed output token. */
export function estimateCostUsd(promptChars: number, settings: Prices & Pick<LlmSettings, 'maxTokens'>): number {
  return costUsd({ promptTokens: Math.ceil(promptChars / 3), completionTokens: settings.maxTokens }, settings)
}

/** Why a call of `estimate` may not be made, or null when both budgets allow it. */
export function budgetRefusal(spent: { today: number; month: number }, estimate: number, budget: Pick<LlmSettings, 'dailyBudgetUsd' | 'monthlyBudgetUsd'>): string | null {
  const usd = (x: number): string => `$${x.toFixed(4)}`
  if (spent.today + estimate > budget.dailyBudgetUsd) {
    return `refused before the call: it may cost up to ${usd(estimate)} and ${usd(spent.today)} of the daily budget of ${usd(budget.dailyBudgetUsd)} is spent`
  }
  if (spent.month + estimate > budget.monthlyBudgetUsd) {
    return `refused before the call: it may cost up to ${usd(estimate)} and ${usd(spent.month)} of the monthly budget of ${usd(budget.monthlyBudgetUsd)} is spent`
  }
  return null
}

/** UTC day and month starts: budgets reset at midnight UTC and on the 1st. */
export function periodStarts(now: number): { day: number; month: number } {
  const d = new Date(now)
  return { day: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()), month: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) }
}
