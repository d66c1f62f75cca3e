import { z } from 'zod'
import { CrashRecord, HealthReport } from './health'
import { WorkerName } from './worker-protocol'

/**
 * Keel's one API. Every method and event is declared here once, with zod schemas; the router
 * in main validates against them, both bridges (Electron IPC, HTTP/WebSocket) expose exactly
 * this, and the renderer's client is typed from it. docs/api.md documents it.
 */

/** Who answers a method: the host itself, or the worker that owns the state. */
export type Owner = 'host' | WorkerName

export interface MethodDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  owner: Owner
  params: P
  result: R
  summary: string
}

function method<P extends z.ZodType, R extends z.ZodType>(def: MethodDef<P, R>): MethodDef<P, R> {
  return def
}

const NoParams = z.object({}).strict().default({})

export const PingResult = z.object({ worker: WorkerName, pid: z.number(), uptimeMs: z.number() })

export const methods = {
  health: method({
    owner: 'host',
    params: NoParams,
    result: HealthReport,
    summary: 'State of every worker (pid, state, restarts, heartbeat, memory, last crash), the host, and recent crashes.'
  }),
  restartWorker: method({
    owner: 'host',
    params: z.object({ name: WorkerName }).strict(),
    result: z.object({ ok: z.literal(true) }),
    summary: 'Restart a worker now; for a failed worker (circuit open) this is the half-open retry.'
  }),
  ping: method({
    owner: 'host',
    params: z.object({ worker: WorkerName }).strict(),
    result: PingResult,
    summary: 'Round-trip to one worker; waits through a restart rather than failing.'
  })
} satisfies Record<string, MethodDef>

export const events = {
  health: HealthReport,
  workerCrashed: CrashRecord
} satisfies Record<string, z.ZodType>

export type Methods = typeof methods
export type MethodName = keyof Methods
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>
export type Events = typeof events
export type EventName = keyof Events
export type EventOf<E extends EventName> = z.output<Events[E]>

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name)
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name)
}

/** What a renderer (or any client) needs: call methods, hear events. Both bridges implement it. */
export interface KeelClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void
}
