import { events, type EventName, type EventOf } from '../shared/api'
import { describeZodError } from '../shared/errors'
import { silentLogger, type Logger } from './logger'

export type BusListener = <E extends EventName>(event: E, payload: EventOf<E>) => void

/**
 * Events on their way to clients (both bridges subscribe). Payloads are validated against the
 * API's schemas here, once, so no bridge ever pushes something the docs don't describe.
 */
export class EventBus {
  private readonly listeners = new Set<BusListener>()
  constructor(private readonly log: Logger = silentLogger) {}

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Publish an event from an untrusted source (a worker): validated, dropped with a warning if bad. */
  publishUnknown(name: string, payload: unknown): void {
    if (this.listeners.size === 0) return // nobody to deliver to: skip the validation too
    if (!Object.hasOwn(events, name)) {
      this.log.warn(`dropped unknown event ${name}`)
      return
    }
    const event = name as EventName
    const parsed = events[event].safeParse(payload)
    if (!parsed.success) {
      this.log.warn(`dropped malformed ${name} event: ${describeZodError(parsed.error)}`)
      return
    }
    this.deliver(event, parsed.data as EventOf<typeof event>)
  }

  publish<E extends EventName>(event: E, payload: EventOf<E>): void {
    this.deliver(event, payload)
  }

  private deliver<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload)
      } catch (err) {
        this.log.error(`event listener for ${event} failed`, err)
      }
    }
  }
}
