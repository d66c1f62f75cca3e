import { events, isEventName, type EventName, type EventOf } from '../../../shared/api'

type AnyListener = (payload: unknown) => void

/** Dispatches pushed events to listeners by name, validating each payload against the API. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<AnyListener>>()

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<AnyListener>()
    set.add(listener as AnyListener)
    this.listeners.set(event, set)
    return () => set.delete(listener as AnyListener)
  }

  /** A frame from either bridge: a list of {event, payload}, coalesced per frame by the host. */
  dispatchFrames(frames: unknown): void {
    if (!Array.isArray(frames)) return
    for (const frame of frames as Array<{ event?: unknown; payload?: unknown }>) {
      if (typeof frame?.event === 'string') this.dispatch(frame.event, frame.payload)
    }
  }

  dispatch(name: string, payload: unknown): void {
    if (!isEventName(name)) return
    const set = this.listeners.get(name)
    if (!set?.size) return
    const parsed = events[name].safeParse(payload)
    if (!parsed.success) {
      console.warn(`ignored a malformed ${name} event`)
      return
    }
    for (const listener of set) listener(parsed.data)
  }
}
