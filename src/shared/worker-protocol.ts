import { z } from 'zod'
import { ErrorBody } from './errors'

/**
 * Messages between the host (supervisor) and a worker process. The same envelopes travel over
 * Electron's utilityProcess parentPort and over child_process IPC; both ends validate them.
 */

export const WORKER_NAMES = ['execution', 'market', 'ai', 'strategy'] as const
export const WorkerName = z.enum(WORKER_NAMES)
export type WorkerName = z.infer<typeof WorkerName>

// host → worker
export const RequestMsg = z.object({
  t: z.literal('req'),
  id: z.string().min(1),
  method: z.string().min(1),
  params: z.unknown()
})
export const NotifyMsg = z.object({ t: z.literal('notify'), name: z.string().min(1), payload: z.unknown() })
/** Notifications sent in one turn of the host's event loop travel as one message. */
export const NotifyBatchMsg = z.object({ t: z.literal('notifys'), items: z.array(z.object({ name: z.string().min(1), payload: z.unknown() })) })
export const ShutdownMsg = z.object({ t: z.literal('shutdown') })
/** The host's answer to a worker's call of another owner's method (see CallMsg). */
export const CallResultMsg = z.discriminatedUnion('ok', [
  z.object({ t: z.literal('callres'), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('callres'), id: z.string(), ok: z.literal(false), error: ErrorBody })
])
export const HostToWorker = z.union([z.discriminatedUnion('t', [RequestMsg, NotifyMsg, NotifyBatchMsg, ShutdownMsg]), CallResultMsg])
export type HostToWorker = z.infer<typeof HostToWorker>

// worker → host
export const ReadyMsg = z.object({ t: z.literal('ready'), pid: z.number().int() })
export const ResponseMsg = z.discriminatedUnion('ok', [
  z.object({ t: z.literal('res'), id: z.string(), ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.string(), ok: z.literal(false), error: ErrorBody })
])
export const EventMsg = z.object({ t: z.literal('evt'), name: z.string().min(1), payload: z.unknown() })
/** Events emitted in one turn of the worker's event loop travel as one message. */
export const EventsMsg = z.object({ t: z.literal('evts'), events: z.array(z.object({ name: z.string().min(1), payload: z.unknown() })) })
export const HeartbeatMsg = z.object({
  t: z.literal('hb'),
  seq: z.number().int().nonnegative(),
  /** How late the worker's own heartbeat timer fired: its event-loop delay. */
  loopDelayMs: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
  heapUsedBytes: z.number().nonnegative()
})
/** A worker asks the host to run an API method owned by someone else ("others ask the owner"). */
export const CallMsg = z.object({ t: z.literal('call'), id: z.string().min(1), method: z.string().min(1), params: z.unknown() })
// Discriminated on `t`: one property lookup picks the schema (this runs for every message).
export const WorkerToHost = z.discriminatedUnion('t', [ReadyMsg, ResponseMsg, EventMsg, EventsMsg, HeartbeatMsg, CallMsg])
export type WorkerToHost = z.infer<typeof WorkerToHost>
export type HeartbeatMsg = z.infer<typeof HeartbeatMsg>

/** Environment variables the host passes to every worker. */
export const WORKER_ENV = {
  name: 'KEEL_WORKER_NAME',
  dataDir: 'KEEL_DATA_DIR',
  heartbeatMs: 'KEEL_HEARTBEAT_MS'
} as const
