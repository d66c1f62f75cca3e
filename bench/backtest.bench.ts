import { execFileSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { BacktestRequest, SweepSpec } from '../src/shared/backtest'
import { BacktestStore } from '../src/core/backtest/store'
import { runSweep } from '../src/core/backtest/sweep'
import { threadPool } from '../src/core/backtest/thread-pool'
import { sliceByIndex } from '../src/core/backtest/series'
import { benchCandles, engineRun, plainSmaLoop } from './backtest-fixture'
import { summarize } from './stats'

/**
 * The backtester: SMA(10)/SMA(30) cross (the built-in strategy) over 1,000,000 one-minute
 * candles through the full engine, beside a plain-JS SMA loop over the same candles (the
 * floor); the memory of one such run, alone in a child process; a 100-point sweep over 100,000
 * candles on 1 and on 2 worker threads in paired rounds, beside control loops that show what the
 * cores gave at the same moments, with the CPU time the process used (cores busy = CPU / wall).
 * The machine is shared, so the load average is printed with every figure.
 */

/** Best of `times` (the machine is shared: the minimum is the least disturbed run). */
async function best<T extends { ms: number; threadCpuMs?: number }>(
  times: number,
  once: () => Promise<T>
): Promise<T & { runsMs: number[]; runsThreadCpuMs?: number[] }> {
  const runs: T[] = []
  for (let k = 0; k < times; k++) runs.push(await once())
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a))
  const cpu = runs.map((r) => r.threadCpuMs).filter((x): x is number => x !== undefined)
  return { ...fastest, runsMs: runs.map((r) => r.ms), ...(cpu.length > 0 ? { runsThreadCpuMs: cpu } : {}) }
}

/** The 100-point grid the sweep bench runs: fast 2…11 × slow 20…65. */
const GRID = { fast: { min: 2, max: 11, step: 1 }, slow: { min: 20, max: 65, step: 5 } }

/** A pool of `threads` worker threads with its own store. Threads load tsx, the strategy and the
 * engine once, and that start-up is not the sweep's cost. Each thread is a V8 isolate that
 * compiles the engine for itself, so 2 threads compile twice, on the cores the sweep runs on:
 * the pool's first full sweep (`first`) is apart from the rounds, which time warmed threads. */
async function sweepBench(dir: string, csv: string, threads: number) {
  const store = new BacktestStore(join(dir, `sweep-${threads}.db`))
  const runner = threadPool({ threads })
  const base = BacktestRequest.parse({ strategy: 'sma-cross', data: csv, params: { amount: 0.1 }, config: { fill: 'next-open', warmup: 70, cash: 1_000_000 } })
  await runSweep(SweepSpec.parse({ base, axes: { fast: [5], slow: Array.from({ length: threads }, (_, k) => 30 + k) } }), { store, runner, dataDir: dir })
  const once = async () => {
    const start = performance.now()
    const cpu = process.cpuUsage()
    const result = await runSweep(SweepSpec.parse({ base, axes: GRID }), { store, runner, dataDir: dir })
    const ms = performance.now() - start
    const used = process.cpuUsage(cpu)
    const cpuMs = (used.user + used.system) / 1000
    return {
      threads,
      points: result.points.length,
      failed: result.points.filter((p) => !p.metrics).length,
      ms: Math.round(ms),
      /** All threads of this process (workers, main, GC and compiler helpers). */
      cpuMs: Math.round(cpuMs),
      coresBusy: round2(cpuMs / ms),
      loadAverage: load()
    }
  }
  const first = await once()
  return {
    threads,
    first,
    once,
    async close() {
      await runner.close()
      store.close()
    }
  }
}

/**
 * The sweep on 1 and on 2 threads in paired rounds, the order alternating (1 then 2, then 2 then
 * 1) so a drift of the shared machine's speed weighs on both; each round also runs the two
 * control loops on 1 and 2 threads. A round's speedup is read beside its controls: what the
 * cores gave code that touches no memory at that moment.
 */
