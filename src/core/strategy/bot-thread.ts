import { Worker } from 'node:worker_threads'
import { describeZodError } from '../../shared/errors'
import type { Order } from '../../shared/trading'
import type { StrategySignals } from './contract'
import { ThreadToParent, type AccountSnapshot, type BotThreadData, type Hook, type StartMsg, type StrategyMeta, type ThreadError } from './thread-protocol'

/**
 * The parent's handle on one bot thread: a worker_thread with a heap cap, watched from outside.
 * A callback gets `budgetMs` of the bot's own time (waiting for an order's answer does not
 * count); a thread whose heartbeat cell stops changing for `budgetMs` is frozen — an endless
 * loop, synchronous or of microtasks, which no in-thread timer can catch. Either way, and on
 * out-of-memory, a throw or an exit, the thread is terminated and the failure reported once.
 */

export interface BotThreadOptions {
  entry: string
  budgetMs: number
  memoryMb: number
  /** Extra time for the thread to boot and load the strategy before the budget applies. */
  startGraceMs?: number
  beatMs?: number
  onOrder(request: Record<string, unknown>): Promise<{ order: Order; snapshot: AccountSnapshot }>
  onCancel(orderId: string): Promise<{ order: Order; snapshot: AccountSnapshot }>
  onLog(level: 'info' | 'warn' | 'error', message: string, data: unknown): void
  /** The thread failed outside a call (a timer threw, it was frozen while idle, it died). */
  onFault(error: ThreadError): void
}

export class BotFailure extends Error {
  constructor(readonly error: ThreadError) {
    super(error.message)
    this.name = 'BotFailure'
  }
}

export interface Started {
  meta: StrategyMeta
  params: Record<string, unknown>
  state: Record<string, unknown>
}

type Pending =
  | { kind: 'start'; resolve(s: Started): void; reject(e: BotFailure): void; label: string }
  | { kind: 'call'; id: number; resolve(state: Record<string, unknown>): void; reject(e: BotFailure): void; label: string }

const WATCH_MS = 25

export class BotThread {
  private readonly worker: Worker
  private readonly beats: Int32Array
  private lastBeat = 0
  private lastBeatAt = performance.now()
  private booted = false
  private pending: Pending | undefined
  private nextCall = 1
  /** Budget accounting for the callback in progress: time spent, and since when it runs. */
  private spentMs = 0
  private runningSince: number | undefined
  private waitingOnHost = 0
  private graceUntil: number
  private dead = false
  /** The last callback that ran, to name the culprit of a freeze while idle. */
  private lastLabel: string | undefined
  private readonly watchdog: NodeJS.Timeout
  private readonly beatMs: number

