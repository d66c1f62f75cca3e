import type { AiSignal, AnalyzeParams } from '../src/shared/ai'
import { buildAnalysisPrompt } from '../src/core/ai/llm/prompt'
import type { AnalysisRequest } from '../src/core/ai/tasks/task-manager'
import { closedCandles, type HostCall } from './ai-history'

/** Candles summarised into the analyst's prompt. */
const CONTEXT_CANDLES = 200

/** The market context of an analysis (candles from the market worker, the live signal), as a queued request. */
export async function analysisRequest(call: HostCall, params: AnalyzeParams, signal: AiSignal | null): Promise<AnalysisRequest> {
  const candles = await closedCandles(call, { exchange: params.exchange, symbol: params.symbol, timeframe: params.timeframe }, CONTEXT_CANDLES)
  const prompt = buildAnalysisPrompt({ ...params, candles, signal })
  return { priority: params.priority, symbol: params.symbol, timeframe: params.timeframe, system: prompt.system, user: prompt.user, input: prompt.input }
}
