import { join } from 'node:path'
import {
  AiSignalsParams,
  AiTaskParams,
  AiTasksParams,
  AnalyzeParams,
  ListModelsParams,
  LlmKeyNotice,
  TrainModelParams,
  WorkerLlmSettingsParams
} from '../src/shared/ai'
import { describeZodError } from '../src/shared/errors'
import { CandleEvent } from '../src/shared/market'
import type { Timeframe } from '../src/shared/market-data'
import { DEMO_SYMBOLS } from '../src/core/market/demo-symbols'
import { OpenAiProvider } from '../src/core/ai/llm/openai-provider'
import { TaskManager } from '../src/core/ai/tasks/task-manager'
import { ModelStore } from '../src/core/storage/ai/model-store'
import { openAiDb } from '../src/core/storage/ai/open'
import { TaskStore } from '../src/core/storage/ai/task-store'
import { analysisRequest } from './ai-analyst'
import { SignalService } from './ai-signals'
import { TrainingJobs } from './ai-training'
import { runWorker, validated } from './runtime/worker'

/** Series followed from the start (the demo market); any other series is followed once its candles or a model appear. */
const DEFAULT_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '1h']

// The AI worker owns ai.db: indicator-ensemble signals on every closed candle, models trained
// in a worker_thread and judged out of sample, and the LLM analyst behind its task queue.
// Advisory only: it can call market-data methods through the host and nothing else.
runWorker((ctx) => {
  const db = openAiDb(join(ctx.dataDir, 'ai.db'))
  const models = new ModelStore(db)
  const call = (method: string, params: unknown, timeoutMs?: number): Promise<unknown> => ctx.call(method, params, timeoutMs)
  const signals = new SignalService({ store: models, call, emit: (s) => ctx.emit('aiSignal', s), log: ctx.log })
  const training = new TrainingJobs({
    store: models,
    call,
    threadDir: __dirname,
    onProgress: (run) => ctx.emit('trainingProgress', run),
    onModel: (info) => {
      const fitted = models.latestPerSeries().find((m) => m.info.id === info.id)
      if (fitted) signals.useModel(fitted.info, fitted.fitted)
    },
    log: ctx.log
  })
  const tasks = new TaskManager({ store: new TaskStore(db), provider: new OpenAiProvider(), onTask: (t) => ctx.emit('aiTask', t) })

  ctx.onNotify('candle', (raw) => {
    const parsed = CandleEvent.safeParse(raw)
    if (parsed.success) signals.onCandle(parsed.data)
    else ctx.log.warn('ignored a malformed candle:', describeZodError(parsed.error))
  })
  ctx.onNotify('llmKey', (raw) => {
    const parsed = LlmKeyNotice.safeParse(raw)
    if (parsed.success) tasks.setKey(parsed.data)
  })
  ctx.onShutdown(async () => {
    tasks.stop()
    await training.stop()
    db.close()
  })

  for (const { symbol } of DEMO_SYMBOLS) for (const timeframe of DEFAULT_TIMEFRAMES) signals.track('demo', symbol, timeframe)
  training.resumeUnfinished()
  tasks.start()

  return {
    aiSignals: validated(AiSignalsParams, (p) => signals.signals(p)),
    trainModel: validated(TrainModelParams, (p) => training.submit(p)),
    listModels: validated(ListModelsParams, (p) => ({ models: models.models(p.symbol), runs: models.runs() })),
    analyze: validated(AnalyzeParams, async (p) => {
      tasks.assertEnabled()
      const signal = signals.signals(p).at(0) ?? null
      return tasks.submit(await analysisRequest(call, p, signal))
    }),
    aiTasks: validated(AiTasksParams, (p) => tasks.list(p.state, p.limit)),
    aiTaskAudit: validated(AiTaskParams, (p) => tasks.audit(p.id)),
    aiRetryTask: validated(AiTaskParams, (p) => tasks.retry(p.id)),
    aiDiscardTask: validated(AiTaskParams, (p) => tasks.discard(p.id)),
    aiBudget: () => tasks.budget(),
    aiLlmSettings: () => tasks.settingsView(),
    // Host-internal: the host's aiSetLlmSettings splits the key off and forwards this.
    setLlmSettings: validated(WorkerLlmSettingsParams, (p) => {
      tasks.setKey(p.key)
      return tasks.updateSettings(p.settings)
    })
  }
})
