import { fork, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { WorkerName } from '../src/shared/worker-protocol'
import { workerSpecs } from '../src/main/app-core'
import { ForkSpawner } from '../src/main/headless/fork-spawner'
import { DEFAULT_RESTART_POLICY } from '../src/main/supervisor/restart-policy'
import { Supervisor, type SupervisorOptions } from '../src/main/supervisor/supervisor'
import { sleep, summarize } from './stats'

const OUT_MAIN = resolve(__dirname, '../out/main')
const TRIALS = Number(process.env.KEEL_BENCH_TRIALS ?? 25)

/**
 * CPU time of a process's main thread so far, in ms (/proc schedstat, ns precision): what a
 * start-up costs the process itself, which contention from other processes hardly changes.
 */
function mainThreadCpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
  } catch {
    return Number.NaN
  }
}

/** Bare child_process.fork spawn → first IPC message: the floor any supervisor sits on. */
async function forkFloor(trials: number, cpu: number[] = []): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < trials; i++) {
    const t0 = performance.now()
    const child = fork(resolve(__dirname, 'fixtures/floor-worker.js'), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' })
    await new Promise<void>((r) => child.once('message', () => r()))
    samples.push(performance.now() - t0)
    if (child.pid) cpu.push(mainThreadCpuMs(child.pid))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
  }
  return samples
}

async function withSupervisor<T>(
  options: Partial<SupervisorOptions>,
  fn: (s: Supervisor, spawner: ForkSpawner) => Promise<T>,
  warmStandby = true,
  preload = true,
  prepare: (dataDir: string) => void = () => undefined
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'))
  prepare(dir)
  const spawner = new ForkSpawner(warmStandby ? join(OUT_MAIN, 'worker-standby.js') : undefined)
  const specs = workerSpecs(OUT_MAIN).map((spec) => (preload ? spec : { ...spec, preload: [] }))
  const s = new Supervisor(spawner, specs, dir, options)
  await s.start()
  try {
    return await fn(s, spawner)
  } finally {
    await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Kill (or freeze) the worker and time until its successor says ready. */
/** Crashes are seconds apart in life: wait until the replacement standby has loaded. */
async function settle(spawner: ForkSpawner): Promise<void> {
  await sleep(150)
  for (let waited = 0; !spawner.standbysWarm && waited < 10_000; waited += 20) await sleep(20)
}

/**
 * Kill (or freeze) the worker and time until its successor says ready. `cpu` gets the
 * successor's main-thread CPU from the kill to ready (a standby's CPU before it became the worker
 * is not counted): the start-up work itself.
 */
async function recoveryTimes(s: Supervisor, spawner: ForkSpawner, worker: WorkerName, signal: 'SIGKILL' | 'SIGSTOP', trials: number, cpu: number[] = []): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < trials; i++) {
    await settle(spawner)
    const pid = s.health().find((w) => w.name === worker)?.pid
    if (!pid) throw new Error(`${worker} is not running`)
    const ready = new Promise<number>((r) => {
      const stop = s.listen({ onReady: (w) => w === worker && (stop(), r(performance.now())) })
    })
    const reserve = new Map(spawner.standbyPids.map((p) => [p, mainThreadCpuMs(p)]))
    const t0 = performance.now()
    process.kill(pid, signal)
    samples.push((await ready) - t0)
    const successor = s.health().find((w) => w.name === worker)?.pid
    if (successor) cpu.push(mainThreadCpuMs(successor) - (reserve.get(successor) ?? 0))
  }
  return samples
}

/**
 * Kill the worker and time until a request sent right after the kill is answered: what an API
 * caller sees (the supervisor holds the request through the restart; the successor answers).
 */
async function answeredAfterCrash(s: Supervisor, spawner: ForkSpawner, worker: WorkerName, trials: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < trials; i++) {
    await settle(spawner)
    const pid = s.health().find((w) => w.name === worker)?.pid
    if (!pid) throw new Error(`${worker} is not running`)
    const gone = new Promise<void>((r) => {
      const stop = s.listen({ onChange: () => s.stateOf(worker) !== 'running' && (stop(), r()) })
    })
    const t0 = performance.now()
    process.kill(pid, 'SIGKILL')
    await gone // the request must reach the successor, not the dying process
    await s.request(worker, 'ping', {})
    samples.push(performance.now() - t0)
  }
  return samples
}

const WORKERS: WorkerName[] = ['execution', 'market', 'ai', 'strategy']

const STRATEGY_FILES = 5
/** A user's strategies folder: a few small strategy files. */
function writeStrategyFiles(dataDir: string): void {
  mkdirSync(join(dataDir, 'strategies'), { recursive: true })
  for (let i = 1; i <= STRATEGY_FILES; i++) {
    const text = `export default { name: 'Bench ${i}', params: { fast: { type: 'int', default: ${i + 5}, min: 1 } }, onCandle(ctx) { if (ctx.candles.length > ctx.params.fast) ctx.log('ready') } }\n`
    writeFileSync(join(dataDir, 'strategies', `bench-${i}.ts`), text)
  }
}

function rssMiB(pid: number): number {
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  return Math.round(kb / 1024)
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return Number(fields[11]) + Number(fields[12]) // utime + stime, in clock ticks (100 Hz)
}

