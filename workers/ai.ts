import { join } from 'node:path'
import { WorkerLlmSettingsParams, type AnalyzeParams } from '../src/shared/ai'
import { CandleEvent } from '../src/shared/market'
import type { Timeframe } from '../src/shared/market-data'
import { DEMO_SYMBOLS } from '../src/core/market/demo-symbols'
import { OpenAiProvider } from '../src/core/ai/llm/openai-provider'
import { AnalysisSchedule } from '../src/core/ai/tasks/schedule'
import { TaskManager } from '../src/core/ai/tasks/task-manager'
import { ModelStore } from '../src/core/storage/ai/model-store'
import { openAiDb } from '../src/core/storage/ai/open'
import { TaskStore } from '../src/core/storage/ai/task-store'
import { analysisRequest } from './ai-analyst'
import { SignalService } from './ai-signals'
import { TrainingJobs } from './ai-training'
import { runWorker } from './runtime/worker'

/** Series followed from the start (the demo market); any other series is followed once its candles or a model appear. */
const DEFAULT_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '1h']

// The AI worker owns ai.db: indicator-ensemble signals on every closed candle, models trained
// in a worker_thread and judged out of sample, and the LLM analyst behind its task queue.
// Advisory only: it can call market-data methods through the host and nothing else.
runWorker('ai', (ctx) => {
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
  const taskStore = new TaskStore(db)
  const tasks = new TaskManager({ store: taskStore, provider: new OpenAiProvider(), onTask: (t) => ctx.emit('aiTask', t) })
  const analyze = async (p: AnalyzeParams) => {
    tasks.assertEnabled()
    const signal = signals.signals(p).at(0) ?? null
    return tasks.submit(await analysisRequest(call, p, signal))
  }
  const schedule = new AnalysisSchedule({
    store: taskStore,
    submit: (exchange, symbol, timeframe) => analyze({ exchange, symbol, timeframe, priority: 'scheduled' }),
    log: ctx.log
  })

  ctx.onNotify('candle', CandleEvent, (event) => signals.onCandle(event))
  // The host owns the settings (settings.json `llm`) and the key: it sends both at every start
  // of this worker and on every change; until then the analyst is off.
  ctx.onHostRequest('setLlmSettings', WorkerLlmSettingsParams, (p) => {
    schedule.configure(p.settings, p.watch)
    return tasks.configure(p.settings, p.key)
  })
  ctx.onShutdown(async () => {
    schedule.stop()
    tasks.stop()
    training.stop()
    db.close()
  })

  for (const { symbol } of DEMO_SYMBOLS) for (const timeframe of DEFAULT_TIMEFRAMES) signals.track('demo', symbol, timeframe)
  training.resumeUnfinished()
  tasks.start()

  // Params arrive parsed by the runtime with each method's api.ts schema.
  return {
    aiSignals: (p) => signals.signals(p),
    trainModel: (p) => training.submit(p),
    listModels: (p) => ({ models: models.models(p.symbol), runs: models.runs() }),
    analyze,
    aiTasks: (p) => tasks.list(p.state, p.limit),
    aiTaskAudit: (p) => tasks.audit(p.id),
    aiRetryTask: (p) => tasks.retry(p.id),
    aiDiscardTask: (p) => tasks.discard(p.id),
    aiBudget: () => tasks.budget()
  }
})