  constructor(private readonly options: BotThreadOptions) {
    const heartbeat = new SharedArrayBuffer(4)
    this.beats = new Int32Array(heartbeat)
    const beatMs = options.beatMs ?? Math.max(10, Math.min(100, Math.floor(options.budgetMs / 4)))
    this.beatMs = beatMs
    const data: BotThreadData = { heartbeat, beatMs }
    this.graceUntil = performance.now() + (options.startGraceMs ?? 5_000)
    this.worker = new Worker(options.entry, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.min(32, Math.floor(options.memoryMb / 4))), stackSizeMb: 4 },
      stdout: false,
      stderr: false
    })
    this.worker.on('message', (raw) => this.onMessage(raw))
    this.worker.on('error', (err: Error & { code?: string }) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      this.fail({ kind: memory ? 'memory' : 'crashed', message: memory ? `ran out of memory (heap cap ${options.memoryMb} MB)` : `thread crashed: ${err.message}`, stack: err.stack })
    })
    this.worker.on('exit', (code) => this.fail({ kind: 'crashed', message: `thread exited (code ${code})` }))
    this.watchdog = setInterval(() => this.watch(), WATCH_MS)
  }

  get threadId(): number {
    return this.worker.threadId
  }

  start(msg: Omit<StartMsg, 't'>): Promise<Started> {
    return new Promise((resolve, reject) => {
      this.begin({ kind: 'start', resolve, reject, label: msg.run ? 'onStart' : 'loading' })
      this.worker.postMessage({ t: 'start', ...msg })
    })
  }

  call(hook: Hook, arg: unknown, snapshot: AccountSnapshot, now: number, signals?: StrategySignals): Promise<Record<string, unknown>> {
    const id = this.nextCall++
    return new Promise((resolve, reject) => {
      this.begin({ kind: 'call', id, resolve, reject, label: hook })
      this.worker.postMessage({ t: 'call', id, hook, arg, snapshot, now, signals })
    })
  }

  /** Ends the thread (terminate() interrupts even an endless loop). Idempotent. */
  terminate(): Promise<void> {
    if (!this.dead) {
      this.dead = true
      clearInterval(this.watchdog)
      this.pending?.reject(new BotFailure({ kind: 'crashed', message: 'stopped' }))
      this.pending = undefined
    }
    return this.worker.terminate().then(() => undefined)
  }

  private begin(pending: Pending): void {
    if (this.dead) return pending.reject(new BotFailure({ kind: 'crashed', message: 'the bot thread is gone' }))
    if (this.pending) return pending.reject(new BotFailure({ kind: 'crashed', message: `${pending.label} while ${this.pending.label} still runs` }))
    this.pending = pending
    this.spentMs = 0
    this.waitingOnHost = 0
    this.runningSince = performance.now()
  }

  private settle(): Pending | undefined {
    const pending = this.pending
    this.lastLabel = pending?.label ?? this.lastLabel
    this.pending = undefined
    this.runningSince = undefined
    return pending
  }

  private onMessage(raw: unknown): void {
    if (this.dead) return
    const parsed = ThreadToParent.safeParse(raw)
    if (!parsed.success) return this.fail({ kind: 'crashed', message: `sent a malformed message: ${describeZodError(parsed.error)}` })
    const msg = parsed.data
    switch (msg.t) {
      case 'started': {
        const pending = this.pending
        if (pending?.kind !== 'start') return this.fail({ kind: 'crashed', message: 'started twice' })
        this.settle()
        return pending.resolve({ meta: msg.meta, params: msg.params, state: msg.state })
      }
      case 'failed': {
        const pending = this.settle()
        return pending ? pending.reject(new BotFailure(msg.error)) : this.fail(msg.error)
      }
      case 'done':
      case 'threw': {
        const pending = this.pending
        if (pending?.kind !== 'call' || pending.id !== msg.id) return this.fail({ kind: 'crashed', message: `answered call ${msg.id}, which is not running` })
        this.settle()
        return msg.t === 'done' ? pending.resolve(msg.state) : pending.reject(new BotFailure(msg.error))
      }
      case 'order':
        return this.relay(msg.id, () => this.options.onOrder(msg.request))
      case 'cancel':
        return this.relay(msg.id, () => this.options.onCancel(msg.orderId))
      case 'log':
        return this.options.onLog(msg.level, msg.message, msg.data)
      case 'fault':
        return this.fail(msg.error)
    }
  }

  /** Runs a request for the thread; its clock stops meanwhile (the host's time is not the bot's). */
  private relay(id: number, run: () => Promise<{ order: Order; snapshot: AccountSnapshot }>): void {
    this.pauseClock()
    run().then(
      ({ order, snapshot }) => this.reply(id, { t: 'reply', id, ok: true, order, snapshot }),
      (err: unknown) => {
        const e = err as { code?: unknown; message?: unknown }
        this.reply(id, { t: 'reply', id, ok: false, error: { code: typeof e.code === 'string' ? e.code : 'internal', message: String(e.message ?? err) } })
      }
    )
  }

  private reply(_id: number, message: unknown): void {
    if (this.dead) return
    this.resumeClock()
    this.worker.postMessage(message)
  }

  private pauseClock(): void {
    this.waitingOnHost++
    if (this.waitingOnHost === 1 && this.runningSince !== undefined) {
      this.spentMs += performance.now() - this.runningSince
      this.runningSince = undefined
    }
  }

  private resumeClock(): void {
    this.waitingOnHost = Math.max(0, this.waitingOnHost - 1)
    if (this.waitingOnHost === 0 && this.pending && this.runningSince === undefined) this.runningSince = performance.now()
  }

  private watch(): void {
    const now = performance.now()
    const beat = Atomics.load(this.beats, 0)
    if (beat !== this.lastBeat) {
      this.lastBeat = beat
      this.lastBeatAt = now
      this.booted = true
    }
    const { budgetMs } = this.options
    const label = this.pending?.label
    if (now < this.graceUntil && (!this.booted || this.pending?.kind === 'start')) return
    if (this.pending?.kind === 'start' && now > this.graceUntil + budgetMs) {
      return this.fail({ kind: 'budget', message: `${label} did not finish within ${budgetMs} ms (after ${this.options.startGraceMs ?? 5_000} ms to load)` })
    }
    if (this.booted && now - this.lastBeatAt > budgetMs) {
      const message = label
        ? `${label} blocked its thread for more than ${budgetMs} ms (an endless loop?)`
        : `the bot blocked its thread for more than ${budgetMs} ms after ${this.lastLabel ?? 'loading'} returned (an endless loop of microtasks or timers?)`
      return this.fail({ kind: 'frozen', message })
    }
    if (label && this.pending?.kind === 'call') {
      const spent = this.spentMs + (this.runningSince === undefined ? 0 : now - this.runningSince)
      // A thread that has stopped beating is blocked, not awaiting: the frozen verdict above
      // follows within a beat or two and names the loop. One that still beats is over budget.
      const blocked = this.booted && now - this.lastBeatAt > 2 * this.beatMs
      if (spent > budgetMs && !blocked) this.fail({ kind: 'budget', message: `${label} ran over its time budget of ${budgetMs} ms` })
    }
  }

  private fail(error: ThreadError): void {
    if (this.dead) return
    this.dead = true
    clearInterval(this.watchdog)
    void this.worker.terminate()
    const pending = this.settle()
    if (pending) pending.reject(new BotFailure(error))
    else this.options.onFault(error)
  }
}
