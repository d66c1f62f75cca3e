import type { z } from 'zod'
import { isMethodName, methods } from '../../src/shared/api'
import { KeelError, describeZodError, type ErrorBody } from '../../src/shared/errors'
import { HostToWorker, WORKER_ENV, WorkerName, type WorkerToHost } from '../../src/shared/worker-protocol'
import { connectToParent, type ParentChannel } from './channel'
import { Disposables } from '../../src/core/util/disposables'
import type { Emit, WorkerHandlers } from './contract'
import { startHeartbeat } from './heartbeat'
import { createWorkerLogger, type WorkerLogger } from './log'
import { parentChanged } from './parent-watch'
import { OutgoingCalls } from './outgoing-calls'
import { RecentResponses } from './recent-responses'

type Handler = (params: unknown) => unknown

export interface WorkerContext<W extends WorkerName> {
  readonly name: W
  readonly dataDir: string
  readonly log: WorkerLogger
  /** Push one of this worker's events (api.ts eventOwners) to the host, which validates it and fans it out. */
  emit: Emit<W>
  /** One-way messages from the host (e.g. market data relayed to execution), parsed with `schema`
   * here, at the process edge; a malformed one is logged and dropped. */
  onNotify<S extends z.ZodType>(name: string, schema: S, listener: (payload: z.output<S>) => void): void
  /**
   * Call an API method another owner answers (e.g. the market worker's candles, execution's
   * placeOrder), through the host's router: validated there, and only methods the host allows
   * this worker (src/main/worker-links.ts). Rejects with the owner's KeelError.
   */
  call(method: string, params: unknown, timeoutMs?: number): Promise<unknown>
  /**
   * A host-internal method: not in api.ts, so no client can reach it; only the host calls it
   * (supervisor.request). Params are parsed with `schema` here, at the process edge.
   */
  onHostRequest<S extends z.ZodType>(method: string, schema: S, handler: (params: z.output<S>) => unknown): void
  /** Run on graceful shutdown (close databases); awaited before exit. */
  onShutdown(fn: () => void | Promise<void>): void
}

/** Params parsed with the method's api.ts schema: the one parse at the worker's edge. */
function parseParams<S extends z.ZodType>(method: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new KeelError('bad_request', `${method}: ${describeZodError(parsed.error)}`)
  return parsed.data
}

/**
 * The one programming model for every worker: typed requests with correlation ids, events,
 * heartbeats from the event loop, graceful shutdown, and exit when the host is gone.
 * `setup` opens the worker's state (databases, feeds) and returns its method handlers, one per
 * api.ts method the worker owns (WorkerHandlers<W>); the worker says `ready` only after it
 * resolves, so the host never talks to a half-started worker. Requests are parsed with their
 * method's params schema before a handler sees them.
 */
