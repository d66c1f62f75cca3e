import { z } from 'zod'
import { ExchangeHealth } from './market'
import { StorageHealth } from './storage'

export const WorkerState = z.enum(['starting', 'running', 'unresponsive', 'restarting', 'failed', 'stopped'])
export type WorkerState = z.infer<typeof WorkerState>

export const CrashKind = z.enum(['crash', 'freeze', 'start_timeout'])

/** One crash or freeze of a worker, as recorded by the supervisor. */
export const CrashRecord = z.object({
  worker: z.string(),
  kind: CrashKind,
  at: z.number(), // ms since epoch
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  uptimeMs: z.number().nonnegative(),
  stderrTail: z.array(z.string()),
  /** How the host saw it end, where it says more than code and signal (Electron: oom, killed, crashed, launch-failed). */
  reason: z.string().optional()
})
export type CrashRecord = z.infer<typeof CrashRecord>

export const WorkerHealth = z.object({
  name: z.string(),
  pid: z.number().nullable(),
  state: WorkerState,
  restarts: z.number().int().nonnegative(),
  uptimeMs: z.number().nonnegative(),
  lastHeartbeatAgeMs: z.number().nonnegative().nullable(),
  eventLoopDelayMs: z.number().nonnegative().nullable(),
  rssBytes: z.number().nonnegative().nullable(),
  lastCrash: CrashRecord.nullable(),
  /** When a failed worker will be retried half-open (ms since epoch), if scheduled. */
  retryAt: z.number().nullable()
})
export type WorkerHealth = z.infer<typeof WorkerHealth>

export const HostHealth = z.object({
  mode: z.enum(['electron', 'headless']),
  pid: z.number(),
  version: z.string(),
  uptimeMs: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
  cpuPercent: z.number().nonnegative(),
  eventLoopDelayMs: z.number().nonnegative(),
  dataDir: z.string(),
  /** Failures the host caught and survived (a timer or callback that threw), and the latest. */
  faults: z.number().int().nonnegative().optional(),
  lastFault: z.object({ at: z.number(), where: z.string(), message: z.string() }).nullable().optional()
})
export type HostHealth = z.infer<typeof HostHealth>

export const HealthReport = z.object({
  workers: z.array(WorkerHealth),
  host: HostHealth,
  crashes: z.array(CrashRecord),
  /** Per exchange feed health from the market worker's watchdogs (last report). */
  exchanges: z.array(ExchangeHealth).default([]),
  /** Each database's state as its owner last reported it (damage, backups, journal mark). */
  storage: z.array(StorageHealth).optional()
})
export type HealthReport = z.infer<typeof HealthReport>
