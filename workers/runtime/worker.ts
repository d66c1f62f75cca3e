import type { z } from 'zod'
import { KeelError, describeZodError, type ErrorBody } from '../../src/shared/errors'
import { HostToWorker, WORKER_ENV, WorkerName, type WorkerToHost } from '../../src/shared/worker-protocol'
import { connectToParent, type ParentChannel } from './channel'
import { startHeartbeat } from './heartbeat'
import { createWorkerLogger, type WorkerLogger } from './log'
import { parentChanged } from './parent-watch'
import { OutgoingCalls } from './outgoing-calls'
import { RecentResponses } from './recent-responses'

export type Handler = (params: unknown) => unknown
export type Handlers = Record<string, Handler>

export interface WorkerContext {
  readonly name: WorkerName
  readonly dataDir: string
  readonly log: WorkerLogger
  /** Push an event to the host (which validates it and fans it out). */
  emit(name: string, payload: unknown): void
  /** One-way messages from the host (e.g. market data relayed to execution). */
  onNotify(name: string, listener: (payload: unknown) => void): void
  /**
   * Call an API method another owner answers (e.g. the market worker's candles), through the
   * host's router: validated there, and only methods the host allows this worker.
   */
  call(method: string, params: unknown, timeoutMs?: number): Promise<unknown>
  /** Run on graceful shutdown (close databases); awaited before exit. */
  onShutdown(fn: () => void | Promise<void>): void
}

/** Wrap a handler so its params are validated with the shared schema before it runs. */
export function validated<S extends z.ZodType>(schema: S, fn: (params: z.output<S>) => unknown): Handler {
  return (raw) => {
    const parsed = schema.safeParse(raw)
    if (!parsed.success) throw new KeelError('bad_request', describeZodError(parsed.error))
    return fn(parsed.data)
  }
}

/**
 * The one programming model for every worker: typed requests with correlation ids, events,
 * heartbeats from the event loop, graceful shutdown, and exit when the host is gone.
 * `setup` opens the worker's state (databases, feeds) and returns its method handlers; the
 * worker says `ready` only after it resolves, so the host never talks to a half-started worker.
 */
export function runWorker(setup: (ctx: WorkerContext) => Handlers | Promise<Handlers>): void {
  const name = WorkerName.parse(process.env[WORKER_ENV.name])
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
  let handlers: Handlers | undefined
  const early: unknown[] = []
  let stopping = false
  const calls = new OutgoingCalls((message) => channel.send(message))

  const send = (message: WorkerToHost): void => channel.send(message)

  // Events of one event-loop turn (e.g. a market tick's trades, books and tickers) go as one
  // IPC message: far fewer messages for the host to parse, same order, <1 ms later.
  let pendingEvents: Array<{ name: string; payload: unknown }> = []
  const flushEvents = (): void => {
    const events = pendingEvents
    pendingEvents = []
    if (events.length === 1) send({ t: 'evt', name: events[0]!.name, payload: events[0]!.payload })
    else if (events.length) send({ t: 'evts', events })
  }

  const builtins: Handlers = {
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
      const handler = handlers?.[method] ?? builtins[method]
      if (!handler) throw new KeelError('unknown_method', `worker ${name} has no method ${method}`)
      const result = await handler(params)
      response = { t: 'res', id, ok: true, result }
    } catch (err) {
      const error: ErrorBody = KeelError.from(err).toBody()
      if (error.code === 'internal') log.error(`${method} failed`, err)
      response = { t: 'res', id, ok: false, error }
    }
    recent.set(id, response)
    send(response)
  }

  function dispatch(raw: unknown): void {
    const parsed = HostToWorker.safeParse(raw)
    if (!parsed.success) {
      log.warn('ignored a malformed message from the host:', describeZodError(parsed.error))
      return
    }
    const message = parsed.data
    if (message.t === 'callres') {
      calls.settle(message)
      return
    }
    if (message.t === 'shutdown') {
      void shutdown(0)
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
  const heartbeat = startHeartbeat(heartbeatMs, send, () => {
    if (parentChanged(initialPpid)) process.exit(0)
  })

  const ctx: WorkerContext = {
    name,
    dataDir,
    log,
    emit: (event, payload) => {
      if (!pendingEvents.length) setImmediate(flushEvents)
      pendingEvents.push({ name: event, payload })
    },
    onNotify: (event, listener) => notifyListeners.set(event, [...(notifyListeners.get(event) ?? []), listener]),
    call: (method, params, timeoutMs) => calls.call(method, params, timeoutMs),
    onShutdown: (fn) => shutdownHooks.push(fn)
  }

  Promise.resolve(setup(ctx)).then(
    (h) => {
      handlers = h
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