export function runWorker<W extends WorkerName>(
  worker: W,
  // NoInfer: W comes from `worker` alone, so the handlers are typed by it (not inferred from them).
  setup: (ctx: WorkerContext<W>) => NoInfer<WorkerHandlers<W> | Promise<WorkerHandlers<W>>>
): void {
  const name = WorkerName.parse(process.env[WORKER_ENV.name])
  if (name !== worker) throw new Error(`worker entry for ${worker} started as ${name}: the host spawned the wrong entry`)
  process.title = `keel-${name}` // what ps and task managers show (a warm standby became this worker)
  const dataDir = process.env[WORKER_ENV.dataDir] ?? process.cwd()
  const heartbeatMs = Number(process.env[WORKER_ENV.heartbeatMs] ?? 500)
  const startedAt = performance.now()
  const initialPpid = process.ppid
  const channel: ParentChannel = connectToParent()
  const log = createWorkerLogger(name, dataDir)
  const notifyListeners = new Map<string, Array<(payload: unknown) => void>>()
  const shutdownHooks: Array<() => void | Promise<void>> = []
  const recent = new RecentResponses(2000)
  let handlers: Record<string, Handler> | undefined
  const hostRequests = new Map<string, Handler>()
  const early: unknown[] = []
  let stopping = false

  const send = (message: WorkerToHost): void => channel.send(message)
  const calls = new OutgoingCalls(send)

  // Events of one event-loop turn (e.g. a market tick's trades, books and tickers) go as one
  // IPC message: far fewer messages for the host to parse, same order, <1 ms later.
  let pendingEvents: Array<{ name: string; payload: unknown }> = []
  const flushEvents = (): void => {
    const events = pendingEvents
    pendingEvents = []
    if (events.length === 1) send({ t: 'evt', name: events[0]!.name, payload: events[0]!.payload })
    else if (events.length) send({ t: 'evts', events })
  }

  const builtins: Record<string, Handler> = {
    ping: () => ({ worker: name, pid: process.pid, uptimeMs: Math.round(performance.now() - startedAt) })
  }

  async function shutdown(code: number): Promise<never> {
    if (!stopping) {
      stopping = true
      for (const hook of shutdownHooks.reverse()) {
        try {
          await hook()
        } catch (err) {
          log.error('shutdown hook failed', err)
        }
      }
      disposables.dispose()
    }
    process.exit(code)
  }

  async function handleRequest(id: string, method: string, params: unknown): Promise<void> {
    const cached = recent.get(id)
    if (cached === 'pending') return // a duplicate of a request still being handled
    if (cached) return send(cached)
    recent.markPending(id)
    let response: WorkerToHost
    try {
      const result = await run(method, params)
      response = { t: 'res', id, ok: true, result }
    } catch (err) {
      const error: ErrorBody = KeelError.from(err).toBody()
      if (error.code === 'internal') log.error(`${method} failed`, err)
      response = { t: 'res', id, ok: false, error }
    }
    recent.set(id, response)
    send(response)
  }

  function run(method: string, params: unknown): unknown {
    if (Object.hasOwn(builtins, method)) return builtins[method]!(params)
    const hostRequest = hostRequests.get(method)
    if (hostRequest) return hostRequest(params)
    const handler = isMethodName(method) && methods[method].owner === name ? handlers?.[method] : undefined
    if (!handler) throw new KeelError('unknown_method', `worker ${name} has no method ${method}`)
    return handler(parseParams(method, methods[method as keyof typeof methods].params, params))
  }

  function dispatch(raw: unknown): void {
    const parsed = HostToWorker.safeParse(raw)
    if (!parsed.success) {
      log.warn('ignored a malformed message from the host:', describeZodError(parsed.error))
      return
    }
    const message = parsed.data
    if (message.t === 'shutdown') {
      void shutdown(0)
      return
    }
    if (message.t === 'ret') {
      calls.settle(message)
      return
    }
    if (!handlers) {
      early.push(raw)
      return
    }
    if (message.t === 'req') void handleRequest(message.id, message.method, message.params)
    else if (message.t === 'notify') notify(message.name, message.payload)
    else for (const item of message.items) notify(item.name, item.payload)
  }

  function notify(event: string, payload: unknown): void {
    for (const listener of notifyListeners.get(event) ?? []) listener(payload)
  }

  channel.onMessage(dispatch)
  channel.onParentGone(() => process.exit(0))
  const disposables = new Disposables()
  const heartbeat = startHeartbeat(heartbeatMs, send, () => {
    if (parentChanged(initialPpid)) process.exit(0)
  })
  disposables.add(heartbeat.stop)

  const ctx: WorkerContext<W> = {
    name: worker,
    dataDir,
    log,
    emit: (event: string, payload: unknown) => {
      if (!pendingEvents.length) setImmediate(flushEvents)
      pendingEvents.push({ name: event, payload })
    },
    onNotify: (event, schema, listener) => {
      const parsing = (raw: unknown): void => {
        const parsed = schema.safeParse(raw)
        if (parsed.success) listener(parsed.data)
        else log.warn(`ignored malformed ${event} from the host: ${describeZodError(parsed.error)}`)
      }
      notifyListeners.set(event, [...(notifyListeners.get(event) ?? []), parsing])
    },
    call: (method, params, timeoutMs) => calls.call(method, params, timeoutMs),
    onHostRequest: (method, schema, handler) => hostRequests.set(method, (raw) => handler(parseParams(method, schema, raw))),
    onShutdown: (fn) => shutdownHooks.push(fn)
  }

  Promise.resolve(setup(ctx)).then(
    (h) => {
      // WorkerHandlers<W> typed each handler by its method; `run` gives it params parsed with that method's schema.
      handlers = h as unknown as Record<string, Handler>
      heartbeat.beatNow()
      send({ t: 'ready', pid: process.pid })
      for (const raw of early.splice(0)) dispatch(raw)
    },
    (err: unknown) => {
      // Startup failure is a crash: the supervisor records it with our stderr and retries.
      log.error(`worker ${name} failed to start:`, err)
      process.exit(70)
    }
  )
}
