import { fork, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
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

/** Bare child_process.fork spawn → first IPC message: the floor any supervisor sits on. */
async function forkFloor(trials: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < trials; i++) {
    const t0 = performance.now()
    const child = fork(resolve(__dirname, 'fixtures/floor-worker.js'), [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' })
    await new Promise<void>((r) => child.once('message', () => r()))
    samples.push(performance.now() - t0)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
  }
  return samples
}

async function withSupervisor<T>(options: Partial<SupervisorOptions>, fn: (s: Supervisor) => Promise<T>, warmStandby = true): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-'))
  const spawner = new ForkSpawner(warmStandby ? join(OUT_MAIN, 'worker-standby.js') : undefined)
  const s = new Supervisor(spawner, workerSpecs(OUT_MAIN), dir, options)
  await s.start()
  try {
    return await fn(s)
  } finally {
    await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Kill (or freeze) the worker and time until its successor says ready. */
async function recoveryTimes(s: Supervisor, worker: WorkerName, signal: 'SIGKILL' | 'SIGSTOP', trials: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < trials; i++) {
    await sleep(150) // let the previous successor settle
    const pid = s.health().find((w) => w.name === worker)?.pid
    if (!pid) throw new Error(`${worker} is not running`)
    const ready = new Promise<number>((r) => {
      const stop = s.listen({ onReady: (w) => w === worker && (stop(), r(performance.now())) })
    })
    const t0 = performance.now()
    process.kill(pid, signal)
    samples.push((await ready) - t0)
  }
  return samples
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
  const floor = summarize(await forkFloor(TRIALS))
  // Keel's default (keel serve): a warm standby process becomes the restarted worker.
  const crash = await withSupervisor(bench, async (s) => ({
    execution: summarize(await recoveryTimes(s, 'execution', 'SIGKILL', TRIALS)),
    ai: summarize(await recoveryTimes(s, 'ai', 'SIGKILL', TRIALS))
  }))
  // Without the standby: a cold fork per restart (what utilityProcess does in Electron today).
  const crashCold = await withSupervisor(bench, async (s) => summarize(await recoveryTimes(s, 'ai', 'SIGKILL', TRIALS)), false)
  const floorAgain = summarize(await forkFloor(TRIALS))
  const freeze = await withSupervisor(bench, async (s) => summarize(await recoveryTimes(s, 'ai', 'SIGSTOP', Math.max(20, Math.round(TRIALS * 0.8)))))
  const idle = await idleCpu(30)
  const floorMedian = (floor.median + floorAgain.median) / 2
  return {
    forkFloorMs: { before: floor, after: floorAgain },
    crashToReadyMs: crash,
    crashToReadyColdForkMs: { ai: crashCold },
    crashToReadyOverFloor: {
      execution: Math.round((crash.execution.median / floorMedian) * 100) / 100,
      ai: Math.round((crash.ai.median / floorMedian) * 100) / 100,
      aiColdFork: Math.round((crashCold.median / floorMedian) * 100) / 100,
      target: 1.25
    },
    freezeToReadyMs: { ...freeze, freezeAfterMs: 2000, heartbeatMs: 500, targetMs: 2500 },
    idle: { ...idle, targetHostCpuPercent: 1 }
  }
}