async function sweepScaling(candles: number, rounds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-sweep-'))
  const pools: Awaited<ReturnType<typeof sweepBench>>[] = []
  try {
    const csv = join(dir, 'candles.csv')
    writeFileSync(csv, csvOf(benchCandles(candles)))
    const one = await sweepBench(dir, csv, 1)
    pools.push(one)
    const two = await sweepBench(dir, csv, 2)
    pools.push(two)
    const runs = []
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [one, two] : [two, one]
      const [a, b] = [await order[0].once(), await order[1].once()]
      const [oneRun, twoRun] = a.threads === 1 ? [a, b] : [b, a]
      const latencyLoop = await loopScaling('latency', LATENCY_LOOP_ITERATIONS)
      const aluLoop = await loopScaling('alu', ALU_LOOP_ITERATIONS)
      runs.push({ one: oneRun, two: twoRun, speedup: round2(oneRun.ms / twoRun.ms), latencyLoop, aluLoop })
    }
    const median = (xs: number[]) => summarize(xs).median
    return {
      candles,
      /** Each pool's first full sweep, its threads still compiling (what a first sweep pays). */
      first: { one: one.first, two: two.first, speedup: round2(one.first.ms / two.first.ms) },
      rounds: runs,
      speedup: median(runs.map((r) => r.speedup)),
      oneMs: median(runs.map((r) => r.one.ms)),
      twoMs: median(runs.map((r) => r.two.ms)),
      latencyLoopSpeedup: median(runs.map((r) => r.latencyLoop.speedup)),
      aluLoopSpeedup: median(runs.map((r) => r.aluLoop.speedup)),
      target: 1.8
    }
  } finally {
    for (const pool of pools) await pool.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Control loops that touch no memory, the same work split over 1 and over 2 worker threads.
 * `latency` is one chain of multiplies (each waits for the last, leaving the core's other units
 * idle); `alu` is eight interleaved chains of adds, xors and shifts that keep the core's units
 * busy, as JIT-compiled backtest code does. Where two vCPUs share a physical core's units
 * (hyperthreads, or a neighbour's load on the host), `alu` loses most and `latency` least.
 */
const LOOPS = {
  latency: `let x = 1
for (let i = 0; i < n; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0
return x`,
  alu: `let a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8
for (let i = 0; i < n; i++) {
  a = (a + i) ^ (b >>> 3); b = (b + a) | 0; c = ((c ^ b) + 7) | 0; d = (d + c) ^ (a << 1)
  e = (e + d) | 0; f = ((f ^ e) + i) | 0; g = (g + f) ^ (c >>> 2); h = (h + g) | 0
}
return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h`
}
const LATENCY_LOOP_ITERATIONS = 300_000_000
const ALU_LOOP_ITERATIONS = 200_000_000

async function loopScaling(kind: keyof typeof LOOPS, iterations: number): Promise<{ oneMs: number; twoMs: number; speedup: number }> {
  // In a function, so the loop's variables are registers, not script-scope slots.
  const code = `const { parentPort, workerData } = require('node:worker_threads')
function loop(n) {
${LOOPS[kind]}
}
parentPort.postMessage(loop(workerData))`
  const split = (threads: number) =>
    new Promise<number>((resolve, reject) => {
      const start = performance.now()
      let left = threads
      for (let k = 0; k < threads; k++) {
        const worker = new Worker(code, { eval: true, workerData: iterations / threads })
        worker.once('error', reject)
        worker.once('message', () => {
          void worker.terminate()
          if (--left === 0) resolve(performance.now() - start)
        })
      }
    })
  const oneMs = await split(1)
  const twoMs = await split(2)
  return { oneMs: Math.round(oneMs), twoMs: Math.round(twoMs), speedup: round2(oneMs / twoMs) }
}

/** The same candles written as a CSV file, read back and run next-open in a fresh process. */
function memoryFromCsv(series: ReturnType<typeof benchCandles>): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-csv-'))
  try {
    const csv = join(dir, 'candles.csv')
    writeFileSync(csv, csvOf(series))
    return memoryOfOneRun('csv', csv)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function csvOf(series: ReturnType<typeof benchCandles>): string {
  const rows: string[] = ['timestamp,open,high,low,close,volume']
  for (let i = 0; i < series.length; i++) rows.push(`${series.time[i]},${series.open[i]},${series.high[i]},${series.low[i]},${series.close[i]},${series.volume[i]}`)
  return `${rows.join('\n')}\n`
}

/** One 1M-candle run in a fresh process (tsx, like this bench): its own peak RSS. `csv`: the
 * candles read from that file first, as the CLI does. */
function memoryOfOneRun(fill: 'next-open' | 'book' | 'csv', count: number | string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(__dirname, 'backtest-child.ts'), fill, String(count)], {
    cwd: resolve(__dirname, '..'),
    encoding: 'utf8'
  })
  return { ...(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>), loadAverage: load() }
}

export async function run(): Promise<Record<string, unknown>> {
  const count = Number(process.env.KEEL_BENCH_CANDLES ?? 1_000_000)
  const times = Number(process.env.KEEL_BENCH_RUNS ?? 3)
  const series = benchCandles(count)
  const loadBefore = loadavg()[0]
  const floor = await best(times, async () => {
    const start = performance.now()
    const { crosses } = plainSmaLoop(series, 10, 30)
    return { ms: Math.round((performance.now() - start) * 10) / 10, crosses }
  })
  const decisionsOnly = await best(times, () => engineRun(series, { fill: 'next-open' }, 0))
  const nextOpen = await best(times, () => engineRun(series, { fill: 'next-open' }))
  const book = await best(times, () => engineRun(series, { fill: 'book' }))
  // Every path point through the engine (4 trades + 4 books per candle), on a fifth of the candles.
  const fifth = sliceByIndex(series, 0, Math.floor(count / 5))
  const everyEvent = await best(1, () => engineRun(fifth, { fill: 'book', feedIdle: true }))
  const engineLoad = load()
  const memory = { nextOpen: memoryOfOneRun('next-open', count), book: memoryOfOneRun('book', count), fromCsv: memoryFromCsv(series) }
  const sweep = await sweepScaling(Number(process.env.KEEL_BENCH_SWEEP_CANDLES ?? 100_000), Number(process.env.KEEL_BENCH_SWEEP_ROUNDS ?? 5))
  return {
    summary: {
      candles: count,
      fullEngineMs: nextOpen.ms,
      fullEngineThreadCpuMs: nextOpen.threadCpuMs,
      /** The first of those runs: the order path's code not yet optimised (a one-off CLI run pays this). */
      fullEngineFirstRunMs: nextOpen.runsMs[0],
      fullEngineBookMs: book.ms,
      fullEngineBookThreadCpuMs: book.threadCpuMs,
      floorMs: floor.ms,
      ratio: round2(nextOpen.ms / Math.max(floor.ms, 0.1)),
      maxRssMiB1M: memory.nextOpen.maxRssMiB,
      maxRssMiB1MBook: memory.book.maxRssMiB,
      /** The candles read from a 1M-row CSV file first (the CLI's way), in its own process. */
      maxRssMiB1MFromCsv: memory.fromCsv.maxRssMiB,
      csvRead1MMs: memory.fromCsv.csvReadMs,
      /** Medians over the paired rounds. */
      sweepOneThreadMs: sweep.oneMs,
      sweepTwoThreadsMs: sweep.twoMs,
      sweepSpeedup: sweep.speedup,
      sweepSpeedupRounds: sweep.rounds.map((r) => r.speedup),
      sweepFirstSpeedup: sweep.first.speedup,
      /** What the cores gave the two control loops (no memory touched) in the same rounds. */
      latencyLoopSpeedup: sweep.latencyLoopSpeedup,
      aluLoopSpeedup: sweep.aluLoopSpeedup,
      aluLoopSpeedupRounds: sweep.rounds.map((r) => r.aluLoop.speedup),
      loadAverage: { engine: engineLoad, sweepEnd: load() }
    },
    candles: count,
    loadAverage1m: { before: round2(loadBefore), after: round2(loadavg()[0]) },
    floor,
    engine: {
      /** The strategy decides on every candle but never orders: loop + indicators + callbacks. */
      decisionsOnly,
      nextOpen,
      book,
      everyEventOnFifth: { candles: fifth.length, ...everyEvent }
    },
    memory,
    sweep,
    targets: { msFor1M: 500, stretchMs: 150, memoryMiB: 300 }
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100
/** 1, 5 and 15 minute load averages (the machine is shared: read every figure beside them). */
const load = () => loadavg().map(round2)
