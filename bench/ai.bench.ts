import { readdirSync, readFileSync } from 'node:fs'
import { makeDataset } from '../src/core/ai/evaluate'
import { defaultSpec, fitModel, predictUp, type FittedModel } from '../src/core/ai/model'
import { SeriesSignals } from '../src/core/ai/series-signals'
import { runTraining } from '../src/core/ai/training'
import { TrainModelParams } from '../src/shared/ai'
import { HealthReport } from '../src/shared/health'
import { startServe, stopProcess, tempDir, waitFor } from '../test/support/processes'
import { syntheticCandles } from '../test/support/synthetic-candles'
import { summarize } from './stats'

const round = (n: number): number => Math.round(n * 100) / 100

/** Training on 100,000 candles per model kind: the final fit alone, and the whole job (walk-forward with 4 folds + final fit). */
function training(): Record<string, unknown> {
  const candles = syntheticCandles(100_000, { phi: 0.1, seed: 42 })
  const t0 = performance.now()
  const data = makeDataset(candles, { horizon: 1, band: 0 })
  const datasetMs = performance.now() - t0
  const out: Record<string, unknown> = { candles: candles.length, samples: data.labels.length, features: data.rows[0]!.length, datasetMs: round(datasetMs) }
  for (const kind of ['logistic', 'gbt'] as const) {
    const fitStart = performance.now()
    fitModel(defaultSpec(kind), data.rows, data.labels)
    const fitMs = performance.now() - fitStart
    const jobStart = performance.now()
    const outcome = runTraining(candles, TrainModelParams.parse({ symbol: 'BTC/USDT', timeframe: '1m', algorithm: kind, candles: 100_000 }))
    out[kind] = { fitMs: round(fitMs), jobMs: round(performance.now() - jobStart), oosHitRate: round(outcome.quality.hitRate * 1e4) / 1e4, pValue: outcome.quality.pValue }
  }
  return out
}

/** One closed candle for each of 5 symbols x 3 timeframes: ensemble, features and a GBT prediction per series. */
function inference(): Record<string, unknown> {
  const model: FittedModel = fitModel(defaultSpec('gbt'), ...(() => {
    const d = makeDataset(syntheticCandles(10_000, { phi: 0.1, seed: 1 }), { horizon: 1, band: 0 })
    return [d.rows, d.labels] as const
  })())
  const series = Array.from({ length: 15 }, (_, i) => {
    const candles = syntheticCandles(3000, { phi: 0, seed: 100 + i })
    const s = new SeriesSignals()
    s.warm(candles.slice(0, 1000))
    return { s, live: candles.slice(1000) }
  })
  const perCandle: number[] = []
  const perRound: number[] = []
  for (let k = 0; k < 2000; k++) {
    const roundStart = performance.now()
    for (const { s, live } of series) {
      const t = performance.now()
      const step = s.update(live[k]!)
      if (step?.features) predictUp(model, step.features)
      perCandle.push(performance.now() - t)
    }
    perRound.push(performance.now() - roundStart)
  }
  return { series: 15, gbtTrees: model.kind === 'gbt' ? model.trees.length : 0, perCandleMs: summarize(perCandle), per15SeriesMs: summarize(perRound) }
}

/** The AI worker's resident memory in a real `keel serve`, after its 15 default series warmed up, then after training a model. */
/** Resident bytes of a process's children (Linux /proc; 0 elsewhere). */
function childrenRss(pid: number): number {
  try {
    let total = 0
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child}/status`, 'utf8'))?.[1]
        total += kb ? Number(kb) * 1024 : 0
      }
    }
    return total
  } catch {
    return 0
  }
}

export async function workerRss(): Promise<Record<string, unknown>> {
  const dir = tempDir('keel-bench-ai-')
  const serve = await startServe(dir.path)
  try {
    const ai = async () => HealthReport.parse((await serve.call('health')).body).workers.find((w) => w.name === 'ai')!
    await waitFor('the AI worker', async () => (await ai()).state === 'running', 30_000)
    await waitFor('signals for 15 series', async () => ((await serve.call('aiSignals')).body as unknown[]).length >= 15, 60_000, 200)
    const idle = (await ai()).rssBytes ?? 0
    const { body } = await serve.call('trainModel', { symbol: 'BTC/USDT', timeframe: '1h', algorithm: 'gbt', candles: 20_000 })
    const id = (body as { id: string }).id
    let peak = 0
    let childPeak = 0
    await waitFor('training', async () => {
      const worker = await ai()
      peak = Math.max(peak, worker.rssBytes ?? 0)
      if (worker.pid) childPeak = Math.max(childPeak, childrenRss(worker.pid))
      const runs = ((await serve.call('listModels')).body as { runs: Array<{ id: string; state: string }> }).runs
      return runs.find((r) => r.id === id)?.state === 'done'
    }, 300_000, 250)
    const after = (await ai()).rssBytes ?? 0
    // Memory a process freed is not always given back at once: look again once it has settled.
    await new Promise((r) => setTimeout(r, 10_000))
    const settled = await ai()
    const mib = (b: number): number => round(b / 2 ** 20)
    return {
      idleMiB: mib(idle),
      peakDuringTrainingMiB: mib(peak),
      trainingProcessPeakMiB: mib(childPeak),
      afterTrainingMiB: mib(after),
      tenSecondsLaterMiB: mib(settled.rssBytes ?? 0),
      note: 'RSS of the AI worker process as its heartbeat reports it; the fit runs in a child process of its own (trainingProcessPeakMiB, from /proc), whose memory goes back to the system when it exits'
    }
  } finally {
    await stopProcess(serve.child, 'SIGTERM')
    dir.remove()
  }
}

export async function run(): Promise<Record<string, unknown>> {
  return { training: training(), inference: inference(), workerRss: await workerRss() }
}
