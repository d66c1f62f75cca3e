import type { EventName, EventOf, KeelClient, MethodName, ParamsOf, ResultOf } from '../../../src/shared/api'

type Handler = (params: unknown) => unknown

/** A KeelClient for store tests: scripted method answers, events emitted by hand. */
export class FakeClient implements KeelClient {
  readonly calls: { method: MethodName; params: unknown }[] = []
  private readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  answer<M extends MethodName>(method: M, handler: (params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>): this {
    this.handlers.set(method, handler as Handler)
    return this
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    this.calls.push({ method, params })
    const handler = this.handlers.get(method)
    if (!handler) throw new Error(`${method}: not scripted`)
    return (await handler(params)) as ResultOf<M>
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set()
    set.add(listener as (payload: unknown) => void)
    this.listeners.set(event, set)
    return () => set.delete(listener as (payload: unknown) => void)
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