/** `keel serve` with all workers up and no client: host CPU over a quiet window. */
async function idleCpu(seconds: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'))
  const child = spawn(process.execPath, [join(OUT_MAIN, 'cli.js'), 'serve', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    await new Promise<void>((r) => child.stdout.once('data', () => r()))
    await sleep(3_000) // workers up, start-up work done
    const host = child.pid ?? 0
    const workers = readFileSync(`/proc/${host}/task/${host}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(Boolean)
    const before = [host, ...workers].map(cpuTicks)
    await sleep(seconds * 1000)
    const after = [host, ...workers].map(cpuTicks)
    const pct = (i: number): number => Math.round((((after[i] ?? 0) - (before[i] ?? 0)) / (seconds * 100)) * 10_000) / 100
    return { hostCpuPercent: pct(0), workersCpuPercentEach: Math.max(...workers.map((_, i) => pct(i + 1))), windowSeconds: seconds, workers: workers.length }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run(): Promise<Record<string, unknown>> {
  // Repeated trials would trip the restart intensity (that is its job); here every kill is
  // treated as the first failure after a stable run, i.e. the no-backoff restart path.
  const bench: Partial<SupervisorOptions> = { policy: { ...DEFAULT_RESTART_POLICY, maxRestarts: 10_000, stableAfterMs: 0 } }
  const floorCpu: number[] = []
  const floor = summarize(await forkFloor(TRIALS, floorCpu))
  // Keel's default (keel serve): a warm standby process becomes the restarted worker.
  const crashCpu: Partial<Record<WorkerName, ReturnType<typeof summarize>>> = {}
  const crash = await withSupervisor(bench, async (s, spawner) => {
    const out: Partial<Record<WorkerName, ReturnType<typeof summarize>>> = {}
    for (const w of WORKERS) {
      const cpu: number[] = []
      out[w] = summarize(await recoveryTimes(s, spawner, w, 'SIGKILL', TRIALS, cpu))
      crashCpu[w] = summarize(cpu)
    }
    return out as Record<WorkerName, ReturnType<typeof summarize>>
  })
  let standbyRssMiB: number[] = []
  const answered = await withSupervisor(bench, async (s, spawner) => {
    const out: Partial<Record<WorkerName, ReturnType<typeof summarize>>> = {}
    for (const w of WORKERS) out[w] = summarize(await answeredAfterCrash(s, spawner, w, TRIALS))
    await sleep(1_500) // the last standby has loaded its preloads
    standbyRssMiB = spawner.standbyPids.map(rssMiB)
    return out as Record<WorkerName, ReturnType<typeof summarize>>
  })
  // The standby without preloads: market's successor loads ccxt itself (the cost preloading saves).
  const crashNoPreload = await withSupervisor(
    bench,
    async (s, spawner) => ({
      market: summarize(await recoveryTimes(s, spawner, 'market', 'SIGKILL', TRIALS)),
      execution: summarize(await recoveryTimes(s, spawner, 'execution', 'SIGKILL', TRIALS))
    }),
    true,
    false
  )
  // A strategy worker with strategy files in its folder (each is compiled and probed in a thread).
  const filesCpu: number[] = []
  const crashWithFiles = await withSupervisor(
    bench,
    async (s, spawner) => summarize(await recoveryTimes(s, spawner, 'strategy', 'SIGKILL', TRIALS, filesCpu)),
    true,
    true,
    writeStrategyFiles
  )
  // Without the standby: a cold fork per restart (what utilityProcess does in Electron today).
  const crashCold = await withSupervisor(bench, async (s, spawner) => summarize(await recoveryTimes(s, spawner, 'ai', 'SIGKILL', TRIALS)), false)
  const floorAgain = summarize(await forkFloor(TRIALS, floorCpu))
  const freeze = await withSupervisor(bench, async (s, spawner) => summarize(await recoveryTimes(s, spawner, 'ai', 'SIGSTOP', Math.max(20, Math.round(TRIALS * 0.8)))))
  const idle = await idleCpu(30)
  const floorMedian = (floor.median + floorAgain.median) / 2
  return {
    forkFloorMs: { before: floor, after: floorAgain },
    crashToReadyMs: crash,
    // CPU, not wall time: the fork floor's child from its start to its first message, each
    // successor from the kill to ready. Load on the machine hardly moves these.
    cpuMs: {
      forkFloor: summarize(floorCpu),
      crashToReady: crashCpu,
      crashToReadyOverFloor: Object.fromEntries(WORKERS.map((w) => [w, Math.round(((crashCpu[w]?.median ?? 0) / summarize(floorCpu).median) * 100) / 100]))
    },
    crashToAnsweredPingMs: answered,
    crashToReadyStandbyWithoutPreloadMs: crashNoPreload,
    strategyWithFiles: { strategyFiles: STRATEGY_FILES, crashToReadyMs: crashWithFiles, crashToReadyCpuMs: summarize(filesCpu) },
    standbyRssMiB,
    crashToReadyColdForkMs: { ai: crashCold },
    crashToReadyOverFloor: {
      ...Object.fromEntries(WORKERS.map((w) => [w, Math.round((crash[w].median / floorMedian) * 100) / 100])),
      aiColdFork: Math.round((crashCold.median / floorMedian) * 100) / 100,
      target: 1.25
    },
    freezeToReadyMs: { ...freeze, freezeAfterMs: 2000, heartbeatMs: 500, targetMs: 2500 },
    idle: { ...idle, targetHostCpuPercent: 1 }
  }
}
